"""Dispatch intelligence in real headless Chromium, through the pages only.

A small classifier is trained on synthetic orders (dispatch/tests/conftest.py) and is the active
artifact. The operator takes two calls: a clear-cut elevator failure, filed under the category
the suggestion panel offers, is dispatched automatically and its order page says so with the
model version; a vague one waits on the dispatcher's desk with three suggestions, and the
dispatcher dispatches it by hand under another category to another unit, which is kept as
training feedback. Screenshots go to GONGZHI_SCREENSHOTS (default /tmp/gongzhi-screens).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest

from gongzhi.dispatch.models import ModelArtifact, TrainingFeedback
from gongzhi.dispatch.tests.conftest import CLEAR_ELEVATOR, VAGUE
from gongzhi.testing import PASSWORD, World
from gongzhi.web.tests.browser import TIMEOUT_MS, log_in, screenshot_dir
from gongzhi.workorders.models import EventKind, Status, WorkOrder

pytestmark = pytest.mark.browser


@contextmanager
def signed_in(browser: Any, live_server: Any, username: str) -> Iterator[Any]:
    context = browser.new_context(
        base_url=live_server.url, locale="zh-CN", viewport={"width": 1280, "height": 900}
    )
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    log_in(page, username=username, password=PASSWORD)
    try:
        yield page
    finally:
        context.close()


def shot(page: Any, name: str) -> None:
    page.screenshot(path=str(screenshot_dir() / f"dispatch-{name}.png"), full_page=True)


def take_call(page: Any, *, phone: str, text: str) -> None:
    """Caller's number, name and place (compound A1 by search), then what happened."""
    page.fill("#id_requester_phone", phone)
    page.fill("#id_requester_name", "王女士")
    page.fill("#place-q", "永安")
    page.locator("#place-results button").first.click()
    page.fill("#id_description", text)


def test_a_clear_request_is_dispatched_automatically_and_a_vague_one_by_the_dispatcher(
    world: World, artifact: ModelArtifact, settings: Any, browser: Any, live_server: Any
) -> None:
    settings.GONGZHI_AUTO_DISPATCH_THRESHOLD = 0.8

    with signed_in(browser, live_server, "operator") as operator:
        operator.goto("/orders/intake/")

        # 1. A clear-cut call: the panel suggests 电梯故障 first; one click files it there.
        take_call(operator, phone="13912345678", text=CLEAR_ELEVATOR)
        panel = operator.locator("#dp-preview")
        panel.wait_for()
        assert "电梯故障" in panel.locator("[data-suggested-categories] li").first.inner_text()
        assert panel.locator("[data-would-auto]").count() == 1
        shot(operator, "intake-suggestions")
        panel.locator("[data-suggested-categories] button").first.click()
        assert "电梯故障" in operator.input_value("#id_category")
        operator.click("#intake-submit")
        flash = operator.locator("#intake-done")
        flash.wait_for()
        clear = WorkOrder.objects.get(description=CLEAR_ELEVATOR)
        assert clear.number in flash.inner_text() and artifact.version in flash.inner_text()

        operator.goto(f"/orders/{clear.number}/")
        timeline = operator.locator("#timeline").inner_text()
        assert "自动派单" in timeline and artifact.version in timeline
        shot(operator, "order-auto-dispatched")

        # 2. A vague call, filed under 电梯故障 all the same: it waits for the dispatcher.
        operator.goto("/orders/intake/")
        take_call(operator, phone="13700001111", text=VAGUE)
        operator.locator("#dp-preview").wait_for()
        operator.fill("#id_category", "电梯故障")
        operator.click("#intake-submit")
        operator.locator("#intake-done").wait_for()
    vague = WorkOrder.objects.get(description=VAGUE)
    assert clear.status == Status.DISPATCHED and vague.status == Status.RECEIVED

    with signed_in(browser, live_server, "dispatcher") as dispatcher:
        dispatcher.goto("/orders/desk/dispatch/")
        card = dispatcher.locator(f"#dispatch-{vague.number}")
        chips = card.locator("[data-suggested-categories] li")
        assert chips.count() == 3
        assert artifact.version in card.locator("[data-model-version]").inner_text()
        shot(dispatcher, "desk-suggestions")

        # The dispatcher knows better: construction noise, for the subdistrict office.
        form = card.locator(f"#dispatch-form-{vague.number}")
        form.locator("select[name=category]").select_option("noise-construction")
        form.locator("select[name=lead]").select_option(str(world.units["so_a"].pk))
        form.locator("select[name=assisting]").select_option([])
        form.locator("button[data-action=dispatch]").click()
        dispatcher.locator(f"#dispatch-{vague.number} .wo-flash.success").wait_for()

    vague.refresh_from_db()
    assert vague.status == Status.DISPATCHED and vague.lead_unit == world.units["so_a"]
    assert vague.category.code == "noise-construction"
    assert vague.events.filter(kind=EventKind.DISPATCHED, actor__username="dispatcher").exists()
    feedback = TrainingFeedback.objects.get(order=vague)
    assert feedback.chosen_category.code == "noise-construction"
    assert feedback.model_version == artifact.version
