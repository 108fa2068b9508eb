"""The monthly report (Excel and PDF) and the masked CSV export of orders: the files read back
with openpyxl and pypdf hold the figures of the roll-ups and ranking(); who may download what;
a bad month.

Orders are filed through the services and the roll-ups refreshed as the scheduler's job would
(rollups_refresh), as in test_selectors.py.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
from django.core.management import call_command
from django.test import Client
from openpyxl import load_workbook
from pypdf import PdfReader

from gongzhi.insights.hotspots.models import Hotspot
from gongzhi.insights.rankings import ranking
from gongzhi.insights.reports.data import monthly_report
from gongzhi.insights.reports.fonts import CID_FALLBACK, DEBIAN_FONTS, FONT_NAME, cjk_font
from gongzhi.insights.reports.pdf import report_pdf
from gongzhi.insights.rollups import rollups_refresh
from gongzhi.insights.selectors import Scope, dashboard_summary
from gongzhi.testing import World
from gongzhi.workorders.sla import SHANGHAI
from gongzhi.workorders.tests.factories import category, order_in

A2: dict[str, Any] = {"lng": 116.45, "lat": 39.95}  # community A2, no compound
B1: dict[str, Any] = {"lng": 116.60, "lat": 39.95}
MONTH = "2025-10"
OCT = dt.date(2025, 10, 1)


def at(month: int, day: int) -> dt.datetime:
    return dt.datetime(2025, month, day, 10, tzinfo=SHANGHAI)


@pytest.fixture(autouse=True)
def grading(settings: Any) -> None:
    """Grade and mark the bottom of this small district's rankings."""
    settings.GONGZHI_INSIGHTS_MIN_ORDERS = 1
    settings.GONGZHI_INSIGHTS_BOTTOM_SIZE = {"subdistrict": 1, "community": 1, "unit": 1}


@pytest.fixture
def district(world: World) -> World:
    """September and October orders in both subdistricts (elevator at A1, heating at A2, a
    closed and a declined order at B1), the roll-ups refreshed on 1 November."""
    order_in(world, "closed", at=at(9, 15))
    order_in(world, "closed", at=at(10, 8))
    order_in(world, "contacted", at=at(10, 9))
    order_in(world, "closed", at=at(10, 9), category=category("heating-cold"), **A2)
    order_in(world, "closed", at=at(10, 12), **B1)
    order_in(world, "declined", at=at(10, 20), **B1)
    rollups_refresh(now=at(11, 1))
    return world


def client_for(world: World, username: str) -> Client:
    client = Client()
    client.force_login(world.person(username))
    return client


def workbook(content: bytes) -> Any:
    return load_workbook(io.BytesIO(content))


def table(sheet: Any, header_row: int) -> list[dict[str, Any]]:
    """The rows under `header_row` as dicts keyed by the header, up to the first empty row."""
    rows = list(sheet.iter_rows(min_row=header_row, values_only=True))
    header = [h for h in rows[0] if h is not None]
    out = []
    for row in rows[1:]:
        if row[0] is None and row[1] is None:
            break
        out.append(dict(zip(header, row, strict=False)))
    return out


def pdf_text(content: bytes) -> str:
    return "".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(content)).pages)


# --- the Excel workbook ----------------------------------------------------------------------


def test_the_district_workbook_has_its_sheets(district: World) -> None:
    response = client_for(district, "district_staff").get(f"/insights/reports/{MONTH}.xlsx")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert workbook(response.content).sheetnames == [
        "概况",
        "街道排名",
        "承办单位排名",
        "趋势",
        "类别",
        "热点",
    ]


