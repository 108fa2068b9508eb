"""The acceptance test of 接诉即办 in real headless Chromium, through the pages only.

A resident files a request on the public page (map pick by compound search, a photo); the
dispatcher dispatches it from the desk with the matrix's suggestion; the property company's
staff accept it, contact the requester and resolve it from their queue and the order page;
the callback agent records the callback; the ranking page (read from the roll-ups, refreshed
as the scheduler's job would) shows the month's rates changed.
Uses the harness in gongzhi/web/tests/browser.py (fixtures `browser`, `page`, `log_in`).
Screenshots of each page go to GONGZHI_SCREENSHOTS (default /tmp/gongzhi-screens).
"""

from __future__ import annotations

import base64
import re
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest

from gongzhi.insights.rollups import rollups_refresh
from gongzhi.testing import PASSWORD, World
from gongzhi.web.tests.browser import TIMEOUT_MS, log_in, screenshot_dir
from gongzhi.workorders import services
from gongzhi.workorders.models import Status, WorkOrder
from gongzhi.workorders.taxonomy import seed_categories, seed_matrix
from gongzhi.workorders.tests.factories import order_in

pytestmark = pytest.mark.browser

# A 1×1 PNG: a real image by its bytes, as the domain checks.
PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg=="
)


@contextmanager
def signed_in(browser: Any, live_server: Any, username: str) -> Iterator[Any]:
    """A fresh browser context signed in as one of the cast (each role its own window)."""
    context = browser.new_context(
        base_url=live_server.url, locale="zh-CN", viewport={"width": 1280, "height": 860}
    )
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    log_in(page, username=username, password=PASSWORD)
    try:
        yield page
    finally:
        context.close()


def shot(page: Any, name: str) -> None:
    page.screenshot(path=str(screenshot_dir() / f"workorders-{name}.png"), full_page=True)


def ranking_row(page: Any, name: str) -> dict[str, str]:
    row = page.locator(f"#ranking-table tr[data-name='{name}']")
    return {
        rate: row.locator(f"td.rate-{rate} .value").inner_text().strip()
        for rate in ("response", "resolution", "satisfaction", "composite")
    }


@pytest.fixture
def district(world: World, settings: Any, tmp_path: Any) -> World:
    """The test district with the category tree and the matrix; automatic dispatch off so that
    the order waits on the dispatcher's desk; photos stored in a temporary directory."""
    settings.GONGZHI_AUTO_DISPATCH = False
    settings.MEDIA_ROOT = str(tmp_path)
    seed_categories()
    seed_matrix()
    return world


