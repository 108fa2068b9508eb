"""End to end in headless Chromium: signing in, scope, lock-out (run with `pytest -m browser`)."""

from __future__ import annotations

import re

import pytest
from django.conf import settings
from django.urls import reverse
from playwright.sync_api import Page, expect

from gongzhi.testing import PASSWORD, World
from gongzhi.web.tests.browser import log_in, screenshot_dir

pytestmark = pytest.mark.browser


def test_a_community_worker_signs_in_and_sees_her_community_and_not_another(
    page: Page, world: World
) -> None:
    log_in(page, username="secretary_a1", password=PASSWORD)
    expect(page.locator(".who-name")).to_have_text("secretary_a1")

    page.click("nav.mainnav a:text-is('地点')")
    panel = page.locator("#place-panel")
    expect(panel.get_by_role("link", name="永安里社区")).to_be_visible()
    expect(panel).not_to_contain_text("吉庆里社区")
    page.wait_for_selector("#place-map[data-map-ready]")
    page.screenshot(path=str(screenshot_dir() / "place-browser-secretary.png"), full_page=True)

    response = page.goto(reverse("places:community", args=[world.comm_b1.pk]))
    assert response is not None and response.status == 404
    expect(page.locator("h1")).to_have_text("页面不存在")
    expect(page.locator("body")).not_to_contain_text("吉庆里社区")


def test_she_drills_down_to_her_compound(page: Page, world: World) -> None:
    log_in(page, username="secretary_a1", password=PASSWORD)
    page.goto(reverse("places:browser"))
    page.click("#place-panel a:text-is('永安里社区')")
    expect(page.locator("#place-panel h1")).to_have_text("永安里社区")
    page.click("#place-panel a:text-is('永安里小区')")
    expect(page.locator("#place-panel h1")).to_have_text("永安里小区")
    # The drill-down is an htmx swap that pushes the compound's own address.
    compound_url = reverse("places:compound", args=[world.compound_a1.pk])
    expect(page).to_have_url(re.compile(re.escape(compound_url) + "$"))
    expect(page.locator("#place-panel")).to_contain_text("安居物业公司")


def test_a_locked_out_name_is_told_it_is_locked(page: Page, world: World) -> None:
    for _ in range(settings.LOGIN_MAX_FAILURES):
        page.goto(reverse("accounts:login"))
        page.fill("input[name=username]", "secretary_a1")
        page.fill("input[name=password]", "not-her-password")
        page.click("#login-form button[type=submit]")
    alert = page.get_by_role("alert")
    expect(alert).to_contain_text("账号已锁定")
    expect(alert).to_contain_text(f"{settings.LOGIN_LOCKOUT_MINUTES} 分钟")

    log_in(page, username="secretary_a1", password=PASSWORD)
    expect(page.get_by_role("alert")).to_contain_text("账号已锁定")
    expect(page).to_have_url(re.compile(re.escape(reverse("accounts:login")) + "$"))
