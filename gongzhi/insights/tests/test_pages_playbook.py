"""The playbook beside an open order: staff who may see the order get the best-rated resolved
past orders of its kind, with how they were handled, texts masked."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client

from gongzhi.insights.tests.test_pages_fixtures import signed_in
from gongzhi.testing import World
from gongzhi.workorders.models import Category, Satisfaction, Status, WorkOrder
from gongzhi.workorders.sla import SHANGHAI
from gongzhi.workorders.taxonomy import seed_categories
from gongzhi.workorders.tests.factories import WorkOrderFactory

T0 = dt.datetime(2025, 1, 6, 9, tzinfo=SHANGHAI)


def url(order: WorkOrder) -> str:
    return f"/insights/findings/orders/{order.number}/playbook/"


@pytest.fixture
def orders(world: World) -> dict[str, WorkOrder]:
    seed_categories()
    heating = Category.objects.get(code="heating-cold")
    at_a1 = {
        "compound": world.compound_a1,
        "community": world.comm_a1,
        "subdistrict": world.sd_a,
        "category": heating,
    }
    return {
        "past": WorkOrderFactory.create(
            description="3号楼暖气不热，室内温度只有十四度，请回电13700137000",
            status=Status.CLOSED,
            received_at=T0,
            resolved_at=T0 + dt.timedelta(days=3),
            feedback="供热站更换了单元循环泵，室温恢复到二十度，已电话13700137000告知",
            satisfaction=Satisfaction.SATISFIED,
            lead_unit=world.units["so_a"],
            **at_a1,
        ),
        "open": WorkOrderFactory.create(
            description="5号楼暖气不热，室内温度只有十四度",
            status=Status.DISPATCHED,
            received_at=T0 + dt.timedelta(days=300),
            **at_a1,
        ),
        "closed": WorkOrderFactory.create(
            description="5号楼暖气不热",
            status=Status.CLOSED,
            received_at=T0 + dt.timedelta(days=200),
            resolved_at=T0 + dt.timedelta(days=201),
            feedback="已处理",
            **at_a1,
        ),
    }


def test_staff_who_see_the_order_get_how_similar_orders_were_handled(
    world: World, orders: dict[str, WorkOrder], client: Client
) -> None:
    page = signed_in(world, client, "secretary_a1").get(url(orders["open"])).content.decode()

    assert f'data-order="{orders["past"].number}"' in page
    assert "供热站更换了单元循环泵" in page and "建外街道办事处" in page and "用时 3.0 天" in page
    assert ("13700137000" in page, "137****7000" in page) == (False, True)


@pytest.mark.parametrize(
    ("name", "status"),
    [
        ("secretary_a1", 200),
        ("subdistrict_staff_a", 200),
        ("district_staff", 200),
        ("property_staff_x", 200),
        ("secretary_b1", 404),  # may not see the order
        ("resident_a1", 403),
        ("rider", 403),
    ],
)
def test_the_order_pages_visibility_applies(
    world: World, orders: dict[str, WorkOrder], client: Client, name: str, status: int
) -> None:
    assert signed_in(world, client, name).get(url(orders["open"])).status_code == status


def test_an_unknown_order_is_not_found(world: World, client: Client) -> None:
    assert signed_in(world, client, "district_staff").get(
        "/insights/findings/orders/nope/playbook/"
    ).status_code == (404)


def test_a_closed_order_gets_an_empty_slot(
    world: World, orders: dict[str, WorkOrder], client: Client
) -> None:
    page = signed_in(world, client, "secretary_a1").get(url(orders["closed"])).content.decode()

    assert ('id="order-playbook-none"' in page, "data-order" in page) == (True, False)


def test_the_order_page_loads_the_playbook_for_an_open_order_only(
    world: World, orders: dict[str, WorkOrder], client: Client
) -> None:
    client = signed_in(world, client, "secretary_a1")
    open_page = client.get(f"/orders/{orders['open'].number}/").content.decode()
    closed_page = client.get(f"/orders/{orders['closed'].number}/").content.decode()

    assert f'hx-get="{url(orders["open"])}"' in open_page
    assert 'id="order-playbook-slot"' not in closed_page


def test_a_resident_on_her_own_open_order_gets_no_playbook_slot(
    world: World, orders: dict[str, WorkOrder], client: Client
) -> None:
    """The playbook is for staff: the page does not ask for a fragment it would be refused."""
    order = orders["open"]
    order.requester_person = world.person("resident_a1")
    order.save(update_fields=["requester_person"])
    response = signed_in(world, client, "resident_a1").get(f"/orders/{order.number}/")

    assert response.status_code == 200
    assert order.number in response.content.decode()
    assert 'id="order-playbook-slot"' not in response.content.decode()


def test_the_fragment_costs_a_fixed_number_of_queries(
    world: World, orders: dict[str, WorkOrder], client: Client, django_assert_num_queries: Any
) -> None:
    client = signed_in(world, client, "secretary_a1")
    client.get(url(orders["open"]))

    # session, user, scope memberships, the order (its visibility's memberships and the
    # order), the playbook's two queries.
    with django_assert_num_queries(7):
        client.get(url(orders["open"]))
