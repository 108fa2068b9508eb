"""The dispatcher's desk and the callback desk."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from gongzhi.testing import World
from gongzhi.workorders import services
from gongzhi.workorders.models import ExtensionRequest, Status, WorkOrder
from gongzhi.workorders.taxonomy import seed_matrix
from gongzhi.workorders.tests.factories import order_in, receive
from gongzhi.workorders.views.desks import PAGE_SIZE

HTMX = {"HX-Request": "true"}


def client_for(world: World, client: Client, name: str) -> Client:
    client.force_login(world.person(name))
    return client


# --- Dispatcher's desk ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "status"),
    [("dispatcher", 200), ("operator", 403), ("property_staff_x", 403), ("resident_a1", 403)],
)
def test_only_dispatchers_use_the_dispatch_desk(
    world: World, client: Client, name: str, status: int
) -> None:
    assert client_for(world, client, name).get("/orders/desk/dispatch/").status_code == status


def test_the_desk_lists_new_and_returned_orders_not_dispatched_ones(
    world: World, client: Client
) -> None:
    new = order_in(world, Status.RECEIVED)
    returned = order_in(world, Status.RETURNED)
    handled = order_in(world, Status.DISPATCHED)

    page = client_for(world, client, "dispatcher").get("/orders/desk/dispatch/").content.decode()

    assert [o.number in page for o in (new, returned, handled)] == [True, True, False]
    assert "非本单位职责" in page  # the return reason


def test_the_desk_shows_the_matrix_suggestion_preselected(world: World, client: Client) -> None:
    order = order_in(world, Status.RECEIVED)
    seed_matrix()

    page = client_for(world, client, "dispatcher").get("/orders/desk/dispatch/").content.decode()

    property_x = world.units["property_x"]
    assert "权责清单建议" in page
    assert f'<option value="{property_x.pk}" selected>' in page
    assert order.number in page


def test_dispatching_from_the_desk(world: World, client: Client) -> None:
    order = order_in(world, Status.RECEIVED)
    lead, assist = world.units["property_x"], world.units["cc_a1"]

    response = client_for(world, client, "dispatcher").post(
        f"/orders/desk/dispatch/{order.number}/dispatch/",
        {"lead": lead.pk, "assisting": [assist.pk, lead.pk]},
        headers=HTMX,
    )

    assert "已派单" in response.content.decode()
    order.refresh_from_db()
    assert (order.status, order.lead_unit) == (Status.DISPATCHED, lead)
    assert sorted(a.unit.code for a in order.assignments.all()) == ["cc-a1", "property-x"]


def test_a_returned_order_is_redispatched(world: World, client: Client) -> None:
    order = order_in(world, Status.RETURNED)
    traffic = world.units["dept_traffic"]

    client_for(world, client, "dispatcher").post(
        f"/orders/desk/dispatch/{order.number}/dispatch/", {"lead": traffic.pk}, headers=HTMX
    )

    order.refresh_from_db()
    assert (order.status, order.lead_unit) == (Status.DISPATCHED, traffic)


def test_declining_names_a_statutory_reason(world: World, client: Client) -> None:
    order = order_in(world, Status.RECEIVED)

    client_for(world, client, "dispatcher").post(
        f"/orders/desk/dispatch/{order.number}/decline/",
        {"reason": "internal_affairs", "note": "单位内部人事安排"},
        headers=HTMX,
    )

    order.refresh_from_db()
    assert (order.status, order.decline_reason) == (Status.DECLINED, "internal_affairs")


def test_merging_into_a_duplicate_by_number(world: World, client: Client) -> None:
    original = order_in(world, Status.DISPATCHED)
    duplicate = order_in(world, Status.RECEIVED)

    client_for(world, client, "dispatcher").post(
        f"/orders/desk/dispatch/{duplicate.number}/merge/",
        {"into": original.number},
        headers=HTMX,
    )

    duplicate.refresh_from_db()
    assert (duplicate.status, duplicate.merged_into) == (Status.MERGED, original)


def test_merging_into_an_unknown_number_says_so_and_changes_nothing(
    world: World, client: Client
) -> None:
    order = order_in(world, Status.RECEIVED)

    response = client_for(world, client, "dispatcher").post(
        f"/orders/desk/dispatch/{order.number}/merge/", {"into": "20990101000001"}, headers=HTMX
    )

    assert response.status_code == 400
    assert "要合并到的工单不存在" in response.content.decode()
    order.refresh_from_db()
    assert order.status == Status.RECEIVED


def test_merging_an_order_into_itself_shows_the_domains_message(
    world: World, client: Client
) -> None:
    order = order_in(world, Status.RECEIVED)

    response = client_for(world, client, "dispatcher").post(
        f"/orders/desk/dispatch/{order.number}/merge/", {"into": order.number}, headers=HTMX
    )

    assert "不能合并到自身" in response.content.decode()


def test_an_extension_request_is_approved_from_the_desk(world: World, client: Client) -> None:
    order = order_in(world, Status.CONTACTED)
    services.workorder_extension_request(
        order=order, by=world.person("property_staff_x"), working_days=3, reason="需采购配件"
    )
    extension = ExtensionRequest.objects.get()
    desk = client_for(world, client, "dispatcher")
    assert "需采购配件" in desk.get("/orders/desk/dispatch/?tab=extensions").content.decode()

    desk.post(f"/orders/desk/extensions/{extension.pk}/", {"approve": "yes"}, headers=HTMX)

    extension.refresh_from_db()
    order.refresh_from_db()
    assert (extension.state, order.extended_days) == (ExtensionRequest.State.APPROVED, 3)


def _desk_queries(desk: Client) -> int:
    desk.get("/orders/desk/dispatch/")  # the configuration snapshot is read once per process
    with CaptureQueriesContext(connection) as queries:
        assert desk.get("/orders/desk/dispatch/").status_code == 200
    return len(queries)


def test_the_dispatch_desk_costs_the_same_queries_for_one_card_as_for_a_full_page(
    world: World, client: Client
) -> None:
    seed_matrix()
    desk = client_for(world, client, "dispatcher")
    receive(world)
    one = _desk_queries(desk)
    for _ in range(PAGE_SIZE):
        receive(world)

    # Per page, not per card: the session, the person and the roles; the counts of the two
    # tabs; the category list for every card's form; the orders (with their categories'
    # parents and suggestions joined), their duplicate links and return events. The matrix's
    # rules and the units the cards offer come from the configuration snapshot.
    assert (one, _desk_queries(desk)) == (12, 12)


def _options(page: str, number: str, field: str) -> list[str]:
    """The option texts of one card's unit picker."""
    card = page[page.index(f'id="dispatch-{number}"') :]
    select = card[card.index(f'name="{field}"') :]
    select = select[: select.index("</select>")]
    return re.findall(r"<option[^>]*>([^<]*)</option>", select)


