"""The hotspot pages: who may open them, what each sees, the evidence and the orders behind a
hotspot, and turning it into a proactive work order or a deliberation proposal (once)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client

from gongzhi.deliberation.models import Proposal
from gongzhi.insights.hotspots.models import (
    Hotspot,
    HotspotScan,
    SignalEvent,
    SignalStatus,
    Window,
)
from gongzhi.insights.tests.test_pages_fixtures import (
    AT,
    NOVEMBER,
    file_orders,
    make_cluster,
    make_hotspot,
    signed_in,
)
from gongzhi.testing import World
from gongzhi.workorders.models import Channel, WorkOrder
from gongzhi.workorders.taxonomy import seed_categories

LIST = "/insights/findings/hotspots/"


def page_url(h: Hotspot) -> str:
    return f"{LIST}{h.pk}/"


def act_url(h: Hotspot, action: str) -> str:
    return f"{LIST}{h.pk}/act/{action}/"


@pytest.fixture
def spots(world: World, settings: Any) -> dict[str, Hotspot]:
    """Heating hotspots at compounds A1 (strongest, with its 12 orders), B1 and A2, and a leak
    hotspot at A2; the November scan recorded."""
    settings.GONGZHI_AUTO_DISPATCH = False
    seed_categories()
    file_orders(world, world.compound_a1, n=12)
    HotspotScan.objects.create(
        window=Window.MONTH,
        period_start=NOVEMBER,
        period_end=dt.date(2025, 12, 1),
        scanned_at=AT,
        tested=40,
        flagged=4,
    )
    return {
        "a1": make_hotspot(world.compound_a1, p=1e-9),
        "b1": make_hotspot(world.compound_b1, p=1e-8),
        "a2": make_hotspot(world.compound_a2, p=1e-7),
        "a2_leak": make_hotspot(world.compound_a2, code="heating-leak", p=1e-5),
    }


def listed(page: str) -> list[int]:
    out, start = [], 0
    while (i := page.find('data-hotspot="', start)) != -1:
        i += len('data-hotspot="')
        out.append(int(page[i : page.index('"', i)]))
        start = i
    return out


# --- access and scope ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "status"),
    [
        ("district_staff", 200),
        ("subdistrict_staff_a", 200),
        ("secretary_a1", 200),
        ("social_worker_a1", 200),
        ("property_staff_x", 200),
        ("department_staff_traffic", 200),
        ("dispatcher", 200),
        ("resident_a1", 403),
        ("volunteer_a1", 403),
        ("rider", 403),
    ],
)
def test_staff_open_the_hotspots_citizens_may_not(
    world: World, spots: dict[str, Hotspot], client: Client, name: str, status: int
) -> None:
    client = signed_in(world, client, name)
    assert (client.get(LIST).status_code, client.get(page_url(spots["a1"])).status_code) == (
        status,
        status,
    )


def test_the_pages_ask_anyone_not_signed_in_to_sign_in(
    spots: dict[str, Hotspot], client: Client
) -> None:
    assert client.get(LIST).status_code == 302


@pytest.mark.parametrize(
    ("name", "sees"),
    [
        ("district_staff", ["a1", "b1", "a2", "a2_leak"]),
        ("subdistrict_staff_a", ["a1", "a2", "a2_leak"]),
        ("secretary_a1", ["a1"]),
        ("secretary_b1", ["b1"]),
        ("property_staff_x", ["a1", "b1"]),
    ],
)
def test_each_sees_the_hotspots_of_their_places_strongest_first(
    world: World, spots: dict[str, Hotspot], client: Client, name: str, sees: list[str]
) -> None:
    page = signed_in(world, client, name).get(LIST).content.decode()

    assert listed(page) == [spots[k].pk for k in sees]


def test_a_hotspot_out_of_scope_is_not_found(
    world: World, spots: dict[str, Hotspot], client: Client
) -> None:
    client = signed_in(world, client, "subdistrict_staff_a")

    assert client.get(page_url(spots["b1"])).status_code == 404


def test_the_list_defaults_to_the_month_last_scanned(
    world: World, spots: dict[str, Hotspot], client: Client
) -> None:
    page = signed_in(world, client, "district_staff").get(LIST).content.decode()

    assert ("2025年11月" in page, "最近扫描 2025-12-01" in page) == (True, True)


def test_another_month_has_its_own_hotspots(
    world: World, spots: dict[str, Hotspot], client: Client
) -> None:
    page = signed_in(world, client, "district_staff").get(LIST, {"month": "2025-10"})

    assert (listed(page.content.decode()), "该月尚未扫描" in page.content.decode()) == ([], True)


@pytest.mark.parametrize(
    ("params", "sees"),
    [
        ({"subdistrict": "sd_b"}, ["b1"]),
        ({"category": "heating-leak"}, ["a2_leak"]),
        ({"category": "heating"}, ["a1", "b1", "a2", "a2_leak"]),  # a parent: its children
        ({"status": "acted"}, ["a1"]),
    ],
)
def test_the_filters(
    world: World,
    spots: dict[str, Hotspot],
    client: Client,
    params: dict[str, str],
    sees: list[str],
) -> None:
    from gongzhi.workorders.models import Category

    Hotspot.objects.filter(pk=spots["a1"].pk).update(status=SignalStatus.ACTED)
    query = dict(params)
    if "subdistrict" in query:
        query["subdistrict"] = str(getattr(world, query["subdistrict"]).pk)
    if "category" in query:
        query["category"] = str(Category.objects.get(code=query["category"]).pk)
    page = signed_in(world, client, "district_staff").get(LIST, query).content.decode()

    assert listed(page) == [spots[k].pk for k in sees]


def test_asked_for_the_open_ones_the_list_has_those_that_fell_back_too(
    world: World, spots: dict[str, Hotspot], client: Client
) -> None:
    # B1 fell back under its limit at the last scan and nobody acted on it: not in the default
    # list (what is above its limit now, and what was acted on), but still waiting for someone.
    Hotspot.objects.filter(pk=spots["b1"].pk).update(flagged=False)
    Hotspot.objects.filter(pk=spots["a1"].pk).update(status=SignalStatus.ACTED)
    staff = signed_in(world, client, "district_staff")

    default = staff.get(LIST).content.decode()
    asked_open = staff.get(LIST, {"status": "open"}).content.decode()

    assert listed(default) == [spots[k].pk for k in ("a1", "a2", "a2_leak")]
    assert listed(asked_open) == [spots[k].pk for k in ("b1", "a2", "a2_leak")]
    assert "已回落" in asked_open and "已回落" not in default


@pytest.mark.parametrize(
    ("params", "says"),
    [
        ({"month": "2025-13"}, "月份格式应为"),
        ({"month": "November"}, "月份格式应为"),
        ({"status": "lost"}, "选择一个有效的选项"),
        ({"subdistrict": "999999"}, "选择一个有效的选项"),
    ],
)
def test_a_bad_filter_is_a_clear_error(
    world: World, spots: dict[str, Hotspot], client: Client, params: dict[str, str], says: str
) -> None:
    response = signed_in(world, client, "district_staff").get(LIST, params)
    page = response.content.decode()

    assert (response.status_code, says in page, listed(page)) == (400, True, [])


def test_subdistrict_staff_may_not_filter_to_another_subdistrict(
    world: World, spots: dict[str, Hotspot], client: Client
) -> None:
    response = signed_in(world, client, "subdistrict_staff_a").get(
        LIST, {"subdistrict": world.sd_b.pk}
    )

    assert response.status_code == 400


def test_the_list_costs_a_fixed_number_of_queries(
    world: World,
    spots: dict[str, Hotspot],
    client: Client,
    django_assert_num_queries: Any,
) -> None:
    more = ["water-outage", "power-outage", "gas-fees", "noise-neighbour", "traffic-bikes"]
    for i, code in enumerate(more):  # more rows cost nothing more
        make_hotspot(world.compound_a2, code=code, p=0.01 * (i + 1))
    client = signed_in(world, client, "subdistrict_staff_a")
    client.get(LIST)

    # session, user, scope memberships, subdistrict choices, categories, the latest scan,
    # the count and the page of hotspots, the navigation's memberships.
    with django_assert_num_queries(9):
        client.get(LIST)


# --- the hotspot's page -------------------------------------------------------------------


def test_the_page_shows_the_evidence_as_a_series_against_the_band(
    world: World, spots: dict[str, Hotspot], client: Client
) -> None:
    page = signed_in(world, client, "secretary_a1").get(page_url(spots["a1"])).content.decode()

    chart = page[page.index('id="hotspot-chart"') : page.index("</svg>")]
    # Ten baseline months and this one, the band from the expected count to the limit.
    assert (chart.count('class="bar'), chart.count('class="bar current"')) == (11, 1)
    assert ('class="band"' in chart, 'class="limit"' in chart, 'class="mean"' in chart) == (
        True,
        True,
        True,
    )
    assert "本期 12 件，预期约 3.2 件，控制上限 9 件" in chart


def test_the_page_lists_the_orders_behind_it_masked_and_linked(
    world: World, spots: dict[str, Hotspot], client: Client
) -> None:
    page = signed_in(world, client, "secretary_a1").get(page_url(spots["a1"])).content.decode()

    orders = page[page.index('id="hotspot-orders"') :]
    numbers = list(
        WorkOrder.objects.filter(compound=world.compound_a1).values_list("number", flat=True)
    )
    assert all(f'href="/orders/{n}/"' in orders for n in numbers)
    assert ("张三丰" in page, "13912341234" in page, "13800138000" in page) == (
        False,
        False,
        False,
    )
    assert ("张**" in orders, "139****1234" in orders, "138****8000" in orders) == (
        True,
        True,
        True,
    )


def test_the_page_lists_its_clusters(
    world: World, spots: dict[str, Hotspot], client: Client
) -> None:
    cluster = make_cluster(list(WorkOrder.objects.filter(compound=world.compound_a1)[:5]))

    page = signed_in(world, client, "secretary_a1").get(page_url(spots["a1"])).content.decode()

    section = page[page.index('id="hotspot-clusters"') :]
    assert f'href="/insights/findings/clusters/{cluster.pk}/"' in section


def test_the_page_costs_a_bounded_number_of_queries(
    world: World,
    spots: dict[str, Hotspot],
    client: Client,
    django_assert_max_num_queries: Any,
) -> None:
    client = signed_in(world, client, "secretary_a1")

    with django_assert_max_num_queries(14):
        client.get(page_url(spots["a1"]))


# --- actions ------------------------------------------------------------------------------


def test_it_becomes_a_proactive_order_once(
    world: World, spots: dict[str, Hotspot], client: Client
) -> None:
    client = signed_in(world, client, "secretary_a1")
    h = spots["a1"]

    first = client.post(act_url(h, "order"), {"urgency": "normal", "description": ""})
    second = client.post(act_url(h, "order"), {"urgency": "normal"}, follow=True)

    orders = WorkOrder.objects.filter(channel=Channel.PROACTIVE)
    assert (first.status_code, first["Location"], orders.count()) == (302, page_url(h), 1)
    h.refresh_from_db()
    assert (h.work_order_id, h.status) == (orders.get().pk, SignalStatus.ACTED)
    page = second.content.decode()
    assert "未重复创建" in page
    assert f'id="signal-order" href="/orders/{orders.get().number}/"' in page


def test_the_created_order_is_linked_on_the_page(
    world: World, spots: dict[str, Hotspot], client: Client
) -> None:
    client = signed_in(world, client, "secretary_a1")
    page = client.post(
        act_url(spots["a1"], "order"),
        {"urgency": "urgent", "description": "请物业和供热站排查A1小区管网"},
        follow=True,
    ).content.decode()

    order = WorkOrder.objects.get(channel=Channel.PROACTIVE)
    assert (order.description, order.urgency) == ("请物业和供热站排查A1小区管网", "urgent")
    assert "已转为主动治理工单" in page and f'href="/orders/{order.number}/"' in page


def test_it_goes_to_deliberation_once(
    world: World, spots: dict[str, Hotspot], client: Client
) -> None:
    client = signed_in(world, client, "secretary_a1")
    h = spots["a1"]

    client.post(act_url(h, "proposal"), {"title": "", "body": ""})
    page = client.post(act_url(h, "proposal"), {"title": "再提一次"}, follow=True)

    proposal = Proposal.objects.get()
    h.refresh_from_db()
    assert (h.proposal_id, proposal.work_orders.count()) == (proposal.pk, 12)
    assert "未重复提交" in page.content.decode()
    assert f"#proposal-{proposal.pk}" in page.content.decode()


def test_deliberation_refusing_is_shown_and_nothing_is_written(
    world: World, spots: dict[str, Hotspot], client: Client
) -> None:
    # The property company sees its compound's hotspot, but only the community's or the
    # subdistrict's staff may put one forward for deliberation.
    response = signed_in(world, client, "property_staff_x").post(
        act_url(spots["a1"], "proposal"), {"title": "供暖"}
    )

    assert response.status_code == 403
    assert "提交议事：" in response.content.decode()
    assert (Proposal.objects.count(), SignalEvent.objects.count()) == (0, 0)


def test_a_dismissal_without_a_reason_is_refused_and_nothing_is_written(
    world: World, spots: dict[str, Hotspot], client: Client
) -> None:
    response = signed_in(world, client, "subdistrict_staff_a").post(
        act_url(spots["a1"], "dismiss"), {"reason": "  "}
    )

    page = response.content.decode()
    assert (response.status_code, "请填写忽略理由" in page, 'id="action-error"' in page) == (
        400,
        True,
        True,
    )
    spots["a1"].refresh_from_db()
    assert (spots["a1"].status, SignalEvent.objects.count()) == (SignalStatus.OPEN, 0)


def test_a_dismissed_hotspot_cannot_become_an_order(
    world: World, spots: dict[str, Hotspot], client: Client
) -> None:
    client = signed_in(world, client, "subdistrict_staff_a")
    client.post(act_url(spots["a1"], "dismiss"), {"reason": "供热管网检修，已公告"})

    response = client.post(act_url(spots["a1"], "order"), {"urgency": "normal"})

    assert (response.status_code, "该热点已忽略" in response.content.decode()) == (409, True)
    assert WorkOrder.objects.filter(channel=Channel.PROACTIVE).count() == 0


def test_a_bad_urgency_is_a_clear_error(
    world: World, spots: dict[str, Hotspot], client: Client
) -> None:
    response = signed_in(world, client, "secretary_a1").post(
        act_url(spots["a1"], "order"), {"urgency": "yesterday"}
    )

    assert (response.status_code, "请检查填写的内容" in response.content.decode()) == (400, True)
    assert WorkOrder.objects.filter(channel=Channel.PROACTIVE).count() == 0


@pytest.mark.parametrize(
    ("name", "status"), [("secretary_b1", 404), ("resident_a1", 403), ("rider", 403)]
)
def test_those_who_may_not_act_write_nothing(
    world: World, spots: dict[str, Hotspot], client: Client, name: str, status: int
) -> None:
    response = signed_in(world, client, name).post(
        act_url(spots["a1"], "order"), {"urgency": "normal"}
    )

    assert (response.status_code, WorkOrder.objects.filter(channel=Channel.PROACTIVE).count()) == (
        status,
        0,
    )


def test_an_action_needs_the_csrf_token(world: World, spots: dict[str, Hotspot]) -> None:
    client = signed_in(world, Client(enforce_csrf_checks=True), "secretary_a1")

    response = client.post(act_url(spots["a1"], "order"), {"urgency": "normal"})

    assert (response.status_code, WorkOrder.objects.filter(channel=Channel.PROACTIVE).count()) == (
        403,
        0,
    )


def test_the_action_forms_carry_the_csrf_token(
    world: World, spots: dict[str, Hotspot], client: Client
) -> None:
    page = signed_in(world, client, "secretary_a1").get(page_url(spots["a1"])).content.decode()

    actions = page[page.index('id="signal-actions"') :]
    assert actions.count("csrfmiddlewaretoken") == 3  # order, proposal, dismiss


def test_an_unknown_action_or_a_get_is_refused(
    world: World, spots: dict[str, Hotspot], client: Client
) -> None:
    client = signed_in(world, client, "secretary_a1")

    assert (
        client.post(act_url(spots["a1"], "explode")).status_code,
        client.get(act_url(spots["a1"], "order")).status_code,
    ) == (404, 405)
