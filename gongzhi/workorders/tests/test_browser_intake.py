"""The hotline operator's intake in real headless Chromium, with the keyboard only: the caller's
number has the focus, Tab walks the form, Enter picks a place, Ctrl+Enter files the order, the
next blank form comes back with the number, and a second call about the same place and category
shows the first as a possible duplicate."""

from __future__ import annotations

from typing import Any

import pytest

from gongzhi.testing import PASSWORD, World
from gongzhi.web.tests.browser import log_in, screenshot_dir
from gongzhi.workorders.models import Status, WorkOrder
from gongzhi.workorders.taxonomy import seed_categories, seed_matrix

pytestmark = pytest.mark.browser


def take_call(page: Any, *, phone: str, name: str, place: str, category: str, text: str) -> None:
    kb = page.keyboard
    page.locator("#id_requester_phone:focus").wait_for()
    kb.type(phone)
    kb.press("Tab")
    kb.type(name)
    kb.press("Tab")
    kb.type(place)
    page.locator("#place-results button").first.wait_for()
    kb.press("Enter")  # picks the first place, the focus moves on to the address
    page.locator("#id_address:focus").wait_for()
    kb.type("3号楼")
    kb.press("Tab")
    kb.type(category)
    kb.press("Tab")  # kind: complaint is the default
    kb.press("Tab")  # urgency: normal
    kb.press("Tab")
    kb.type(text)


def test_an_operator_takes_two_calls_with_the_keyboard_only(
    world: World, page: Any, settings: Any
) -> None:
    seed_categories()
    seed_matrix()
    log_in(page, username="operator", password=PASSWORD)
    page.goto("/orders/intake/")

    take_call(
        page,
        phone="13912345678",
        name="李女士",
        place="永安",
        category="电梯故障",
        text="3号楼电梯困人后停运，物业未处理。",
    )
    page.keyboard.press("Control+Enter")
    flash = page.locator("#intake-done")
    flash.wait_for()
    first = WorkOrder.objects.get()
    assert first.number in flash.inner_text()
    assert (first.compound_id, first.category.code, first.status) == (
        world.compound_a1.pk,
        "property-elevator",
        Status.DISPATCHED,
    )

    # The next blank form, the focus on the caller's number again.
    take_call(
        page,
        phone="13700001111",
        name="赵先生",
        place="永安",
        category="电梯故障",
        text="电梯还是不能用。",
    )
    hint = page.locator("#dup-list")
    hint.wait_for()
    page.screenshot(path=str(screenshot_dir() / "workorders-intake.png"), full_page=True)
    assert first.number in hint.inner_text()
