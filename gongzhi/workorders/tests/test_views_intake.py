"""The hotline operator's intake page: filing, place search, duplicate hints, query counts."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from gongzhi.testing import World
from gongzhi.workorders.models import Status, WorkOrder
from gongzhi.workorders.taxonomy import seed_categories, seed_matrix
from gongzhi.workorders.tests.factories import receive

HTMX = {"HX-Request": "true"}


@pytest.fixture
def operator(world: World, client: Client) -> Client:
    seed_categories()
    seed_matrix()
    client.force_login(world.person("operator"))
    return client


def call(world: World, **overrides: Any) -> dict[str, Any]:
    data = {
        "requester_phone": "13912345678",
        "requester_name": "李女士",
        "place": f"compound:{world.compound_a1.pk}",
        "address": "3号楼",
        "category": "物业管理 › 电梯故障",
        "kind": "complaint",
        "urgency": "normal",
        "description": "电梯困人后停运。",
        "auto_dispatch": "on",
    }
    data.update(overrides)
    return data


def test_an_order_is_filed_and_the_next_blank_form_shows_its_number(
    world: World, operator: Client
) -> None:
    response = operator.post("/orders/intake/", call(world), headers=HTMX)

    order = WorkOrder.objects.get()
    page = response.content.decode()
    assert order.number in page
    assert 'value="13912345678"' not in page  # a blank form for the next call


def test_the_matrix_dispatches_the_order_at_intake(world: World, operator: Client) -> None:
    operator.post("/orders/intake/", call(world), headers=HTMX)

    order = WorkOrder.objects.get()
    assert (order.status, order.lead_unit) == (Status.DISPATCHED, world.units["property_x"])


def test_without_auto_dispatch_the_order_waits_for_the_dispatcher(
    world: World, operator: Client
) -> None:
    data = call(world)
    del data["auto_dispatch"]

    response = operator.post("/orders/intake/", data, headers=HTMX)

    assert WorkOrder.objects.get().status == Status.RECEIVED
    assert "待派单员派单" in response.content.decode()


def test_a_category_typed_by_its_unique_name_is_understood(world: World, operator: Client) -> None:
    operator.post("/orders/intake/", call(world, category="电梯故障"), headers=HTMX)

    assert WorkOrder.objects.get().category.code == "property-elevator"


def test_an_unknown_category_is_refused_with_a_message(world: World, operator: Client) -> None:
    response = operator.post("/orders/intake/", call(world, category="外星人"), headers=HTMX)

    assert response.status_code == 400
    assert "没有这个类别" in response.content.decode()
    assert not WorkOrder.objects.exists()


def test_a_domain_error_comes_back_as_a_message_with_the_form_kept(
    world: World, operator: Client
) -> None:
    response = operator.post("/orders/intake/", call(world, description="   "), headers=HTMX)

    assert response.status_code == 400
    assert not WorkOrder.objects.exists()


def test_without_htmx_the_operator_is_redirected_with_a_flash(
    world: World, operator: Client
) -> None:
    response = operator.post("/orders/intake/", call(world), follow=True)

    assert WorkOrder.objects.get().number in response.content.decode()


@pytest.mark.parametrize("name", ["resident_a1", "property_staff_x", "callback_agent"])
def test_people_who_do_not_take_calls_may_not_use_the_intake(
    world: World, client: Client, name: str
) -> None:
    client.force_login(world.person(name))

    assert client.get("/orders/intake/").status_code == 403


def test_place_search_finds_compounds_and_communities(world: World, operator: Client) -> None:
    page = operator.get("/orders/intake/places/", {"place_q": "永安里"}).content.decode()

    assert f"compound:{world.compound_a1.pk}" in page
    assert f"community:{world.comm_a1.pk}" in page


def test_duplicate_hints_list_open_orders_at_the_same_place_and_category(
    world: World, operator: Client
) -> None:
    earlier = receive(world)  # the elevator at compound A1
    elsewhere = receive(world, lng=116.45, lat=39.95)  # compound A2

    page = operator.get(
        "/orders/intake/duplicates/",
        {"place": f"compound:{world.compound_a1.pk}", "category": "电梯故障"},
    ).content.decode()

    assert earlier.number in page
    assert elsewhere.number not in page


def test_filing_costs_a_fixed_number_of_queries(
    world: World, operator: Client, django_assert_max_num_queries: Any
) -> None:
    operator.post("/orders/intake/", call(world), headers=HTMX)  # warm caches
    operator.post("/orders/intake/", call(world), headers=HTMX)  # …and build the gazetteer

    # 17 are the domain's (receive, matrix, dispatch, notifications), 2 dispatch
    # intelligence's (open orders at the place, duplicate links); the page adds the session,
    # the person and roles, the place, and the category list twice (parse, next form).
    with django_assert_max_num_queries(26):
        operator.post("/orders/intake/", call(world), headers=HTMX)


def test_the_blank_intake_page_costs_a_fixed_number_of_queries(
    world: World, operator: Client, django_assert_max_num_queries: Any
) -> None:
    for _ in range(3):
        receive(world, by=world.person("operator"))

    with django_assert_max_num_queries(7):
        operator.get("/orders/intake/")