def test_the_workbook_ranks_subdistricts_as_ranking_does(district: World) -> None:
    content = client_for(district, "district_staff").get(f"/insights/reports/{MONTH}.xlsx").content
    rows = table(workbook(content)["街道排名"], 3)
    expected = ranking("subdistrict", OCT)
    assert [r["名称"] for r in rows] == [r.name for r in expected]
    for got, want in zip(rows, expected, strict=True):
        assert got["排名"] == want.rank
        assert got["受理"] == want.counts["received"]
        assert got["综合得分"] == want.rates.composite
        for column, value in (
            ("响应率", want.rates.response),
            ("解决率", want.rates.resolution),
            ("满意率", want.rates.satisfaction),
        ):
            assert got[column] == (None if value is None else pytest.approx(value / 100))
        assert (got["等级"] or "") == (str(want.grade.label) if want.grade else "")
        assert (got["末位"] or "") == ("末位" if want.is_bottom else "")
    assert any(r.grade for r in expected) and any(r.is_bottom for r in expected)


def test_the_workbook_ranks_units_as_ranking_does(district: World) -> None:
    content = client_for(district, "district_staff").get(f"/insights/reports/{MONTH}.xlsx").content
    rows = table(workbook(content)["承办单位排名"], 3)
    expected = ranking("unit", OCT)
    assert expected
    assert [(r["名称"], r["受理"], r["综合得分"]) for r in rows] == [
        (r.name, r.counts["received"], r.rates.composite) for r in expected
    ]


def test_the_overview_has_the_months_figures_and_their_change(district: World) -> None:
    content = client_for(district, "district_staff").get(f"/insights/reports/{MONTH}.xlsx").content
    sheet = workbook(content)["概况"]
    summary = dashboard_summary(Scope.district(), OCT)
    figures = {r["指标"]: r for r in table(sheet, 5)}
    assert figures["受理工单"]["本月"] == summary.totals.counts["received"] == 5
    assert figures["受理工单"]["上月"] == summary.previous.counts["received"] == 1
    assert figures["受理工单"]["环比变化"] == 4
    resolution = summary.totals.rates.resolution
    assert resolution is not None
    assert figures["解决率"]["本月"] == pytest.approx(resolution / 100)
    assert sheet["B6"].number_format == "#,##0"
    assert sheet.cell(row=9, column=2).number_format == "0.00%"  # 解决率
    assert sheet.freeze_panes == "A6"
    assert "数据截至：2025-11-01 10:00" in sheet["A2"].value


def test_the_trend_sheet_has_twelve_months_and_a_line_chart(district: World) -> None:
    content = client_for(district, "district_staff").get(f"/insights/reports/{MONTH}.xlsx").content
    sheet = workbook(content)["趋势"]
    rows = table(sheet, 3)
    assert [r["月份"] for r in rows][-2:] == ["2025-09", "2025-10"]
    assert len(rows) == 12
    assert [r["受理"] for r in rows][-2:] == [1, 5]
    assert sheet.freeze_panes == "A4"
    assert sheet.column_dimensions["A"].width >= 10
    # openpyxl does not read charts back; the chart is in the file's drawing parts.
    import zipfile

    parts = zipfile.ZipFile(io.BytesIO(content)).namelist()
    charts = [p for p in parts if p.startswith("xl/charts/chart")]
    assert len(charts) == 3  # trend line, trend volume, categories bar
    xml = b"".join(zipfile.ZipFile(io.BytesIO(content)).read(p) for p in charts)
    assert b"<lineChart>" in xml and b"<barChart>" in xml
    assert xml.count(b'<delete val="0" />') == 6  # every axis shown (see excel._show_axes)


def test_the_categories_sheet_has_the_top_level_categories(district: World) -> None:
    content = client_for(district, "district_staff").get(f"/insights/reports/{MONTH}.xlsx").content
    rows = table(workbook(content)["类别"], 3)
    summary = dashboard_summary(Scope.district(), OCT)
    assert [(r["类别"], r["受理"]) for r in rows] == [
        (c.name, c.counts["received"]) for c in summary.top_categories
    ]
    assert sum(r["受理"] for r in rows) == 5


