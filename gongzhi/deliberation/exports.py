"""The public ledger of practical matters as an Excel workbook (openpyxl): one sheet of
projects, one of yearly totals, both from the same selectors as the ledger page and with the
same filters, and a line saying which filters made it."""

from __future__ import annotations

import io
from collections.abc import Sequence
from decimal import Decimal

from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from gongzhi.deliberation.selectors import LedgerRow, LedgerYear

MONEY = "#,##0.00"
HEADER_FILL = PatternFill("solid", fgColor="E7EFFB")
BOLD = Font(bold=True)


def _header(sheet: object, row: int, titles: Sequence[str], widths: Sequence[int]) -> None:
    for col, (title, width) in enumerate(zip(titles, widths, strict=True), start=1):
        cell = sheet.cell(row=row, column=col, value=title)  # type: ignore[attr-defined]
        cell.font = BOLD
        cell.fill = HEADER_FILL
        cell.alignment = Alignment(vertical="center")
        sheet.column_dimensions[get_column_letter(col)].width = width  # type: ignore[attr-defined]


def _money(value: Decimal | None) -> float | None:
    # Excel stores numbers as doubles; two decimals of yuan survive the round trip exactly
    # enough for a ledger, and a number (not text) lets the reader sum it.
    return None if value is None else float(value)


def ledger_workbook(
    *, rows: Sequence[LedgerRow], years: Sequence[LedgerYear], filters: str
) -> bytes:
    """The workbook's bytes: sheet 台账 (one row per project), sheet 年度汇总 (per year)."""
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = _("实事项目台账")
    sheet["A1"] = _("朝阳区实事项目台账")
    sheet["A1"].font = Font(bold=True, size=14)
    sheet["A2"] = _("筛选：%(filters)s　导出时间：%(at)s") % {
        "filters": filters,
        "at": f"{timezone.localtime():%Y-%m-%d %H:%M}",
    }
    titles = [
        _("议事编号"),
        _("年度"),
        _("项目名称"),
        _("类别"),
        _("街道/地区"),
        _("社区/村"),
        _("牵头单位"),
        _("环节"),
        _("完成时限"),
        _("已超期"),
        _("计划金额（元）"),
        _("已支出（元）"),
        _("满意度得分"),
    ]
    _header(sheet, 4, titles, [16, 7, 30, 12, 14, 16, 20, 9, 12, 8, 15, 15, 11])
    for i, r in enumerate(rows, start=5):
        values = [
            r.case_number,
            r.year,
            r.title,
            r.kind_label,
            r.subdistrict,
            r.community,
            r.lead_unit,
            r.step_label,
            r.deadline,
            _("是") if r.overdue else "",
            _money(r.planned),
            _money(r.spent),
            _money(r.score),
        ]
        for col, value in enumerate(values, start=1):
            sheet.cell(row=i, column=col, value=value)
        sheet.cell(row=i, column=9).number_format = "yyyy-mm-dd"
        sheet.cell(row=i, column=11).number_format = MONEY
        sheet.cell(row=i, column=12).number_format = MONEY
        sheet.cell(row=i, column=13).number_format = "0.00"
    sheet.freeze_panes = "A5"

    summary = book.create_sheet(_("年度汇总"))
    _header(
        summary,
        1,
        [
            _("年度"),
            _("项目数"),
            _("已办结"),
            _("计划金额（元）"),
            _("已支出（元）"),
            _("平均满意度"),
        ],
        [8, 10, 10, 16, 16, 12],
    )
    for i, y in enumerate(years, start=2):
        values = [
            y.year,
            y.projects,
            y.closed,
            _money(y.planned),
            _money(y.spent),
            _money(y.satisfaction),
        ]
        for col, value in enumerate(values, start=1):
            summary.cell(row=i, column=col, value=value)
        summary.cell(row=i, column=4).number_format = MONEY
        summary.cell(row=i, column=5).number_format = MONEY
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
