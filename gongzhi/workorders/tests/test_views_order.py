"""The order page: who sees it, which actions it offers, how an action and a domain error come
back, the requester's contact data, photos and whistles."""

from __future__ import annotations

import base64
import re
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from gongzhi.testing import World
from gongzhi.workorders import services
from gongzhi.workorders.models import RevealLog, Status, WhistleCall, WorkOrder
from gongzhi.workorders.tests.factories import order_in, receive

HTMX = {"HX-Request": "true"}


def client_for(world: World, client: Client, name: str) -> Client:
    client.force_login(world.person(name))
    return client


def page_of(client: Client, order: WorkOrder) -> str:
    return client.get(f"/orders/{order.number}/").content.decode()


def act(client: Client, order: WorkOrder, action: str, **fields: str) -> Any:
    data = {f"{action}-{name}": value for name, value in fields.items()}
    return client.post(f"/orders/{order.number}/act/{action}/", data, headers=HTMX)


@pytest.mark.parametrize(
    ("name", "status"),
    [
        ("property_staff_x", 200),  # the lead unit
        ("secretary_a1", 200),  # the order's community
        ("subdistrict_staff_a", 200),  # the order's subdistrict
        ("dispatcher", 200),
        ("secretary_b1", 404),  # another community
        ("department_staff_traffic", 404),  # neither dispatched nor whistled to it
        ("resident_a1", 404),  # not the requester
    ],
)
def test_who_may_open_the_order_page(world: World, client: Client, name: str, status: int) -> None:
    order = order_in(world, Status.DISPATCHED)

    assert client_for(world, client, name).get(f"/orders/{order.number}/").status_code == status


def test_the_lead_unit_is_offered_accept_and_return_only(world: World, client: Client) -> None:
    order = order_in(world, Status.DISPATCHED)

    page = page_of(client_for(world, client, "property_staff_x"), order)

    offered = {
        a
        for a in ("accept", "return", "contact", "resolve", "dispatch")
        if f'data-action="{a}"' in page
    }
    assert offered == {"accept", "return"}


def test_the_community_watching_the_order_is_offered_nothing(world: World, client: Client) -> None:
    order = order_in(world, Status.DISPATCHED)

    page = page_of(client_for(world, client, "secretary_a1"), order)

    assert "当前没有您可以进行的操作" in page


def test_accepting_re_renders_the_page_body_with_the_new_status(
    world: World, client: Client
) -> None:
    order = order_in(world, Status.DISPATCHED)

    response = act(client_for(world, client, "property_staff_x"), order, "accept")

    page = response.content.decode()
    assert page.lstrip().startswith('<div id="order-body">')
    assert "已签收" in page
    order.refresh_from_db()
    assert order.status == Status.ACCEPTED


def test_resolving_needs_feedback_for_the_requester(world: World, client: Client) -> None:
    order = order_in(world, Status.CONTACTED)

    response = act(client_for(world, client, "property_staff_x"), order, "resolve", feedback="")

    assert response.status_code == 400
    order.refresh_from_db()
    assert order.status == Status.CONTACTED


def test_a_transition_the_status_does_not_allow_is_shown_as_the_domains_message(
    world: World, client: Client
) -> None:
    order = order_in(world, Status.DISPATCHED)

    # Not offered on the page, but posted anyway (a stale page, a second tab).
    response = act(client_for(world, client, "property_staff_x"), order, "contact", note="已联系")

    assert response.status_code == 409
    assert "当前状态下不能进行此操作" in response.content.decode()


def test_a_person_the_rules_do_not_allow_gets_the_domains_message(
    world: World, client: Client
) -> None:
    order = order_in(world, Status.DISPATCHED)

    response = act(client_for(world, client, "secretary_a1"), order, "accept")

    assert response.status_code == 400
    assert "您无权进行此操作" in response.content.decode()
    order.refresh_from_db()
    assert order.status == Status.DISPATCHED