def test_a_subdistrict_workbook_ranks_its_communities(district: World) -> None:
    w = district
    content = (
        client_for(w, "subdistrict_staff_a")
        .get(f"/insights/reports/{MONTH}.xlsx", {"subdistrict": w.sd_a.pk})
        .content
    )
    book = workbook(content)
    assert "社区排名" in book.sheetnames
    rows = table(book["社区排名"], 3)
    assert {(r["名称"], r["受理"]) for r in rows} == {
        (w.comm_a1.name, 2),
        (w.comm_a2.name, 1),
    }
    overview = {r["指标"]: r for r in table(book["概况"], 5)}
    assert overview["受理工单"]["本月"] == 3
    units = table(book["承办单位排名"], 3)
    assert [(r["名称"], r["受理"]) for r in units] == [
        (r.name, r.counts["received"]) for r in ranking("unit", OCT, within=w.sd_a.pk)
    ]


def test_the_excel_view_takes_a_fixed_number_of_queries(
    district: World, django_assert_num_queries: Any
) -> None:
    client = client_for(district, "district_staff")
    # 23, the same for 2 subdistricts or 43, 10 units or 1,000: session, user, memberships (3);
    # the district's name (1); dashboard_summary: trend, areas, their names, categories, the
    # tree, as-of (6); two rankings, each the two months' counters and the names (4); the
    # month's hotspots with their places (1); the topic candidates: the category roll-ups of
    # the month, last month and last year, the places, the repeat requesters, the persistent
    # places, the names of categories and places (8).
    with django_assert_num_queries(23):
        response = client.get(f"/insights/reports/{MONTH}.xlsx")
    assert response.status_code == 200


# --- the PDF ---------------------------------------------------------------------------------


def test_the_district_pdf_opens_and_names_the_month_and_subdistricts(district: World) -> None:
    response = client_for(district, "district_staff").get(f"/insights/reports/{MONTH}.pdf")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    text = pdf_text(response.content)
    assert "2025年10月" in text and MONTH in text
    assert district.sd_a.name in text and district.sd_b.name in text
    assert "第 1 页 / 共" in text


def test_the_english_pdf_names_the_month_once_in_its_subtitle(district: World) -> None:
    from django.utils import translation

    with translation.override("en"):
        text = pdf_text(report_pdf(monthly_report(Scope.district(), OCT)))
    line = next(ln for ln in text.splitlines() if "Month:" in ln)
    assert line.count(MONTH) == 1, line


def test_a_long_ranking_repeats_its_header_on_the_next_page(district: World) -> None:
    report = monthly_report(Scope.district(), OCT)
    many = report.units * 60  # ~ 300 rows: more than a page
    report.units = many
    reader = PdfReader(io.BytesIO(report_pdf(report)))
    assert len(reader.pages) >= 3
    later = [p.extract_text() or "" for p in reader.pages[2:]]
    assert any("综合得分" in t and "排名" in t for t in later)


def test_the_pdf_writes_chinese_with_a_font_that_embeds_or_the_cid_fallback(
    district: World,
) -> None:
    font = cjk_font()
    content = report_pdf(monthly_report(Scope.district(), OCT))
    if font == CID_FALLBACK:
        assert b"STSong-Light" in content
    else:
        assert b"FontFile2" in content  # an embedded TrueType subset


# --- the CSV export --------------------------------------------------------------------------


def read_csv(response: Any) -> list[list[str]]:
    raw = b"".join(response.streaming_content)
    assert raw.startswith("\ufeff".encode())
    return list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))


def test_the_csv_has_the_months_orders_with_requesters_masked(district: World) -> None:
    response = client_for(district, "district_staff").get(
        "/insights/reports/orders.csv", {"month": MONTH}
    )
    assert response.status_code == 200
    assert response.streaming
    rows = read_csv(response)
    header, body = rows[0], rows[1:]
    assert header[:3] == ["工单编号", "受理时间", "诉求类型"]
    assert len(body) == 5  # October only
    name, phone = header.index("诉求人"), header.index("联系电话")
    assert {(r[name], r[phone]) for r in body} == {("张**", "139****1234")}
    raw = "\n".join(",".join(r) for r in rows)
    assert "张三丰" not in raw and "13912341234" not in raw


