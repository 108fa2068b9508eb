"""End to end in headless Chromium: the place browser's map (run with `pytest -m browser`)."""

from __future__ import annotations

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect

from gongzhi.places.models import Community
from gongzhi.testing import PASSWORD, World
from gongzhi.web.tests.browser import log_in, screenshot_dir

pytestmark = pytest.mark.browser

OVERLAY = "#place-map .leaflet-overlay-pane svg"


def test_the_map_draws_the_district_outline_and_its_subdistricts(page: Page, world: World) -> None:
    log_in(page, username="district_staff", password=PASSWORD)
    page.goto(reverse("places:browser"))
    page.wait_for_selector("#place-map[data-map-ready]")
    expect(page.locator(f"{OVERLAY} path.gz-outline")).to_have_count(1)
    expect(page.locator(f"{OVERLAY} path.gz-subdistrict")).to_have_count(2)
    page.screenshot(path=str(screenshot_dir() / "place-browser-district.png"), full_page=True)


def test_drilling_down_redraws_the_map_with_the_community_polygons(
    page: Page, world: World
) -> None:
    log_in(page, username="district_staff", password=PASSWORD)
    page.goto(reverse("places:browser"))
    page.wait_for_selector("#place-map[data-map-ready]")
    page.click("#place-panel a:text-is('建外街道')")
    expect(page.locator("#place-panel h1")).to_have_text("建外街道")
    page.wait_for_selector("#place-map[data-map-ready]")
    expect(page.locator(f"{OVERLAY} path.gz-outline")).to_have_count(1)
    expect(page.locator(f"{OVERLAY} path.gz-community")).to_have_count(2)
    expect(page.locator(f"{OVERLAY} path.gz-subdistrict")).to_have_count(0)
    page.screenshot(path=str(screenshot_dir() / "place-browser-subdistrict.png"), full_page=True)


def test_a_community_worker_sees_only_her_community_on_the_map(page: Page, world: World) -> None:
    log_in(page, username="secretary_a1", password=PASSWORD)
    page.goto(reverse("places:browser"))
    page.wait_for_selector("#place-map[data-map-ready]")
    expect(page.locator(f"{OVERLAY} path.gz-community")).to_have_count(1)
    expect(page.locator("#place-map .leaflet-tooltip")).to_have_text(["永安里社区"])


def test_clicking_a_place_on_the_map_opens_it(page: Page, world: World) -> None:
    log_in(page, username="district_staff", password=PASSWORD)
    page.goto(reverse("places:subdistrict", args=[world.sd_b.pk]))
    page.wait_for_selector("#place-map[data-map-ready]")
    page.locator(f"{OVERLAY} path.gz-community").click()
    expect(page.locator("#place-panel h1")).to_have_text("吉庆里社区")


def test_the_map_says_when_its_geography_is_generated(page: Page, world: World) -> None:
    Community.objects.update(generated=True)
    log_in(page, username="district_staff", password=PASSWORD)
    page.goto(reverse("places:browser"))
    note = page.locator("#map-note")
    expect(note).to_be_hidden()  # the subdistricts' areas are not generated in this world
    page.click("#place-panel a:text-is('建外街道')")
    expect(note).to_be_visible()
    expect(note).to_have_text("示意地理数据（生成）")
