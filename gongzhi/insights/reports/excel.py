"""The monthly report as an Excel workbook (openpyxl), sheets 概况 / 街道排名 (社区排名) /
承办单位排名 / 趋势 / 类别 / 热点, with native charts (the trend as a line chart, the
categories as a bar chart) that Excel draws from the sheets' own cells.

Rates are stored as fractions with a percent format (99.5 % is 0.995), so that a reader's own
formulas work on them; changes are percentage points, stored as numbers; the composite score
is a number of points (0–100).
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.chart import BarChart, LineChart, Reference
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from gongzhi.insights.rankings import RankingRow
from gongzhi.insights.reports.data import MonthlyReport

PERCENT = "0.00%"
POINTS = "0.00"
DELTA = "+0.00;-0.00;0.00"
COUNT_DELTA = "+#,##0;-#,##0;0"
COUNT = "#,##0"
HEADER_FILL = PatternFill("solid", fgColor="E7EFFB")
BOTTOM_FILL = PatternFill("solid", fgColor="FBE7E7")
BOLD = Font(bold=True)


def _fraction(percent: float | None) -> float | None:
    return None if percent is None else round(percent / 100.0, 6)


def _header(sheet: Worksheet, row: int, titles: Sequence[tuple[str, int]]) -> None:
    for col, (title, width) in enumerate(titles, start=1):
        cell = sheet.cell(row=row, column=col, value=title)
        cell.font = BOLD
        cell.fill = HEADER_FILL
        cell.alignment = Alignment(vertical="center", wrap_text=True)
        letter = get_column_letter(col)
        current = sheet.column_dimensions[letter].width or 0
        sheet.column_dimensions[letter].width = max(width, current)


def _row(sheet: Worksheet, row: int, values: Sequence[Any], formats: Sequence[str | None]) -> None:
    for col, (value, fmt) in enumerate(zip(values, formats, strict=True), start=1):
        cell = sheet.cell(row=row, column=col, value=value)
        if fmt:
            cell.number_format = fmt


def _show_axes(chart: Any) -> None:
    """openpyxl 3.1 leaves out the axes' <c:delete val="0"/>, and Excel then hides both axes
    with their labels; say it."""
    chart.x_axis.delete = False
    chart.y_axis.delete = False


def _title(sheet: Worksheet, report: MonthlyReport, subtitle: str) -> None:
    sheet["A1"] = f"{report.title} · {subtitle}"
    sheet["A1"].font = Font(bold=True, size=14)


def _source(report: MonthlyReport) -> str:
    as_of = f"{timezone.localtime(report.as_of):%Y-%m-%d %H:%M}" if report.as_of else _("尚未汇总")
    return _(
        "数据来源：共治平台接诉即办工单月度汇总（按受理时间计）；数据截至：%(as_of)s；"
        "生成时间：%(at)s"
    ) % {"as_of": as_of, "at": f"{timezone.localtime(report.generated_at):%Y-%m-%d %H:%M}"}


def _overview(sheet: Worksheet, report: MonthlyReport) -> None:
    sheet.title = _("概况")
    _title(sheet, report, _("概况"))
    sheet["A2"] = _source(report)
    sheet["A3"] = _("统计范围：%(scope)s；月份：%(month)s") % {
        "scope": report.scope_name,
        "month": report.month_value,
    }
    _header(sheet, 5, [(_("指标"), 14), (_("本月"), 12), (_("上月"), 12), (_("环比变化"), 12)])
    for i, h in enumerate(report.headlines, start=6):
        if h.kind == "rate":
            values: list[Any] = [h.label, _fraction(h.value), _fraction(h.previous), h.delta]
            formats: list[str | None] = [None, PERCENT, PERCENT, DELTA]
        elif h.kind == "score":
            values, formats = [h.label, h.value, h.previous, h.delta], [None, POINTS, POINTS, DELTA]
        else:
            values, formats = (
                [h.label, h.value, h.previous, h.delta],
                [None, COUNT, COUNT, COUNT_DELTA],
            )
        _row(sheet, i, values, formats)
    note = 6 + len(report.headlines) + 1
    sheet.cell(row=note, column=1, value=_("率的环比变化以百分点计；综合得分以分计。"))
    sheet.freeze_panes = "A6"


RANKING_COLUMNS = 12


def _ranking(sheet: Worksheet, report: MonthlyReport, rows: list[RankingRow], title: str) -> None:
    _title(sheet, report, title)
    sheet["A2"] = _source(report)
    _header(
        sheet,
        3,
        [
            (_("排名"), 6),
            (_("名称"), 24),
            (_("受理"), 8),
            (_("计入考核"), 9),
            (_("响应率"), 10),
            (_("解决率"), 10),
            (_("满意率"), 10),
            (_("综合得分"), 10),
            (_("综合得分环比（分）"), 14),
            (_("上月排名"), 9),
            (_("等级"), 8),
            (_("末位"), 6),
        ],
    )
    formats = [None, None, COUNT, COUNT, PERCENT, PERCENT, PERCENT, POINTS, DELTA, None, None, None]
    for i, r in enumerate(rows, start=4):
        values = [
            r.rank,
            r.name,
            r.counts["received"],
            r.counts["counted"],
            _fraction(r.rates.response),
            _fraction(r.rates.resolution),
            _fraction(r.rates.satisfaction),
            r.rates.composite,
            r.composite_delta,
            r.previous_rank,
            str(r.grade.label) if r.grade else "",
            _("末位") if r.is_bottom else "",
        ]
        _row(sheet, i, values, formats)
        if r.is_bottom:
            for col in range(1, RANKING_COLUMNS + 1):
                sheet.cell(row=i, column=col).fill = BOTTOM_FILL
    sheet.freeze_panes = "C4"
    if rows:
        sheet.auto_filter.ref = f"A3:{get_column_letter(RANKING_COLUMNS)}{3 + len(rows)}"


def _trend(sheet: Worksheet, report: MonthlyReport) -> None:
    _title(sheet, report, _("趋势"))
    _header(
        sheet,
        3,
        [
            (_("月份"), 10),
            (_("受理"), 9),
            (_("响应率"), 10),
            (_("解决率"), 10),
            (_("满意率"), 10),
            (_("综合得分"), 10),
        ],
    )
    for i, (month, f) in enumerate(report.trend, start=4):
        _row(
            sheet,
            i,
            [
                f"{month:%Y-%m}",
                f.counts["received"],
                _fraction(f.rates.response),
                _fraction(f.rates.resolution),
                _fraction(f.rates.satisfaction),
                f.rates.composite,
            ],
            [None, COUNT, PERCENT, PERCENT, PERCENT, POINTS],
        )
    sheet.freeze_panes = "A4"
    last = 3 + len(report.trend)
    if not report.trend:
        return
    chart = LineChart()
    chart.title = _("近12个月三率走势")
    chart.y_axis.title = _("比率")
    chart.y_axis.number_format = "0%"
    chart.x_axis.title = _("月份")
    chart.height, chart.width = 8, 18
    chart.add_data(
        Reference(sheet, min_col=3, max_col=5, min_row=3, max_row=last), titles_from_data=True
    )
    chart.set_categories(Reference(sheet, min_col=1, min_row=4, max_row=last))
    _show_axes(chart)
    sheet.add_chart(chart, "H3")
    volume = BarChart()
    volume.title = _("近12个月受理量")
    volume.height, volume.width = 8, 18
    volume.add_data(Reference(sheet, min_col=2, min_row=3, max_row=last), titles_from_data=True)
    volume.set_categories(Reference(sheet, min_col=1, min_row=4, max_row=last))
    _show_axes(volume)
    sheet.add_chart(volume, "H20")


def _categories(sheet: Worksheet, report: MonthlyReport) -> None:
    _title(sheet, report, _("类别"))
    total = report.received or 0
    columns = [
        (_("类别"), 22),
        (_("受理"), 9),
        (_("占比"), 9),
        (_("解决率"), 10),
        (_("满意率"), 10),
    ]
    _header(sheet, 3, columns)
    formats = [None, COUNT, PERCENT, PERCENT, PERCENT]
    for i, c in enumerate(report.top_categories, start=4):
        share = round(c.counts["received"] / total, 6) if total else None
        values = [
            c.name,
            c.counts["received"],
            share,
            _fraction(c.rates.resolution),
            _fraction(c.rates.satisfaction),
        ]
        _row(sheet, i, values, formats)
    sheet.freeze_panes = "A4"
    last = 3 + len(report.top_categories)
    if report.top_categories:
        chart = BarChart()
        chart.type = "bar"  # horizontal: long Chinese names read better
        chart.title = _("本月受理量（按一级类别）")
        chart.legend = None
        chart.height, chart.width = 9, 18
        chart.add_data(Reference(sheet, min_col=2, min_row=3, max_row=last), titles_from_data=True)
        chart.set_categories(Reference(sheet, min_col=1, min_row=4, max_row=last))
        _show_axes(chart)
        sheet.add_chart(chart, "H3")
    start = last + 2
    sheet.cell(row=start, column=1, value=_("受理量居前的细分类别")).font = BOLD
    _header(
        sheet,
        start + 1,
        [
            (_("细分类别"), 22),
            (_("受理"), 9),
            (_("占比"), 9),
            (_("解决率"), 10),
            (_("满意率"), 10),
            (_("一级类别"), 16),
        ],
    )
    for i, c in enumerate(report.categories, start=start + 2):
        share = round(c.counts["received"] / total, 6) if total else None
        _row(
            sheet,
            i,
            [
                c.name,
                c.counts["received"],
                share,
                _fraction(c.rates.resolution),
                _fraction(c.rates.satisfaction),
                report.category_names.get(c.parent_id or 0, ""),
            ],
            [*formats, None],
        )


def _hotspots(sheet: Worksheet, report: MonthlyReport) -> None:
    _title(sheet, report, _("热点"))
    sheet["A2"] = _("本月超出控制上限的地点×类别（未诉先办），按显著性排序。")
    _header(
        sheet,
        3,
        [
            (_("地点"), 24),
            (_("街道/地区"), 14),
            (_("类别"), 18),
            (_("实际数"), 8),
            (_("预期数"), 8),
            (_("控制上限"), 9),
            (_("p值"), 10),
            (_("状态"), 8),
        ],
    )
    for i, h in enumerate(report.hotspots, start=4):
        _row(
            sheet,
            i,
            [
                h.place,
                h.subdistrict,
                h.category,
                h.observed,
                h.expected,
                h.limit,
                h.p_value,
                h.status,
            ],
            [None, None, None, COUNT, "0.0", COUNT, "0.0000", None],
        )
    if not report.hotspots:
        sheet.cell(row=4, column=1, value=_("本月没有超出控制上限的热点。"))
    sheet.freeze_panes = "A4"
    start = 4 + max(1, len(report.hotspots)) + 1
    sheet.cell(row=start, column=1, value=_("每月一题候选")).font = BOLD
    _header(
        sheet,
        start + 1,
        [
            (_("问题"), 24),
            (_("一级类别"), 14),
            (_("得分"), 18),
            (_("工单"), 8),
            (_("重复诉求"), 8),
            (_("涉及社区"), 9),
            (_("解决率"), 10),
            (_("满意率"), 8),
        ],
    )
    for i, t in enumerate(report.topics, start=start + 2):
        e = t.evidence
        _row(
            sheet,
            i,
            [
                t.category_name,
                t.parent_name,
                t.score,
                e["orders"],
                e["repeat_orders"],
                e["places"],
                _fraction(e["resolution"]),
                _fraction(e["satisfaction"]),
            ],
            [None, None, POINTS, COUNT, COUNT, COUNT, PERCENT, PERCENT],
        )


def report_workbook(report: MonthlyReport) -> bytes:
    """The workbook's bytes."""
    book = Workbook()
    overview = book.active
    assert overview is not None
    _overview(overview, report)
    area_sheet = book.create_sheet(report.area_title)
    _ranking(area_sheet, report, report.areas, report.area_title)
    _ranking(book.create_sheet(_("承办单位排名")), report, report.units, _("承办单位排名"))
    _trend(book.create_sheet(_("趋势")), report)
    _categories(book.create_sheet(_("类别")), report)
    _hotspots(book.create_sheet(_("热点")), report)
    book.properties.title = report.title
    book.properties.creator = "gongzhi"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
