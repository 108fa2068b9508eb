"""The monthly report as a PDF (reportlab platypus), A4 portrait: title, month and scope, the
headline figures, the trend (line) and categories (bar) charts drawn with reportlab.graphics,
the ranking tables (their header row repeated on every page), the hotspots and topic
candidates, and "第 n 页 / 共 m 页" at the foot of every page. Chinese through fonts.cjk_font().
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _
from reportlab.graphics.charts.barcharts import HorizontalBarChart
from reportlab.graphics.charts.legends import Legend
from reportlab.graphics.charts.linecharts import HorizontalLineChart
from reportlab.graphics.shapes import Drawing, String
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    KeepTogether,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)

from gongzhi.insights.rankings import RankingRow
from gongzhi.insights.reports.data import Headline, MonthlyReport
from gongzhi.insights.reports.fonts import cjk_font

WIDTH = A4[0] - 36 * mm  # the frame's width (18 mm margins)
SERIES_COLORS = (colors.HexColor("#2563eb"), colors.HexColor("#16a34a"), colors.HexColor("#d97706"))
HEADER_BG = colors.HexColor("#e7effb")
BOTTOM_BG = colors.HexColor("#fbe7e7")
GRID = colors.HexColor("#b8c4d6")


def _styles(font: str) -> dict[str, ParagraphStyle]:
    base = ParagraphStyle("base", fontName=font, fontSize=9, leading=12, wordWrap="CJK")
    return {
        "title": ParagraphStyle("title", base, fontSize=17, leading=22, alignment=TA_CENTER),
        "subtitle": ParagraphStyle("subtitle", base, fontSize=10, leading=14, alignment=TA_CENTER),
        "h2": ParagraphStyle("h2", base, fontSize=12.5, leading=17, spaceBefore=8, spaceAfter=4),
        "body": base,
        "small": ParagraphStyle("small", base, fontSize=7.5, leading=10, textColor=colors.grey),
        "cell": ParagraphStyle("cell", base, fontSize=8, leading=10),
    }


def _pct(value: float | None) -> str:
    return "—" if value is None else f"{value:.2f}%"


def _num(value: float | None) -> str:
    return "—" if value is None else f"{value:.2f}"


def _signed(value: float | int | None, suffix: str = "") -> str:
    if value is None:
        return "—"
    if isinstance(value, int):
        return f"{value:+d}{suffix}"
    return f"{value:+.2f}{suffix}"


def _headline_value(h: Headline, value: float | int | None) -> str:
    if h.kind == "rate":
        return _pct(value if value is None else float(value))
    if h.kind == "score":
        return _num(value if value is None else float(value))
    return "—" if value is None else f"{int(value):,}"


def _table(
    data: list[list[Any]],
    widths: Sequence[float],
    font: str,
    *,
    highlight: Sequence[int] = (),
    align_right_from: int = 2,
) -> Table:
    table = Table(data, colWidths=list(widths), repeatRows=1)
    style: list[tuple[Any, ...]] = [
        ("FONT", (0, 0), (-1, -1), font, 8),
        ("BACKGROUND", (0, 0), (-1, 0), HEADER_BG),
        ("GRID", (0, 0), (-1, -1), 0.4, GRID),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("ALIGN", (align_right_from, 1), (-1, -1), "RIGHT"),
        ("TOPPADDING", (0, 0), (-1, -1), 2),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
    ]
    for row in highlight:
        style.append(("BACKGROUND", (0, row), (-1, row), BOTTOM_BG))
    table.setStyle(TableStyle(style))
    return table


def _headline_table(report: MonthlyReport, font: str) -> Table:
    data: list[list[Any]] = [[_("指标"), _("本月"), _("上月"), _("环比变化")]]
    for h in report.headlines:
        suffix = _("个百分点") if h.kind == "rate" else (_("分") if h.kind == "score" else "")
        data.append(
            [
                h.label,
                _headline_value(h, h.value),
                _headline_value(h, h.previous),
                _signed(h.delta, suffix),
            ]
        )
    return _table(
        data, [WIDTH * 0.31, WIDTH * 0.23, WIDTH * 0.23, WIDTH * 0.23], font, align_right_from=1
    )


def _ranking_table(rows: list[RankingRow], font: str, styles: dict[str, ParagraphStyle]) -> Table:
    header = [
        _("排名"),
        _("名称"),
        _("受理"),
        _("响应率"),
        _("解决率"),
        _("满意率"),
        _("综合得分"),
        _("环比"),
        _("等级"),
    ]
    data: list[list[Any]] = [header]
    bottom = []
    for i, r in enumerate(rows, start=1):
        grade = str(r.grade.label) if r.grade else ""
        if r.is_bottom:
            grade = f"{grade} {_('末位')}".strip()
            bottom.append(i)
        data.append(
            [
                "" if r.rank is None else str(r.rank),
                Paragraph(r.name, styles["cell"]),
                f"{r.counts['received']:,}",
                _pct(r.rates.response),
                _pct(r.rates.resolution),
                _pct(r.rates.satisfaction),
                _num(r.rates.composite),
                _signed(r.composite_delta),
                grade,
            ]
        )
    fractions = [0.06, 0.25, 0.08, 0.1, 0.1, 0.1, 0.1, 0.09, 0.12]
    return _table(data, [WIDTH * f for f in fractions], font, highlight=bottom)


def _trend_chart(report: MonthlyReport, font: str) -> Drawing:
    height = 190
    drawing = Drawing(WIDTH, height)
    chart = HorizontalLineChart()
    chart.x, chart.y = 36, 40
    chart.width, chart.height = WIDTH - 56, height - 75
    series = [
        [f.rates.response for _m, f in report.trend],
        [f.rates.resolution for _m, f in report.trend],
        [f.rates.satisfaction for _m, f in report.trend],
    ]
    chart.data = [tuple(v if v is not None else None for v in s) for s in series]
    values = [v for s in series for v in s if v is not None]
    low = min(values, default=0.0)
    chart.valueAxis.valueMin = max(0.0, (int(low) // 10) * 10 - 10) if values else 0
    chart.valueAxis.valueMax = 100
    chart.valueAxis.labels.fontName = font
    chart.valueAxis.labels.fontSize = 7
    chart.valueAxis.labelTextFormat = "%d%%"
    chart.categoryAxis.categoryNames = [f"{m:%y-%m}" for m, _f in report.trend]
    chart.categoryAxis.labels.fontName = font
    chart.categoryAxis.labels.fontSize = 7
    chart.joinedLines = 1
    for i, color in enumerate(SERIES_COLORS):
        chart.lines[i].strokeColor = color
        chart.lines[i].strokeWidth = 1.5
    drawing.add(chart)
    legend = Legend()
    legend.x, legend.y = 40, height - 12
    legend.fontName = font
    legend.fontSize = 8
    legend.alignment = "right"
    legend.columnMaximum = 1
    legend.deltax = 70
    legend.colorNamePairs = list(
        zip(SERIES_COLORS, [_("响应率"), _("解决率"), _("满意率")], strict=True)
    )
    drawing.add(legend)
    drawing.add(
        String(WIDTH - 4, height - 12, _("单位：%"), fontName=font, fontSize=7, textAnchor="end")
    )
    return drawing


def _category_chart(report: MonthlyReport, font: str) -> Drawing | None:
    items = report.top_categories[:10]
    if not items:
        return None
    bar_h = 16
    height = 30 + bar_h * len(items)
    drawing = Drawing(WIDTH, height)
    chart = HorizontalBarChart()
    chart.x, chart.y = 110, 15
    chart.width, chart.height = WIDTH - 150, bar_h * len(items)
    # The chart draws from the bottom up: reverse so the largest is on top.
    ordered = list(reversed(items))
    chart.data = [tuple(c.counts["received"] for c in ordered)]
    chart.categoryAxis.categoryNames = [c.name for c in ordered]
    chart.categoryAxis.labels.fontName = font
    chart.categoryAxis.labels.fontSize = 8
    chart.categoryAxis.labels.boxAnchor = "e"
    chart.valueAxis.valueMin = 0
    chart.valueAxis.labels.fontName = font
    chart.valueAxis.labels.fontSize = 7
    chart.bars[0].fillColor = SERIES_COLORS[0]
    chart.barLabelFormat = "%d"
    chart.barLabels.fontName = font
    chart.barLabels.fontSize = 7
    chart.barLabels.boxAnchor = "w"
    chart.barLabels.dx = 3
    drawing.add(chart)
    return drawing


def _page_numbers(font: str) -> type[Canvas]:
    class NumberedCanvas(Canvas):
        """Writes "第 n 页 / 共 m 页" once the number of pages is known."""

        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self._pages: list[dict[str, Any]] = []

        def showPage(self) -> None:
            self._pages.append(dict(self.__dict__))
            self._startPage()

        def save(self) -> None:
            total = len(self._pages)
            for state in self._pages:
                self.__dict__.update(state)
                self.setFont(font, 8)
                self.setFillColor(colors.grey)
                self.drawCentredString(
                    A4[0] / 2,
                    10 * mm,
                    _("第 %(n)d 页 / 共 %(total)d 页") % {"n": self._pageNumber, "total": total},
                )
                super().showPage()
            super().save()

    return NumberedCanvas


def report_pdf(report: MonthlyReport) -> bytes:
    """The PDF's bytes."""
    font = cjk_font()
    styles = _styles(font)
    as_of = f"{timezone.localtime(report.as_of):%Y-%m-%d %H:%M}" if report.as_of else _("尚未汇总")
    story: list[Any] = [
        Paragraph(report.title, styles["title"]),
        Paragraph(
            (
                _("统计范围：%(scope)s　月份：%(month)s（%(value)s）")
                if report.month_label != report.month_value
                else _("统计范围：%(scope)s　月份：%(month)s")
            )
            % {
                "scope": report.scope_name,
                "month": report.month_label,
                "value": report.month_value,
            },
            styles["subtitle"],
        ),
        Paragraph(
            _(
                "数据来源：共治平台工单月度汇总（按受理时间计）　"
                "数据截至：%(as_of)s　生成时间：%(at)s"
            )
            % {"as_of": as_of, "at": f"{timezone.localtime(report.generated_at):%Y-%m-%d %H:%M}"},
            styles["small"],
        ),
        Spacer(1, 4 * mm),
        Paragraph(_("一、主要指标"), styles["h2"]),
        _headline_table(report, font),
        Paragraph(_("率的环比变化以百分点计；综合得分以分计。"), styles["small"]),
        KeepTogether(
            [Paragraph(_("二、近12个月三率走势"), styles["h2"]), _trend_chart(report, font)]
        ),
    ]
    categories = _category_chart(report, font)
    if categories is not None:
        story.append(
            KeepTogether([Paragraph(_("三、本月受理量（按一级类别）"), styles["h2"]), categories])
        )
    story += [
        Paragraph(_("四、%(title)s（按综合得分）") % {"title": report.area_title}, styles["h2"]),
        _ranking_table(report.areas, font, styles)
        if report.areas
        else Paragraph(_("本月没有可排名的数据。"), styles["body"]),
        Paragraph(_("五、承办单位排名（按综合得分）"), styles["h2"]),
        _ranking_table(report.units, font, styles)
        if report.units
        else Paragraph(_("本月没有可排名的数据。"), styles["body"]),
        Paragraph(_("浅红底色为排名末位。"), styles["small"]),
        Paragraph(_("六、本月热点（未诉先办）"), styles["h2"]),
    ]
    if report.hotspots:
        data: list[list[Any]] = [
            [_("地点"), _("类别"), _("实际数"), _("预期数"), _("控制上限"), _("状态")]
        ]
        for h in report.hotspots:
            data.append(
                [
                    Paragraph(h.place, styles["cell"]),
                    Paragraph(h.category, styles["cell"]),
                    str(h.observed),
                    f"{h.expected:.1f}",
                    str(h.limit),
                    h.status,
                ]
            )
        fractions = [0.32, 0.24, 0.11, 0.11, 0.11, 0.11]
        story.append(_table(data, [WIDTH * f for f in fractions], font))
    else:
        story.append(Paragraph(_("本月没有超出控制上限的热点。"), styles["body"]))
    story.append(Paragraph(_("七、每月一题候选"), styles["h2"]))
    if report.topics:
        data = [
            [
                _("问题"),
                _("得分"),
                _("工单"),
                _("重复诉求"),
                _("涉及社区"),
                _("解决率"),
                _("满意率"),
            ]
        ]
        for t in report.topics:
            e = t.evidence
            name = f"{t.parent_name} / {t.category_name}" if t.parent_name else t.category_name
            data.append(
                [
                    Paragraph(name, styles["cell"]),
                    _num(t.score),
                    str(e["orders"]),
                    str(e["repeat_orders"]),
                    str(e["places"]),
                    _pct(e["resolution"]),
                    _pct(e["satisfaction"]),
                ]
            )
        fractions = [0.34, 0.1, 0.1, 0.11, 0.11, 0.12, 0.12]
        story.append(_table(data, [WIDTH * f for f in fractions], font, align_right_from=1))
    else:
        story.append(Paragraph(_("本月没有候选问题。"), styles["body"]))

    buffer = io.BytesIO()
    doc = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=18 * mm,
        rightMargin=18 * mm,
        topMargin=16 * mm,
        bottomMargin=18 * mm,
        title=report.title,
        author="gongzhi",
        subject=report.month_value,
    )
    doc.build(story, canvasmaker=_page_numbers(font))
    return buffer.getvalue()