def test_after_a_return_the_unit_sees_the_order_returned_with_nothing_left_to_do(
    world: World, client: Client
) -> None:
    order = order_in(world, Status.DISPATCHED)

    response = act(
        client_for(world, client, "property_staff_x"), order, "return", reason="不属于物业职责"
    )

    page = response.content.decode()
    assert ("已退回派单员" in page, "当前没有您可以进行的操作" in page) == (True, True)
    order.refresh_from_db()
    assert order.status == Status.RETURNED


def test_an_unknown_action_is_a_404(world: World, client: Client) -> None:
    order = order_in(world, Status.DISPATCHED)

    assert act(client_for(world, client, "property_staff_x"), order, "teleport").status_code == 404


def test_the_requester_is_masked_on_the_page(world: World, client: Client) -> None:
    order = order_in(world, Status.DISPATCHED)

    page = page_of(client_for(world, client, "property_staff_x"), order)

    assert "139****1234" in page
    assert "13912341234" not in page


def test_revealing_the_requester_shows_the_phone_and_is_logged(
    world: World, client: Client
) -> None:
    order = order_in(world, Status.ACCEPTED)
    staff = client_for(world, client, "property_staff_x")

    response = staff.post(f"/orders/{order.number}/reveal/", {"purpose": "contact"}, headers=HTMX)

    assert "13912341234" in response.content.decode()
    log = RevealLog.objects.get()
    assert (log.person, log.purpose) == (world.person("property_staff_x"), "联系诉求人办理")
    assert "property_staff_x" in page_of(staff, order)  # who revealed, on the page


def test_reveal_is_refused_to_those_the_domain_does_not_allow(world: World, client: Client) -> None:
    order = order_in(world, Status.ACCEPTED)

    response = client_for(world, client, "secretary_a1").post(
        f"/orders/{order.number}/reveal/", {"purpose": "contact"}, headers=HTMX
    )

    assert response.status_code == 403
    assert "13912341234" not in response.content.decode()
    assert not RevealLog.objects.exists()


def test_photos_are_served_to_those_who_see_the_order_only(
    world: World, client: Client, settings: Any, tmp_path: Any
) -> None:
    settings.MEDIA_ROOT = str(tmp_path)
    png = base64.b64decode(
        "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg=="
    )
    order = receive(world, photos=[SimpleUploadedFile("a.png", png, content_type="image/png")])
    url = f"/orders/{order.number}/photos/1/"

    seen = client_for(world, client, "secretary_a1").get(url)
    hidden = Client()
    hidden.force_login(world.person("secretary_b1"))

    assert (seen.status_code, seen["Content-Type"]) == (200, "image/png")
    assert hidden.get(url).status_code == 404


def test_the_subdistrict_whistles_and_the_department_reports_in(
    world: World, client: Client
) -> None:
    order = order_in(world, Status.ACCEPTED, lead="so_a")
    response = act(
        client_for(world, client, "subdistrict_staff_a"),
        order,
        "whistle",
        departments=str(world.units["dept_traffic"].pk),
        note="占道停车需交通部门执法",
    )
    assert response.status_code == 200
    call = WhistleCall.objects.get()

    department = Client()
    department.force_login(world.person("department_staff_traffic"))
    department.post(
        f"/orders/{order.number}/whistle/{call.pk}/report/",
        {f"w{call.pk}-note": "已到现场"},
        headers=HTMX,
    )

    call.refresh_from_db()
    assert call.state == WhistleCall.State.REPORTED


def test_the_timeline_shows_every_event(world: World, client: Client) -> None:
    order = order_in(world, Status.CONTACTED)

    page = page_of(client_for(world, client, "property_staff_x"), order)

    assert [k for k in ("受理", "派单", "签收", "联系诉求人") if k in page] == [
        "受理",
        "派单",
        "签收",
        "联系诉求人",
    ]
    assert "已电话联系" in page  # the contact note


