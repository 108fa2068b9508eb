"""A unit's queue: what it lists, in which order, the filters, the badges, the query count."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import time_machine
from django.test import Client

from gongzhi.testing import World
from gongzhi.workorders import services
from gongzhi.workorders.models import Status, Urgency, WorkOrder
from gongzhi.workorders.sla import SHANGHAI
from gongzhi.workorders.tests.factories import order_in, receive

HTMX = {"HX-Request": "true"}
# A Tuesday in a year the official calendar covers.
MORNING = dt.datetime(2025, 6, 10, 9, 0, tzinfo=SHANGHAI)


def client_for(world: World, client: Client, name: str) -> Client:
    client.force_login(world.person(name))
    return client


def dispatched(world: World, lead: str = "property_x", **overrides: Any) -> WorkOrder:
    return order_in(world, Status.DISPATCHED, lead=lead, **overrides)


def numbers_in(page: str, orders: list[WorkOrder]) -> list[str]:
    """The orders' numbers in the order they appear on the page."""
    return sorted((o.number for o in orders), key=page.index)


def test_urgent_orders_come_first_then_the_nearest_deadline(world: World, client: Client) -> None:
    with time_machine.travel(MORNING, tick=False):
        early = dispatched(world)
    with time_machine.travel(MORNING + dt.timedelta(days=1), tick=False):
        late = dispatched(world)
        urgent = dispatched(world, urgency=Urgency.URGENT)
        page = client_for(world, client, "property_staff_x").get("/orders/").content.decode()

    assert numbers_in(page, [early, late, urgent]) == [urgent.number, early.number, late.number]


def test_the_queue_lists_orders_the_unit_assists(world: World, client: Client) -> None:
    # Dispatched to the property company with the community committee assisting (专班).
    order = receive(world)
    services.workorder_dispatch(
        order=order,
        by=world.person("dispatcher"),
        lead=world.units["property_x"],
        assisting=[world.units["cc_a1"]],
    )

    page = client_for(world, client, "secretary_a1").get("/orders/").content.decode()

    assert order.number in page
    assert "协办" in page


def test_the_queue_leaves_out_other_units_orders(world: World, client: Client) -> None:
    theirs = dispatched(world, lead="dept_traffic")

    page = client_for(world, client, "property_staff_x").get("/orders/").content.decode()

    assert theirs.number not in page


def test_the_status_filter_shows_resolved_orders_on_request(world: World, client: Client) -> None:
    resolved = order_in(world, Status.RESOLVED)
    staff = client_for(world, client, "property_staff_x")

    default = staff.get("/orders/").content.decode()
    filtered = staff.get("/orders/", {"status": "resolved"}).content.decode()

    assert (resolved.number in default, resolved.number in filtered) == (False, True)


def test_the_overdue_filter_and_its_red_badge(world: World, client: Client) -> None:
    with time_machine.travel(MORNING, tick=False):
        late = dispatched(world)
    with time_machine.travel(MORNING + dt.timedelta(days=3), tick=False):
        fresh = dispatched(world)
        page = (
            client_for(world, client, "property_staff_x")
            .get("/orders/", {"deadline": "overdue"})
            .content.decode()
        )

    assert (late.number in page, fresh.number in page) == (True, False)
    assert 'class="wo-badge overdue' in page


def test_a_deadline_within_a_day_is_amber(world: World, client: Client) -> None:
    with time_machine.travel(MORNING, tick=False):
        order = dispatched(world)  # the requester must be contacted within 24 hours
    with time_machine.travel(MORNING + dt.timedelta(hours=1), tick=False):
        page = (
            client_for(world, client, "property_staff_x")
            .get("/orders/", {"deadline": "near"})
            .content.decode()
        )

    assert order.number in page
    assert 'class="wo-badge near' in page


def test_a_provisional_deadline_is_marked(world: World, client: Client) -> None:
    # 2031 is not in the official calendar yet: Mon–Fri, flagged provisional.
    with time_machine.travel(dt.datetime(2031, 3, 4, 9, 0, tzinfo=SHANGHAI), tick=False):
        order = dispatched(world)
        page = (
            client_for(world, client, "property_staff_x")
            .get("/orders/", {"deadline": "provisional"})
            .content.decode()
        )

    assert order.number in page
    assert "暂定" in page


def test_an_htmx_filter_gets_only_the_results(world: World, client: Client) -> None:
    dispatched(world)

    page = (
        client_for(world, client, "property_staff_x")
        .get("/orders/", {"status": "all"}, headers=HTMX)
        .content.decode()
    )

    assert page.lstrip().startswith('<section class="wo-card" id="queue-results">')


@pytest.mark.parametrize("count", [2, 12])
def test_the_queue_costs_the_same_queries_for_2_or_12_orders(
    world: World, client: Client, django_assert_max_num_queries: Any, count: int
) -> None:
    for _ in range(count):
        dispatched(world)
    staff = client_for(world, client, "property_staff_x")

    # Session, person, roles, the property company's compounds (scope), units, categories,
    # communities, count, page, and the roles again for the layout's navigation.
    with django_assert_max_num_queries(10):
        staff.get("/orders/")


def test_a_resident_has_no_queue(world: World, client: Client) -> None:
    assert client_for(world, client, "resident_a1").get("/orders/").status_code == 403


def test_the_queue_varies_on_the_htmx_header(world: World, client: Client) -> None:
    response = client_for(world, client, "property_staff_x").get("/orders/")

    assert "HX-Request" in response["Vary"]
