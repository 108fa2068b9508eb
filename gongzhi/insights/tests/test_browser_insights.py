"""The acceptance test of the insights dashboards in real headless Chromium (issue 5): a district
leader opens the dashboard from the navigation, drills down subdistrict → community → the
community's orders of the month → an order page, goes back to the dashboard and downloads the
monthly report as Excel and as PDF; the test opens both files.

Uses the harness in gongzhi/web/tests/browser.py (fixtures `browser`, `page`, `log_in`).
Screenshots go to GONGZHI_SCREENSHOTS (default /tmp/gongzhi-screens).
"""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path
from typing import Any

import pytest

from gongzhi.insights.rollups import rollups_refresh
from gongzhi.testing import PASSWORD, World
from gongzhi.web.tests.browser import log_in, screenshot_dir
from gongzhi.workorders.sla import SHANGHAI
from gongzhi.workorders.tests.factories import category, order_in

pytestmark = pytest.mark.browser

MONTH = "2025-10"


def at(month: int, day: int) -> dt.datetime:
    return dt.datetime(2025, month, day, 10, tzinfo=SHANGHAI)


def shot(page: Any, name: str) -> None:
    page.screenshot(path=str(screenshot_dir() / f"insights-{name}.png"), full_page=True)


@pytest.fixture
def district(world: World) -> World:
    """September and October orders in both subdistricts, the roll-ups refreshed as the
    scheduler's job would."""
    order_in(world, "closed", at=at(9, 15))
    order_in(world, "closed", at=at(10, 8))
    order_in(world, "contacted", at=at(10, 9))
    order_in(
        world,
        "closed",
        at=at(10, 9),
        category=category("heating-cold"),
        lng=116.45,
        lat=39.95,
    )
    order_in(world, "closed", at=at(10, 12), lng=116.60, lat=39.95)
    order_in(world, "declined", at=at(10, 20), lng=116.60, lat=39.95)
    rollups_refresh(now=at(11, 1))
    return world


def test_a_leader_drills_down_to_an_order_and_downloads_the_monthly_report(
    district: World, page: Any, tmp_path: Path
) -> None:
    w = district
    log_in(page, username="district_staff", password=PASSWORD)

    # --- The dashboard, from the navigation ---------------------------------------------------
    page.get_by_role("navigation", name="主导航").get_by_role("link", name="数据看板").click()
    page.wait_for_url("**/insights/")
    assert page.locator("#dash-month-input").input_value() == MONTH  # the last complete month
    page.locator("#dash-map[data-map-ready]").wait_for()
    assert page.locator("#dash-map").get_attribute("data-map-ready") == "2"
    assert page.locator("#dash-legend .swatch").count() >= 2
    assert page.locator("#trend-chart").get_attribute("role") == "img"
    assert page.locator("#headlines [data-key=orders] .value").inner_text() == "5"
    # Coloured by hotspots instead of the composite: the legend follows.
    assert page.locator("#dash-legend strong").inner_text() == "综合得分"
    # Rates in the grades' fixed steps (<80 … ≥95), whatever the month's spread.
    assert "≥95" in page.locator("#dash-legend").inner_text()
    page.select_option("#map-measure", "hotspots")
    assert page.locator("#dash-legend strong").inner_text() == "热点数"
    shot(page, "district")
    # On a phone: one column, nothing wider than the screen (wide tables scroll in their box).
    page.set_viewport_size({"width": 390, "height": 844})
    page.locator("#dash-map[data-map-ready]").wait_for()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    shot(page, "district-phone")
    page.set_viewport_size({"width": 1280, "height": 860})

    # --- Subdistrict → community → the month's orders → an order ----------------------------
    page.locator(f"#ranking-table tr[data-name='{w.sd_a.name}'] a").click()
    page.wait_for_url(f"**/insights/subdistricts/{w.sd_a.pk}/?month={MONTH}")
    assert w.sd_a.name in page.locator("h1").inner_text()
    page.locator("#dash-map[data-map-ready]").wait_for()
    shot(page, "subdistrict")

    page.locator(f"#ranking-table tr[data-name='{w.comm_a1.name}'] a").click()
    page.wait_for_url(f"**/insights/communities/{w.comm_a1.pk}/?month={MONTH}")
    assert page.locator("#headlines [data-key=orders] .value").inner_text() == "2"
    shot(page, "community")

    page.locator("#orders-link").click()
    page.wait_for_url(f"**/insights/communities/{w.comm_a1.pk}/orders/?month={MONTH}")
    rows = page.locator("#order-table tbody tr")
    assert rows.count() == 2
    assert "张**" in page.locator("#order-table").inner_text()
    assert "张三丰" not in page.content()
    page.select_option("#order-filters select[name=status]", "closed")
    page.locator("#order-filters button[type=submit]").click()
    page.wait_for_url("**status=closed**")
    assert rows.count() == 1
    number = rows.first.get_attribute("data-number")
    assert number
    shot(page, "orders")

    rows.first.get_by_role("link", name=number).click()
    page.wait_for_url(f"**/orders/{number}/")
    assert number in page.locator("h1").inner_text()
    shot(page, "order")

    # --- Back to the dashboard ---------------------------------------------------------------
    page.go_back()
    page.locator("#dash-crumbs a", has_text="朝阳区").click()
    page.wait_for_url(f"**/insights/?month={MONTH}")
    page.locator("#dash-map[data-map-ready]").wait_for()

    # --- The monthly report, Excel -------------------------------------------------------------
    with page.expect_download() as excel_download:
        page.locator("#report-xlsx").click()
    excel = tmp_path / "report.xlsx"
    excel_download.value.save_as(excel)
    from openpyxl import load_workbook

    workbook = load_workbook(excel, read_only=True)
    sheets_with_names = [
        sheet.title
        for sheet in workbook.worksheets
        if {w.sd_a.name, w.sd_b.name}
        <= {str(v) for row in sheet.iter_rows(values_only=True) for v in row if v is not None}
    ]
    assert sheets_with_names, workbook.sheetnames  # the subdistricts' ranking

    # --- The monthly report, PDF ---------------------------------------------------------------
    with page.expect_download() as pdf_download:
        page.locator("#report-pdf").click()
    pdf = tmp_path / "report.pdf"
    pdf_download.value.save_as(pdf)
    data = pdf.read_bytes()
    assert data.startswith(b"%PDF")
    from pypdf import PdfReader

    text = "".join(p.extract_text() or "" for p in PdfReader(io.BytesIO(data)).pages)
    assert MONTH in text or "2025年10月" in text, text[:300]
    assert w.sd_a.name in text, text[:300]
