"""End to end in headless Chromium: the shell around every page (run with `pytest -m browser`)."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect

from gongzhi.testing import PASSWORD, World
from gongzhi.web.tests.browser import log_in, screenshot_dir

pytestmark = pytest.mark.browser


def test_the_interface_switches_to_english_and_back(page: Page, world: World) -> None:
    log_in(page, username="secretary_a1", password=PASSWORD)
    page.click("form.lang button[value=en]")
    expect(page.locator("nav.mainnav")).to_contain_text("Places")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    page.click("form.lang button[value=zh-hans]")
    expect(page.locator("nav.mainnav")).to_contain_text("地点")


def test_the_page_fits_a_phone_without_sideways_scrolling(page: Page, world: World) -> None:
    page.set_viewport_size({"width": 375, "height": 740})
    log_in(page, username="subdistrict_staff_a", password=PASSWORD)
    page.goto(reverse("places:subdistrict", args=[world.sd_a.pk]))
    page.wait_for_selector("#place-map[data-map-ready]")
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0
    expect(page.locator("#place-map")).to_be_visible()
    page.screenshot(path=str(screenshot_dir() / "place-browser-phone.png"), full_page=True)


def test_switching_language_after_a_drill_down_stays_on_the_place_shown(
    page: Page, world: World
) -> None:
    log_in(page, username="district_staff", password=PASSWORD)
    page.goto(reverse("places:browser"))
    page.click("#place-panel a:text-is('建外街道')")
    expect(page.locator("#place-panel h1")).to_have_text("建外街道")
    page.click("form.lang button[value=en]")
    expect(page.locator("#place-panel h2").first).to_have_text("Community / village")
    expect(page.locator("#place-panel h1")).to_have_text("建外街道")


def test_an_expired_session_shows_the_login_page_not_a_login_form_in_the_panel(
    page: Page, world: World
) -> None:
    log_in(page, username="district_staff", password=PASSWORD)
    page.goto(reverse("places:browser"))
    page.context.clear_cookies()
    page.click("#place-panel a:text-is('建外街道')")
    expect(page).to_have_url(re.compile(re.escape(reverse("accounts:login")) + r"\?next="))
    expect(page.locator("#place-panel")).to_have_count(0)
