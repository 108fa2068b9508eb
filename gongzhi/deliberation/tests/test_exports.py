"""The ledger's Excel export, read back with openpyxl: what a reader of the file sees."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.test import Client
from openpyxl import load_workbook

from gongzhi.deliberation import services
from gongzhi.deliberation.models import Project, Step
from gongzhi.deliberation.tests.factories import Deliberation, case_at, project_of

pytestmark = pytest.mark.django_db
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.fixture
def projects(d: Deliberation) -> list[Project]:
    closed = project_of(case_at(d, Step.CLOSED))
    acting = project_of(case_at(d, Step.SUPERVISE))
    line = acting.budget_lines.get()
    services.spending_record(
        line=line, by=d.secretary, amount=Decimal("3000.50"), on=acting.deadline
    )
    Project.objects.filter(pk=acting.pk).update(kind="parking")
    return [closed, acting]


def export(d: Deliberation, client: Client, query: str = "") -> tuple[object, object]:
    client.force_login(d.person("resident_a1"))
    response = client.get(f"/deliberation/ledger.xlsx{query}")
    assert response.status_code == 200
    assert response["Content-Type"] == XLSX
    assert response["Content-Disposition"].startswith('attachment; filename="ledger-')
    book = load_workbook(io.BytesIO(response.content))
    return book["实事项目台账"], book["年度汇总"]


def rows(sheet: object) -> list[tuple[object, ...]]:
    return list(sheet.iter_rows(min_row=5, values_only=True))  # type: ignore[attr-defined]


def test_the_export_has_a_row_per_project(
    d: Deliberation, client: Client, projects: list[Project]
) -> None:
    sheet, _summary = export(d, client)

    header = [c.value for c in sheet[4]]  # type: ignore[index]
    assert header[:3] == ["议事编号", "年度", "项目名称"] and header[-1] == "满意度得分"
    by_number = {r[0]: r for r in rows(sheet)}
    closed = by_number[projects[0].case.number]
    assert closed[1:9] == (
        2025,
        "南门照明改造",
        "设施改造",
        "建外街道",
        "永安里社区",
        "永安里社区居委会",
        "已办结",
        dt.datetime.combine(projects[0].deadline, dt.time()),
    )
    assert closed[10:] == (12000, 0, 5)
    acting = by_number[projects[1].case.number]
    assert (acting[3], acting[7], acting[11]) == ("停车管理", "督", 3000.5)


def test_money_cells_are_numbers_with_a_money_format(
    d: Deliberation, client: Client, projects: list[Project]
) -> None:
    sheet, _summary = export(d, client)

    planned = sheet.cell(row=5, column=11)  # type: ignore[attr-defined]
    assert isinstance(planned.value, int | float) and planned.value > 0
    assert planned.number_format == "#,##0.00"


def test_the_export_is_filtered_like_the_page(
    d: Deliberation, client: Client, projects: list[Project]
) -> None:
    sheet, summary = export(d, client, "?kind=parking&year=2025")

    assert [r[0] for r in rows(sheet)] == [projects[1].case.number]
    assert "2025、停车管理" in sheet["A2"].value  # type: ignore[index]
    assert list(summary.iter_rows(min_row=2, values_only=True)) == [  # type: ignore[attr-defined]
        (2025, 1, 0, 12000, 3000.5, None)
    ]


def test_the_yearly_sheet_sums_the_year(
    d: Deliberation, client: Client, projects: list[Project]
) -> None:
    _sheet, summary = export(d, client)

    assert list(summary.iter_rows(min_row=2, values_only=True)) == [  # type: ignore[attr-defined]
        (2025, 2, 1, 24000, 3000.5, 5)
    ]


def test_an_empty_selection_exports_the_headers_only(
    d: Deliberation, client: Client, projects: list[Project]
) -> None:
    sheet, summary = export(d, client, "?kind=elevator")

    assert rows(sheet) == []
    assert list(summary.iter_rows(min_row=2, values_only=True)) == []  # type: ignore[attr-defined]