def test_the_csv_keeps_a_subdistrict_a_category_and_a_status(district: World) -> None:
    w = district
    client = client_for(w, "district_staff")
    rows = read_csv(
        client.get("/insights/reports/orders.csv", {"month": MONTH, "subdistrict": str(w.sd_b.pk)})
    )
    assert {r[rows[0].index("社区/村")] for r in rows[1:]} == {w.comm_b1.name}
    assert len(rows) == 3
    heating = category("heating-cold")
    rows = read_csv(
        client.get("/insights/reports/orders.csv", {"month": MONTH, "category": str(heating.pk)})
    )
    assert [r[rows[0].index("类别")] for r in rows[1:]] == [heating.name]
    rows = read_csv(
        client.get("/insights/reports/orders.csv", {"month": MONTH, "status": "declined"})
    )
    assert [r[rows[0].index("状态")] for r in rows[1:]] == ["不予受理"]


def test_the_csv_streams_in_chunks(district: World) -> None:
    from gongzhi.insights.reports.orders_csv import OrderFilter, csv_chunks

    chunks = list(csv_chunks(OrderFilter(month=OCT), rows_per_chunk=2))
    assert len(chunks) == 1 + 3  # the header, then 2 + 2 + 1 rows


# --- who may download what -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("username", "district_report", "own_subdistrict", "other_subdistrict"),
    [
        ("district_staff", 200, 200, 200),
        ("admin", 200, 200, 200),
        ("subdistrict_staff_a", 403, 200, 403),
        ("secretary_a1", 403, 403, 403),
        ("operator", 403, 403, 403),
        ("property_staff_x", 403, 403, 403),
        ("resident_a1", 403, 403, 403),
        ("rider", 403, 403, 403),
    ],
)
def test_who_may_download_the_report(
    district: World,
    username: str,
    district_report: int,
    own_subdistrict: int,
    other_subdistrict: int,
) -> None:
    w = district
    client = client_for(w, username)
    for path in (f"/insights/reports/{MONTH}.xlsx", "/insights/reports/orders.csv"):
        query: dict[str, Any] = {"month": MONTH} if path.endswith(".csv") else {}
        assert client.get(path, query).status_code == district_report, path
        a = client.get(path, {**query, "subdistrict": w.sd_a.pk})
        assert a.status_code == own_subdistrict, path
        b = client.get(path, {**query, "subdistrict": w.sd_b.pk})
        assert b.status_code == other_subdistrict, path


def test_the_pdf_follows_the_same_rules(district: World) -> None:
    w = district
    staff = client_for(w, "subdistrict_staff_a")
    assert staff.get(f"/insights/reports/{MONTH}.pdf").status_code == 403
    assert (
        staff.get(f"/insights/reports/{MONTH}.pdf", {"subdistrict": w.sd_b.pk}).status_code == 403
    )
    response = staff.get(f"/insights/reports/{MONTH}.pdf", {"subdistrict": w.sd_a.pk})
    assert response.status_code == 200
    text = pdf_text(response.content)
    assert w.sd_a.name in text and w.comm_a1.name in text


def test_an_anonymous_visitor_is_sent_to_sign_in(district: World) -> None:
    assert Client().get(f"/insights/reports/{MONTH}.xlsx").status_code == 302


def test_a_missing_subdistrict_is_not_found(district: World) -> None:
    client = client_for(district, "district_staff")
    assert client.get(f"/insights/reports/{MONTH}.xlsx", {"subdistrict": 99999}).status_code == 404


# --- bad input, file names -------------------------------------------------------------------


@pytest.mark.parametrize("month", ["2025-13", "2025-1", "октябрь", "2025-10-01", "1999-12"])
def test_a_bad_month_is_a_400_that_says_why(district: World, month: str) -> None:
    client = client_for(district, "district_staff")
    response = client.get(f"/insights/reports/{quote(month)}.xlsx")
    assert response.status_code == 400
    assert "应为“年-月”" in response.content.decode()
    response = client.get("/insights/reports/orders.csv", {"month": month})
    assert response.status_code == 400