def test_the_timeline_shows_the_requesters_own_rating_as_the_callback(
    world: World, client: Client
) -> None:
    order = order_in(world, Status.RESOLVED)
    services.workorder_requester_rate(
        order=order, phone="13912341234", resolved=True, satisfaction="basically", note="还行"
    )

    page = page_of(client_for(world, client, "property_staff_x"), order)

    timeline = page[page.index('id="timeline"') :]
    assert "回访（诉求人网上评价）" in timeline
    assert "诉求人" in timeline and "还行" in timeline
    assert "诉求人网上评价" in page[: page.index('id="timeline"')]  # the callback record


def test_the_page_costs_a_bounded_number_of_queries(
    world: World, client: Client, django_assert_max_num_queries: Any
) -> None:
    order = order_in(world, Status.CONTACTED)
    services.workorder_extension_request(
        order=order, by=world.person("property_staff_x"), working_days=2, reason="需采购配件"
    )
    staff = client_for(world, client, "property_staff_x")

    with django_assert_max_num_queries(17):
        staff.get(f"/orders/{order.number}/")


def test_the_extension_decision_is_offered_only_while_a_request_is_pending(
    world: World, client: Client
) -> None:
    order = order_in(world, Status.CONTACTED)
    dispatcher = client_for(world, client, "dispatcher")
    before = page_of(dispatcher, order)
    services.workorder_extension_request(
        order=order, by=world.person("property_staff_x"), working_days=2, reason="需采购配件"
    )

    after = page_of(dispatcher, order)

    marker = 'data-action="extension_decide"'
    assert (marker in before, marker in after) == (False, True)


def test_the_dispatcher_approves_an_extension_on_the_order_page(
    world: World, client: Client
) -> None:
    order = order_in(world, Status.CONTACTED)
    services.workorder_extension_request(
        order=order, by=world.person("property_staff_x"), working_days=2, reason="需采购配件"
    )

    act(client_for(world, client, "dispatcher"), order, "extension_decide", approve="yes")

    order.refresh_from_db()
    assert order.extended_days == 2


def test_an_assisting_unit_reports_its_part(world: World, client: Client) -> None:
    order = receive(world)
    services.workorder_dispatch(
        order=order,
        by=world.person("dispatcher"),
        lead=world.units["property_x"],
        assisting=[world.units["cc_a1"]],
    )
    order = services.workorder_accept(order=order, by=world.person("property_staff_x"))
    secretary = client_for(world, client, "secretary_a1")
    assert 'data-action="assist_done"' in page_of(secretary, order)

    act(secretary, order, "assist_done", note="已协调业主代表")

    assignment = order.assignments.get(unit=world.units["cc_a1"])
    assert assignment.state == "done"


def test_without_htmx_an_action_redirects_to_the_page_with_a_flash(
    world: World, client: Client
) -> None:
    order = order_in(world, Status.DISPATCHED)

    response = client_for(world, client, "property_staff_x").post(
        f"/orders/{order.number}/act/accept/", follow=True
    )

    assert response.redirect_chain[-1][0] == f"/orders/{order.number}/"
    assert "已签收" in response.content.decode()


def test_the_dispatch_form_lists_the_orders_own_units_first_then_every_unit_by_kind(
    world: World, client: Client
) -> None:
    order = order_in(world, Status.RECEIVED)  # at compound A1

    page = page_of(client_for(world, client, "dispatcher"), order)

    select = page[page.index('name="dispatch-lead"') :]
    select = select[: select.index("</select>")]
    groups = re.findall(r'<optgroup label="([^"]+)">', select)
    assert groups == ["本地单位", "街道办事处", "社区居委会", "区委办局", "公共服务企业"]
    own = select[select.index('label="本地单位"') : select.index('label="街道办事处"')]
    assert ["安居物业公司" in own, "永安里社区居委会" in own, "建外街道办事处" in own] == [True] * 3
    # Every other handling unit is offered too, once; the hotline centre is not a handler.
    elsewhere = select[select.index('label="社区居委会"') :]
    assert "吉庆里社区居委会" in elsewhere and "永安里社区居委会" not in elsewhere
    assert "12345热线中心" not in select
