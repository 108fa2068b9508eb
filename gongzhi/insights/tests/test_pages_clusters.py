"""The cluster pages: thirty heating complaints from one compound are one problem — the list,
the page with its (masked) texts and orders, and the same actions as a hotspot's."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from gongzhi.deliberation.models import Proposal
from gongzhi.insights.hotspots.models import Cluster, SignalStatus
from gongzhi.insights.tests.test_pages_fixtures import (
    file_orders,
    make_cluster,
    make_hotspot,
    signed_in,
)
from gongzhi.testing import World
from gongzhi.workorders.models import Channel, WorkOrder
from gongzhi.workorders.taxonomy import seed_categories

LIST = "/insights/findings/clusters/"


@pytest.fixture
def groups(world: World, settings: Any) -> dict[str, Cluster]:
    settings.GONGZHI_AUTO_DISPATCH = False
    seed_categories()
    return {
        "a1": make_cluster(file_orders(world, world.compound_a1, n=8)),
        "b1": make_cluster(file_orders(world, world.compound_b1, n=4)),
    }


def listed(page: str) -> list[int]:
    out, start = [], 0
    while (i := page.find('data-cluster="', start)) != -1:
        i += len('data-cluster="')
        out.append(int(page[i : page.index('"', i)]))
        start = i
    return out


@pytest.mark.parametrize(
    ("name", "sees"),
    [
        ("district_staff", ["a1", "b1"]),
        ("subdistrict_staff_a", ["a1"]),
        ("secretary_b1", ["b1"]),
        ("property_staff_x", ["a1", "b1"]),
    ],
)
def test_each_sees_the_clusters_of_their_places_largest_first(
    world: World, groups: dict[str, Cluster], client: Client, name: str, sees: list[str]
) -> None:
    page = signed_in(world, client, name).get(LIST).content.decode()

    assert listed(page) == [groups[k].pk for k in sees]


@pytest.mark.parametrize("name", ["resident_a1", "volunteer_a1", "rider"])
def test_citizens_may_not_open_the_clusters(
    world: World, groups: dict[str, Cluster], client: Client, name: str
) -> None:
    client = signed_in(world, client, name)

    assert (client.get(LIST).status_code, client.get(f"{LIST}{groups['a1'].pk}/").status_code) == (
        403,
        403,
    )


def test_a_cluster_out_of_scope_is_not_found(
    world: World, groups: dict[str, Cluster], client: Client
) -> None:
    response = signed_in(world, client, "secretary_b1").get(f"{LIST}{groups['a1'].pk}/")

    assert response.status_code == 404


def test_the_list_shows_the_place_the_window_and_a_masked_text(
    world: World, groups: dict[str, Cluster], client: Client
) -> None:
    page = signed_in(world, client, "district_staff").get(LIST).content.decode()

    row = page[page.index(f'data-cluster="{groups["a1"].pk}"') :]
    row = row[: row.index("</tr>")]
    assert (world.compound_a1.name in row, "11-01 — 12-01" in row, "<strong>8</strong>" in row) == (
        True,
        True,
        True,
    )
    assert ("13800138000" in page, "138****8000" in row) == (False, True)


def test_a_bad_month_is_a_clear_error(
    world: World, groups: dict[str, Cluster], client: Client
) -> None:
    response = signed_in(world, client, "district_staff").get(LIST, {"month": "2025/11"})

    assert (response.status_code, "月份格式应为" in response.content.decode()) == (400, True)


def test_the_page_shows_every_order_masked_and_linked(
    world: World, groups: dict[str, Cluster], client: Client
) -> None:
    make_hotspot(world.compound_a1)
    page = signed_in(world, client, "secretary_a1").get(f"{LIST}{groups['a1'].pk}/")
    text = page.content.decode()

    orders = text[text.index('id="cluster-orders"') :]
    numbers = WorkOrder.objects.filter(compound=world.compound_a1).values_list("number", flat=True)
    assert all(f'href="/orders/{n}/"' in orders for n in numbers)
    assert ("张三丰" in text, "13912341234" in text, "13800138000" in text) == (False, False, False)
    assert 'id="cluster-hotspots"' in text  # the hotspot of the same place and month


def test_a_cluster_becomes_one_proactive_order(
    world: World, groups: dict[str, Cluster], client: Client
) -> None:
    client = signed_in(world, client, "secretary_a1")
    url = f"{LIST}{groups['a1'].pk}/act/order/"

    client.post(url, {"urgency": "normal"})
    again = client.post(url, {"urgency": "normal"}, follow=True)

    order = WorkOrder.objects.get(channel=Channel.PROACTIVE)
    groups["a1"].refresh_from_db()
    assert (groups["a1"].work_order_id, groups["a1"].status) == (order.pk, SignalStatus.ACTED)
    assert "未重复创建" in again.content.decode()


def test_a_cluster_goes_to_deliberation_with_its_orders(
    world: World, groups: dict[str, Cluster], client: Client
) -> None:
    signed_in(world, client, "secretary_a1").post(f"{LIST}{groups['a1'].pk}/act/proposal/", {})

    assert Proposal.objects.get().work_orders.count() == 8


def test_a_cluster_dismissal_needs_a_reason(
    world: World, groups: dict[str, Cluster], client: Client
) -> None:
    response = signed_in(world, client, "secretary_a1").post(
        f"{LIST}{groups['a1'].pk}/act/dismiss/", {"reason": ""}
    )

    groups["a1"].refresh_from_db()
    assert (response.status_code, groups["a1"].status) == (400, SignalStatus.OPEN)


def test_the_list_costs_a_fixed_number_of_queries(
    world: World, groups: dict[str, Cluster], client: Client, django_assert_num_queries: Any
) -> None:
    make_cluster(file_orders(world, world.compound_a2, n=3))
    client = signed_in(world, client, "subdistrict_staff_a")
    client.get(LIST)

    # session, user, scope memberships, subdistrict choices, categories, the latest month
    # with clusters, the count and the page of clusters, the navigation's memberships.
    with django_assert_num_queries(9):
        client.get(LIST)