def test_the_csv_needs_a_month_and_a_known_status(district: World) -> None:
    client = client_for(district, "district_staff")
    assert client.get("/insights/reports/orders.csv").status_code == 400
    response = client.get("/insights/reports/orders.csv", {"month": MONTH, "status": "lost"})
    assert response.status_code == 400
    assert "lost" in response.content.decode()


def test_the_file_name_is_chinese_with_an_ascii_fallback(district: World) -> None:
    w = district
    response = client_for(w, "district_staff").get(
        f"/insights/reports/{MONTH}.xlsx", {"subdistrict": w.sd_a.pk}
    )
    disposition = response["Content-Disposition"]
    assert f'filename="gongzhi-report-{MONTH}-{w.sd_a.pk}.xlsx"' in disposition
    assert "filename*=UTF-8''" + quote(f"{w.sd_a.name}月度报告-2025年10月.xlsx") in disposition


# --- the months page -------------------------------------------------------------------------


def test_the_months_page_links_the_reports_of_the_viewers_scope(district: World) -> None:
    w = district
    html = client_for(w, "subdistrict_staff_a").get("/insights/reports/").content.decode()
    assert f'href="/insights/reports/{MONTH}.xlsx?subdistrict={w.sd_a.pk}"' in html
    assert f"/insights/reports/{MONTH}.pdf?subdistrict={w.sd_a.pk}" in html
    assert w.sd_b.name not in html
    html = client_for(w, "district_staff").get("/insights/reports/").content.decode()
    assert f'href="/insights/reports/{MONTH}.xlsx"' in html
    assert w.sd_b.name in html


def test_the_months_page_exports_a_top_level_category_with_its_children(district: World) -> None:
    w = district
    heating = category("heating-cold")
    assert heating.parent_id is not None
    html = client_for(w, "district_staff").get("/insights/reports/").content.decode()
    assert 'id="csv-export"' in html and f'<option value="{heating.parent_id}">' in html
    rows = read_csv(
        client_for(w, "district_staff").get(
            "/insights/reports/orders.csv", {"month": MONTH, "category": str(heating.parent_id)}
        )
    )
    assert [r[rows[0].index("类别")] for r in rows[1:]] == [heating.name]


def test_the_months_page_is_for_leaders_only(district: World) -> None:
    assert client_for(district, "secretary_a1").get("/insights/reports/").status_code == 403


# --- the command -----------------------------------------------------------------------------


def test_the_command_writes_the_report(district: World, tmp_path: Any) -> None:
    out = tmp_path / "report.xlsx"
    call_command("report", "monthly", "--month", MONTH, "--format", "xlsx", "--out", str(out))
    assert "街道排名" in load_workbook(out).sheetnames
    pdf = tmp_path / "sd.pdf"
    call_command(
        "report",
        "monthly",
        "--month",
        MONTH,
        "--subdistrict",
        str(district.sd_b.pk),
        "--format",
        "pdf",
        "--out",
        str(pdf),
    )
    assert district.sd_b.name in pdf_text(pdf.read_bytes())


def test_the_csv_keeps_formulas_from_running_in_excel(district: World) -> None:
    w = district
    order_in(
        w, "received", at=at(10, 25), description='=HYPERLINK("http://x")', requester_name="=A1"
    )
    rows = read_csv(
        client_for(w, "district_staff").get("/insights/reports/orders.csv", {"month": MONTH})
    )
    last = rows[-1]
    assert last[rows[0].index("诉求内容")] == '\'=HYPERLINK("http://x")'
    assert last[rows[0].index("诉求人")] == "'=**"


def test_the_csv_masks_personal_data_written_into_the_text(district: World) -> None:
    w = district
    order_in(
        w,
        "received",
        at=at(10, 26),
        description="我是张三丰，电话13912341234，身份证110105199001011234，楼道太冷",
    )
    rows = read_csv(
        client_for(w, "district_staff").get("/insights/reports/orders.csv", {"month": MONTH})
    )
    text = rows[-1][rows[0].index("诉求内容")]
    assert "楼道太冷" in text
    assert "张三丰" not in text and "13912341234" not in text and "199001011234" not in text
    assert "139****1234" in text


