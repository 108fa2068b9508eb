"""The findings pages in real headless Chromium: a community secretary finds the heating
hotspot of their compound, reads its evidence, turns it into a proactive work order and
follows the link; the new order's page loads the playbook panel (htmx) with how a similar
order was handled. Screenshots go to GONGZHI_SCREENSHOTS (default /tmp/gongzhi-screens)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from gongzhi.insights.hotspots.models import Hotspot, SignalStatus
from gongzhi.insights.tests.test_pages_fixtures import file_orders, make_hotspot
from gongzhi.testing import PASSWORD, World
from gongzhi.web.tests.browser import log_in, screenshot_dir
from gongzhi.workorders.models import Category, Channel, Satisfaction, Status, WorkOrder
from gongzhi.workorders.sla import SHANGHAI
from gongzhi.workorders.taxonomy import seed_categories
from gongzhi.workorders.tests.factories import WorkOrderFactory

pytestmark = pytest.mark.browser


def shot(page: Any, name: str) -> None:
    page.screenshot(path=str(screenshot_dir() / f"insights-{name}.png"), full_page=True)


@pytest.fixture
def hotspot(world: World, settings: Any) -> Hotspot:
    settings.GONGZHI_AUTO_DISPATCH = False
    seed_categories()
    file_orders(world, world.compound_a1, n=12)
    # Last winter's case, handled well: what the playbook should offer.
    at = dt.datetime(2025, 1, 6, 9, tzinfo=SHANGHAI)
    WorkOrderFactory.create(
        category=Category.objects.get(code="heating-cold"),
        compound=world.compound_a1,
        community=world.comm_a1,
        subdistrict=world.sd_a,
        description="3号楼暖气不热，室内只有十四度",
        status=Status.CLOSED,
        received_at=at,
        resolved_at=at + dt.timedelta(days=2),
        feedback="供热站排查后更换了单元循环泵，室温恢复到二十度",
        satisfaction=Satisfaction.SATISFIED,
        lead_unit=world.units["so_a"],
    )
    return make_hotspot(world.compound_a1)


def test_a_secretary_turns_a_hotspot_into_a_proactive_order(hotspot: Hotspot, page: Any) -> None:
    log_in(page, username="secretary_a1", password=PASSWORD)
    page.goto("/insights/findings/hotspots/?month=2025-11")
    shot(page, "hotspots")
    page.locator(f"tr[data-hotspot='{hotspot.pk}'] a").first.click()
    page.locator("#hotspot-chart svg rect.bar.current").wait_for()
    assert page.locator("#hotspot-chart svg rect.bar").count() == 11
    assert "138****8000" in page.locator("#hotspot-orders").inner_text()
    shot(page, "hotspot")

    action = page.locator("details[data-action=order]")
    action.locator("summary").click()
    action.locator("textarea").fill("请物业和供热站排查A1小区供热管网")
    action.get_by_role("button", name="转为主动治理工单").click()
    link = page.locator("#signal-order")
    link.wait_for()
    order = WorkOrder.objects.get(channel=Channel.PROACTIVE)
    assert link.inner_text().strip() == order.number
    hotspot.refresh_from_db()
    assert (hotspot.status, hotspot.work_order_id) == (SignalStatus.ACTED, order.pk)
    shot(page, "hotspot-acted")

    link.click()
    panel = page.locator("#order-playbook")
    panel.wait_for()
    assert "供热站排查后更换了单元循环泵" in panel.inner_text()
    shot(page, "order-playbook")