def test_a_request_goes_from_the_resident_to_the_ranking(
    district: World, page: Any, browser: Any, live_server: Any
) -> None:
    w = district
    sd_a = w.sd_a.name
    # Earlier this month: one order of subdistrict A already called back, satisfied.
    earlier = order_in(w, Status.RESOLVED)
    services.workorder_callback(
        order=earlier, by=w.person("callback_agent"), resolved=True, satisfaction="satisfied"
    )
    # The ranking reads the roll-ups, which the scheduler's insights.refresh_rollups job
    # (every 30 s, gongzhi/web/scheduler.py) brings up to date; no scheduler runs in the test,
    # so the test runs that job's function where its next slot would have come round.
    rollups_refresh()

    # --- Ranking before ------------------------------------------------------------------
    with signed_in(browser, live_server, "district_staff") as leader:
        leader.goto("/orders/ranking/")
        before = ranking_row(leader, sd_a)
        shot(leader, "ranking-before")
    assert before["satisfaction"] == "100.0%"

    # --- The resident files a request (no login) -------------------------------------------
    page.set_viewport_size({"width": 390, "height": 844})  # a phone
    page.goto("/orders/file/")
    page.get_by_label("投诉").check()
    page.select_option("#id_category", label="电梯故障")
    page.fill("#id_description", "3号楼电梯停了两天，老人下不了楼，请尽快修复。")
    page.fill("#compound-q", "永安")
    page.locator("#compound-results button", has_text="永安里小区").click()
    page.wait_for_function("document.getElementById('id_lng').value !== ''")
    page.fill("#id_address", "3号楼2单元")
    page.set_input_files(
        "#id_photos", files=[{"name": "elevator.png", "mimeType": "image/png", "buffer": PNG}]
    )
    page.fill("#id_name", "王芳")
    page.fill("#id_phone", "13800138000")
    shot(page, "file-filled")
    page.get_by_role("button", name="提交").click()
    number = page.locator("#order-number").inner_text().strip()
    shot(page, "filed")
    assert re.fullmatch(r"\d{8,}", number)
    order = WorkOrder.objects.get(number=number)
    assert (order.compound_id, order.status, order.photos.count()) == (
        w.compound_a1.pk,
        Status.RECEIVED,
        1,
    )

    # --- The dispatcher dispatches it, as the matrix suggests ------------------------------
    with signed_in(browser, live_server, "dispatcher") as desk:
        desk.goto("/orders/desk/dispatch/")
        card = desk.locator(f"#dispatch-{number}")
        card.locator("text=权责清单建议").wait_for()
        shot(desk, "dispatch-desk")
        card.locator("button[data-action=dispatch]").click()
        desk.locator(f"#dispatch-{number} .wo-flash.success").wait_for()
    order.refresh_from_db()
    assert (order.status, order.lead_unit) == (Status.DISPATCHED, w.units["property_x"])

    # --- The property company accepts, contacts the requester, resolves ---------------------
    with signed_in(browser, live_server, "property_staff_x") as unit:
        unit.goto("/orders/")
        shot(unit, "queue")
        unit.get_by_role("link", name=number).click()
        unit.locator("button[data-action=accept]").click()
        unit.locator("#order-status", has_text="已签收").wait_for()
        unit.locator("#reveal-button").click()
        unit.locator("#requester-text", has_text="13800138000").wait_for()
        contact = unit.locator("details[data-action=contact]")
        contact.locator("textarea").fill("已电话联系王女士，约定今天下午检修。")
        contact.get_by_role("button", name="联系诉求人").click()
        unit.locator("#order-status", has_text="已响应").wait_for()
        resolve = unit.locator("details[data-action=resolve]")
        resolve.locator("textarea").fill("已联系电梯维保单位更换控制板，电梯恢复运行。")
        shot(unit, "order-page")
        resolve.get_by_role("button", name="办结").click()
        unit.locator("#order-status", has_text="已办结").wait_for()
    order.refresh_from_db()
    assert order.status == Status.RESOLVED

    # --- The resident sees it resolved --------------------------------------------------------
    page.goto("/orders/track/")
    page.fill("#id_number", number)
    page.fill("#id_phone", "13800138000")
    page.get_by_role("button", name="查询").click()
    page.locator("#order-status", has_text="已办结").wait_for()
    assert "电梯恢复运行" in page.locator("#order-feedback").inner_text()
    shot(page, "progress")

    # --- The callback agent calls back: resolved, basically satisfied -----------------------
    with signed_in(browser, live_server, "callback_agent") as agent:
        agent.goto("/orders/desk/callback/")
        card = agent.locator(f"#callback-{number}")
        card.get_by_label("已解决").check()
        card.get_by_label("基本满意").check()
        shot(agent, "callback-desk")
        card.locator("button[data-action=callback]").click()
        agent.locator(f"#callback-{number} .wo-flash.success").wait_for()
    order.refresh_from_db()
    assert order.status == Status.CALLED_BACK
    rollups_refresh()  # the scheduler's next insights.refresh_rollups run (see above)

    # --- Ranking after: the satisfaction rate and the composite moved -------------------------
    with signed_in(browser, live_server, "district_staff") as leader:
        leader.goto("/orders/ranking/")
        after = ranking_row(leader, sd_a)
        shot(leader, "ranking-after")
    assert (after["satisfaction"], after["composite"] != before["composite"]) == ("90.0%", True)


def test_the_requester_rates_the_resolved_order_online_instead_of_a_call(
    district: World, page: Any, browser: Any, live_server: Any
) -> None:
    w = district
    order = order_in(w, Status.RESOLVED)  # filed with the phone 13912341234

    # --- On their phone, the requester follows the order and rates it ------------------------
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto("/orders/track/")
    page.fill("#id_number", order.number)
    page.fill("#id_phone", "139 1234 1234")  # written another way: the same number
    page.get_by_role("button", name="查询").click()
    rate = page.locator("#rate")
    rate.get_by_label("已解决").check()
    rate.get_by_label("基本满意").check()
    rate.locator("textarea").fill("修好了，师傅很耐心。")
    shot(page, "rate-filled")
    rate.get_by_role("button", name="提交评价").click()
    page.locator("#rated", has_text="已作为本次回访记录").wait_for()
    shot(page, "rated")
    order.refresh_from_db()
    assert order.status == Status.CALLED_BACK

    # --- The callback desk has nothing left to call for it ----------------------------------
    with signed_in(browser, live_server, "callback_agent") as agent:
        agent.goto("/orders/desk/callback/")
        assert agent.locator(f"#callback-{order.number}").count() == 0

    # --- The handling unit reads the rating on the order's timeline --------------------------
    with signed_in(browser, live_server, "property_staff_x") as unit:
        unit.goto(f"/orders/{order.number}/")
        timeline = unit.locator("#timeline")
        timeline.locator("text=回访（诉求人网上评价）").wait_for()
        assert "修好了，师傅很耐心。" in timeline.inner_text()
        shot(unit, "order-rated-by-requester")


def test_a_refused_action_shows_its_message_on_the_order_page(
    district: World, browser: Any, live_server: Any
) -> None:
    order = order_in(district, Status.CONTACTED)

    with signed_in(browser, live_server, "property_staff_x") as unit:
        unit.goto(f"/orders/{order.number}/")
        resolve = unit.locator("details[data-action=resolve]")
        resolve.get_by_role("button", name="办结").click()  # without feedback: 400
        unit.locator("#action-error").wait_for()
        shot(unit, "order-refused")
        assert "办结" in unit.locator("#action-error").inner_text()
    order.refresh_from_db()
    assert order.status == Status.CONTACTED