# --- the PDF's font --------------------------------------------------------------------------


@pytest.fixture
def fresh_font() -> Any:
    cjk_font.cache_clear()
    yield
    cjk_font.cache_clear()


def test_a_font_with_postscript_outlines_is_passed_over(
    settings: Any, fresh_font: None, tmp_path: Any
) -> None:
    noto = "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"
    settings.GONGZHI_PDF_FONT = noto if Path(noto).is_file() else str(tmp_path / "missing.ttf")
    font = cjk_font()
    wqy = Path(DEBIAN_FONTS[0].partition("#")[0])
    assert font == (FONT_NAME if wqy.is_file() else CID_FALLBACK)


def test_without_a_font_file_the_pdf_falls_back_to_the_cid_font(
    district: World, settings: Any, fresh_font: None, tmp_path: Any, monkeypatch: Any
) -> None:
    settings.GONGZHI_PDF_FONT = str(tmp_path / "missing.ttf")
    monkeypatch.setattr("gongzhi.insights.reports.fonts.DEBIAN_FONTS", ())
    assert cjk_font() == CID_FALLBACK
    content = report_pdf(monthly_report(Scope.district(), OCT))
    assert b"STSong-Light" in content
    text = pdf_text(content)
    assert "2025年10月" in text and district.sd_a.name in text


def test_a_configured_truetype_font_is_used(settings: Any, fresh_font: None) -> None:
    wqy = DEBIAN_FONTS[0]
    if not Path(wqy.partition("#")[0]).is_file():
        pytest.skip("fonts-wqy-microhei is not installed")
    settings.GONGZHI_PDF_FONT = wqy
    assert cjk_font() == FONT_NAME


def test_the_csv_reads_the_orders_in_one_query_whatever_their_number(
    district: World, django_assert_num_queries: Any
) -> None:
    client = client_for(district, "district_staff")
    # session, user, memberships; then the orders with their names joined in (one SELECT).
    with django_assert_num_queries(4):
        rows = read_csv(client.get("/insights/reports/orders.csv", {"month": MONTH}))
    assert len(rows) == 6


def test_the_hotspot_sheet_lists_the_months_hotspots_and_topic_candidates(district: World) -> None:
    w = district
    heating = category("heating-cold")
    Hotspot.objects.create(
        subdistrict=w.sd_a,
        community=w.comm_a2,
        category=heating,
        period_start=OCT,
        period_end=dt.date(2025, 11, 1),
        level="community",
        window="month",
        place_key=w.comm_a2.pk,
        observed=30,
        expected=4.0,
        limit=11,
        z=6.5,
        p_value=1e-6,
        first_flagged_at=at(10, 31),
        scanned_at=at(10, 31),
    )
    content = client_for(w, "district_staff").get(f"/insights/reports/{MONTH}.xlsx").content
    sheet = workbook(content)["热点"]
    hotspots = table(sheet, 3)
    assert [(r["地点"], r["类别"], r["实际数"], r["控制上限"]) for r in hotspots] == [
        (w.comm_a2.name, heating.name, 30, 11)
    ]
    values = list(sheet.iter_rows(values_only=True))
    start = next(i for i, row in enumerate(values, start=1) if row[0] == "每月一题候选")
    topics = table(sheet, start + 1)
    assert {r["问题"] for r in topics} >= {heating.name}
    # A subdistrict's report keeps its own hotspots only.
    content = (
        client_for(w, "district_staff")
        .get(f"/insights/reports/{MONTH}.xlsx", {"subdistrict": w.sd_b.pk})
        .content
    )
    assert workbook(content)["热点"]["A4"].value == "本月没有超出控制上限的热点。"


def test_the_command_refuses_an_unknown_subdistrict(district: World, tmp_path: Any) -> None:
    from django.core.management.base import CommandError

    with pytest.raises(CommandError):
        call_command(
            "report",
            "monthly",
            "--month",
            MONTH,
            "--subdistrict",
            "99999",
            "--format",
            "pdf",
            "--out",
            str(tmp_path / "x.pdf"),
        )