def test_a_desk_card_offers_its_places_units_and_the_districts_not_every_committee(
    world: World, client: Client
) -> None:
    order = receive(world)  # at compound A1, community A1, subdistrict A

    page = client_for(world, client, "dispatcher").get("/orders/desk/dispatch/").content.decode()

    offered = _options(page, order.number, "lead")
    names = {
        name: name in " ".join(offered)
        for name in (
            "安居物业公司",
            "永安里社区居委会",
            "建外街道办事处",  # the order's place
            "区交通委",
            "区住建委",
            "自来水集团",
            "朝外街道办事处",  # district-wide
            "光华里社区居委会",
            "吉庆里社区居委会",
            "12345热线中心",  # elsewhere, or not a handler
        )
    }
    assert names == {
        "安居物业公司": True,
        "永安里社区居委会": True,
        "建外街道办事处": True,
        "区交通委": True,
        "区住建委": True,
        "自来水集团": True,
        "朝外街道办事处": True,
        "光华里社区居委会": False,
        "吉庆里社区居委会": False,
        "12345热线中心": False,
    }
    assert offered[1:4] == [
        "安居物业公司（物业公司）",
        "永安里社区居委会（社区居委会）",
        "建外街道办事处（街道办事处）",
    ]  # the order's own units first
    assert _options(page, order.number, "assisting") == offered[1:]


def test_a_unit_the_card_does_not_list_can_still_be_chosen(world: World, client: Client) -> None:
    order = receive(world)
    elsewhere = world.units["cc_b1"]

    response = client_for(world, client, "dispatcher").post(
        f"/orders/desk/dispatch/{order.number}/dispatch/", {"lead": elsewhere.pk}, headers=HTMX
    )

    order.refresh_from_db()
    assert (response.status_code, order.lead_unit) == (200, elsewhere)


# --- Callback desk --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "status"), [("callback_agent", 200), ("dispatcher", 403), ("operator", 403)]
)
def test_only_callback_agents_use_the_callback_desk(
    world: World, client: Client, name: str, status: int
) -> None:
    assert client_for(world, client, name).get("/orders/desk/callback/").status_code == status


def test_the_callback_desk_lists_resolved_orders_with_the_requester_masked(
    world: World, client: Client
) -> None:
    resolved = order_in(world, Status.RESOLVED)
    handled = order_in(world, Status.CONTACTED)

    page = client_for(world, client, "callback_agent").get("/orders/desk/callback/")

    text = page.content.decode()
    assert (resolved.number in text, handled.number in text) == (True, False)
    assert "139****1234" in text


def test_recording_a_callback(world: World, client: Client) -> None:
    order = order_in(world, Status.RESOLVED)

    response = client_for(world, client, "callback_agent").post(
        f"/orders/desk/callback/{order.number}/",
        {"resolved": "yes", "satisfaction": "basically", "note": "居民表示电梯已恢复"},
        headers=HTMX,
    )

    assert "已记录回访" in response.content.decode()
    order.refresh_from_db()
    assert (order.status, order.satisfaction) == (Status.CALLED_BACK, "basically")


def test_an_unresolved_callback_reopens_the_order(world: World, client: Client) -> None:
    order = order_in(world, Status.RESOLVED)

    client_for(world, client, "callback_agent").post(
        f"/orders/desk/callback/{order.number}/",
        {"resolved": "no", "satisfaction": "unsatisfied"},
        headers=HTMX,
    )

    order.refresh_from_db()
    assert (order.status, order.reopen_count) == (Status.ACCEPTED, 1)


def test_a_callback_without_the_answers_is_sent_back(world: World, client: Client) -> None:
    order = order_in(world, Status.RESOLVED)

    response = client_for(world, client, "callback_agent").post(
        f"/orders/desk/callback/{order.number}/", {"resolved": "yes"}, headers=HTMX
    )

    assert response.status_code == 400
    assert WorkOrder.objects.get(pk=order.pk).status == Status.RESOLVED


def test_an_unanswered_call_is_recorded_and_the_order_stays(world: World, client: Client) -> None:
    order = order_in(world, Status.RESOLVED)

    client_for(world, client, "callback_agent").post(
        f"/orders/desk/callback/{order.number}/", {"unreached": "1"}, headers=HTMX
    )

    order.refresh_from_db()
    assert (order.status, order.callbacks.get().reached) == (Status.RESOLVED, False)
