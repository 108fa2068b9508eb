"""The native JSON API at /api/v1/: who may call, what a refusal looks like, and that each
action reaches the one service for it."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client

from gongzhi.open311.services import apikey_issue
from gongzhi.open311.tests.factories import make_client
from gongzhi.testing import PASSWORD, World
from gongzhi.workorders.models import RevealLog, Status, WorkOrder
from gongzhi.workorders.tests.factories import category, order_in

pytestmark = pytest.mark.django_db


def login(world: World, name: str, *, csrf: bool = False) -> Client:
    client = Client(enforce_csrf_checks=csrf)
    assert client.login(username=name, password=PASSWORD)
    return client


def post(client: Client, path: str, data: dict[str, Any] | None = None, **kw: Any) -> Any:
    return client.post(
        f"/api/v1/{path}", json.dumps(data or {}), content_type="application/json", **kw
    )


def body(response: Any) -> Any:
    return json.loads(response.content)


# --- reading ----------------------------------------------------------------------------------


def test_the_list_shows_only_the_orders_the_caller_may_see(world: World) -> None:
    in_a1 = order_in(world, Status.RECEIVED)  # compound A1
    in_b1 = order_in(world, Status.RECEIVED, lng=116.60, lat=39.95)  # compound B1
    numbers_a1 = {o["number"] for o in body(login(world, "secretary_a1").get("/api/v1/orders"))}
    numbers_b1 = {o["number"] for o in body(login(world, "secretary_b1").get("/api/v1/orders"))}
    assert numbers_a1 == {in_a1.number}
    assert numbers_b1 == {in_b1.number}


def test_the_list_filters_by_status(world: World) -> None:
    order_in(world, Status.RECEIVED)
    accepted = order_in(world, Status.ACCEPTED)
    rows = body(login(world, "dispatcher").get("/api/v1/orders?status=accepted,contacted"))
    assert [o["number"] for o in rows] == [accepted.number]


def test_the_list_refuses_an_unknown_status(world: World) -> None:
    response = login(world, "dispatcher").get("/api/v1/orders?status=lost")
    assert response.status_code == 400
    assert body(response)["error"]["code"] == "invalid_input"
    assert "status" in body(response)["error"]["details"]


def test_the_list_costs_a_fixed_number_of_queries(
    world: World, django_assert_num_queries: Any
) -> None:
    for _ in range(3):
        order_in(world, Status.DISPATCHED)
    client = login(world, "secretary_a1")
    # session, user, memberships with units, the orders with their relations
    with django_assert_num_queries(4):
        response = client.get("/api/v1/orders")
    assert len(body(response)) == 3


def test_one_order_comes_with_its_timeline_and_a_masked_requester(world: World) -> None:
    order = order_in(world, Status.ACCEPTED)
    detail = body(login(world, "property_staff_x").get(f"/api/v1/orders/{order.number}"))
    assert [e["kind"] for e in detail["timeline"]] == ["received", "dispatched", "accepted"]
    assert detail["requester"] == {"name": "张**", "phone": "139****1234"}
    assert "contact" in detail["available_actions"]
    assert detail["received_at"].endswith("+08:00")


def test_an_order_the_caller_may_not_see_is_a_404(world: World) -> None:
    order = order_in(world, Status.RECEIVED)
    response = login(world, "secretary_b1").get(f"/api/v1/orders/{order.number}")
    assert response.status_code == 404
    assert body(response)["error"]["code"] == "not_found"


def test_a_caller_without_a_session_or_key_is_a_401(world: World) -> None:
    response = Client().get("/api/v1/orders")
    assert response.status_code == 401
    assert body(response)["error"]["code"] == "not_authenticated"


# --- acting -----------------------------------------------------------------------------------


def test_the_lead_unit_accepts_a_dispatched_order(world: World) -> None:
    order = order_in(world, Status.DISPATCHED)
    response = post(login(world, "property_staff_x"), f"orders/{order.number}/accept")
    assert response.status_code == 200
    assert body(response)["status"] == "accepted"
    order.refresh_from_db()
    assert order.status == Status.ACCEPTED


def test_a_handler_may_not_dispatch(world: World) -> None:
    order = order_in(world, Status.RECEIVED)
    response = post(
        login(world, "property_staff_x"), f"orders/{order.number}/dispatch", {"lead": "property-x"}
    )
    assert response.status_code == 403
    assert body(response)["error"]["code"] == "not_permitted"
    order.refresh_from_db()
    assert order.status == Status.RECEIVED


def test_a_transition_the_status_does_not_allow_is_a_409(world: World) -> None:
    order = order_in(world, Status.ACCEPTED)
    response = post(
        login(world, "dispatcher"), f"orders/{order.number}/dispatch", {"lead": "cc-a1"}
    )
    assert response.status_code == 409
    assert body(response)["error"]["code"] == "transition_not_allowed"
    order.refresh_from_db()
    assert order.status == Status.ACCEPTED


def test_the_dispatcher_dispatches_to_units_named_by_code(world: World) -> None:
    order = order_in(world, Status.RECEIVED)
    response = post(
        login(world, "dispatcher"),
        f"orders/{order.number}/dispatch",
        {"lead": "property-x", "assisting": ["cc-a1"]},
    )
    assert response.status_code == 200
    detail = body(response)
    assert detail["lead_unit"] == {"code": "property-x", "name": "安居物业公司"}
    assert {a["unit"]["code"]: a["role"] for a in detail["assignments"]} == {
        "property-x": "lead",
        "cc-a1": "assist",
    }


def test_an_unknown_unit_code_is_refused_and_nothing_changes(world: World) -> None:
    order = order_in(world, Status.RECEIVED)
    response = post(
        login(world, "dispatcher"), f"orders/{order.number}/dispatch", {"lead": "nobody"}
    )
    assert response.status_code == 400
    assert body(response)["error"]["details"] == {"lead": "未知的单位代码：nobody"}
    order.refresh_from_db()
    assert order.status == Status.RECEIVED


def test_a_body_missing_a_required_field_is_refused(world: World) -> None:
    order = order_in(world, Status.CONTACTED)
    response = post(login(world, "property_staff_x"), f"orders/{order.number}/resolve", {})
    assert response.status_code == 400
    assert body(response)["error"]["details"] == {"feedback": "必填"}


def test_a_body_that_is_not_json_is_refused(world: World) -> None:
    order = order_in(world, Status.CONTACTED)
    response = login(world, "property_staff_x").post(
        f"/api/v1/orders/{order.number}/resolve", "feedback=done", content_type="application/json"
    )
    assert response.status_code == 400
    assert body(response)["error"]["code"] == "invalid_json"


def test_get_on_an_action_is_a_405(world: World) -> None:
    order = order_in(world, Status.DISPATCHED)
    response = login(world, "property_staff_x").get(f"/api/v1/orders/{order.number}/accept")
    assert response.status_code == 405


def test_the_whole_line_runs_through_the_api(world: World) -> None:
    order = order_in(world, Status.DISPATCHED)
    handler = login(world, "property_staff_x")
    path = f"orders/{order.number}"
    assert post(handler, f"{path}/accept").status_code == 200
    assert post(handler, f"{path}/contact", {"note": "已电话联系"}).status_code == 200
    assert post(handler, f"{path}/resolve", {"feedback": "电梯已修复"}).status_code == 200
    agent = login(world, "callback_agent")
    response = post(
        agent,
        f"{path}/callback",
        {"resolved": True, "satisfaction": "satisfied", "close": True},
    )
    assert body(response)["status"] == "closed"
    assert body(response)["satisfaction"] == "satisfied"


def test_a_subdistrict_whistles_and_the_department_reports_in(world: World) -> None:
    order = order_in(world, Status.ACCEPTED, lead="so_a")
    path = f"orders/{order.number}"
    called = post(
        login(world, "subdistrict_staff_a"), f"{path}/whistle", {"departments": ["dept-traffic"]}
    )
    assert called.status_code == 200
    (call,) = body(called)["whistle_calls"]
    reported = post(
        login(world, "department_staff_traffic"),
        f"{path}/whistles/{call['id']}/report-in",
        {"note": "已到现场"},
    )
    assert reported.status_code == 200
    assert body(reported)["whistle_calls"][0]["state"] == "reported"


def test_the_requester_is_revealed_to_the_operator_and_the_reveal_is_logged(
    world: World,
) -> None:
    order = order_in(world, Status.RECEIVED)
    response = post(
        login(world, "operator"), f"orders/{order.number}/reveal-requester", {"purpose": "回拨核实"}
    )
    assert body(response) == {"name": "张三丰", "phone": "13912341234"}
    assert RevealLog.objects.get().purpose == "回拨核实"


def test_a_resident_may_not_reveal_a_requester(world: World) -> None:
    order = order_in(world, Status.RECEIVED)
    response = post(
        login(world, "secretary_a1"),
        f"orders/{order.number}/reveal-requester",
        {"purpose": "好奇"},
    )
    assert response.status_code == 403
    assert not RevealLog.objects.exists()


def test_merge_names_the_original_by_number(world: World) -> None:
    original = order_in(world, Status.RECEIVED)
    duplicate = order_in(world, Status.RECEIVED)
    response = post(
        login(world, "dispatcher"), f"orders/{duplicate.number}/merge", {"into": original.number}
    )
    assert body(response)["status"] == "merged"
    assert body(response)["merged_into"] == original.number


# --- intake -----------------------------------------------------------------------------------


def intake_body() -> dict[str, Any]:
    category()
    return {
        "channel": "hotline",
        "kind": "complaint",
        "category": "property-elevator",
        "description": "电梯停运",
        "lng": 116.35,
        "lat": 39.95,
        "requester_name": "李四",
        "requester_phone": "13800000000",
        "auto_dispatch": False,
    }


def test_the_operator_files_an_order(world: World) -> None:
    response = post(login(world, "operator"), "orders", intake_body())
    assert response.status_code == 201
    assert body(response)["status"] == "received"
    assert body(response)["requester"] == {"name": "李*", "phone": "138****0000"}


def test_the_same_idempotency_key_twice_gives_one_order(world: World) -> None:
    client = login(world, "operator")
    first = post(client, "orders", intake_body(), headers={"Idempotency-Key": "call-1"})
    again = post(client, "orders", intake_body(), headers={"Idempotency-Key": "call-1"})
    assert body(first)["number"] == body(again)["number"]
    assert WorkOrder.objects.count() == 1


def test_intake_outside_the_district_is_refused_and_nothing_stored(world: World) -> None:
    response = post(login(world, "operator"), "orders", {**intake_body(), "lng": 118.0})
    assert response.status_code == 400
    assert body(response)["error"]["code"] == "outside_district"
    assert not WorkOrder.objects.exists()


@pytest.mark.parametrize("text", ["电梯\x00停运", "电梯\ud800停运"])
def test_intake_text_no_database_can_keep_is_refused_and_nothing_stored(
    world: World, text: str
) -> None:
    # JSON can carry a NUL and a lone UTF-16 surrogate ("\\u0000", "\\ud800"); neither can be
    # stored as text: a clear 400, not a server error.
    response = post(login(world, "operator"), "orders", {**intake_body(), "description": text})
    assert response.status_code == 400
    assert body(response)["error"]["code"] == "invalid_input"
    assert not WorkOrder.objects.exists()


def test_a_resident_may_not_file_on_the_hotline_channel(world: World) -> None:
    response = post(login(world, "resident_a1"), "orders", intake_body())
    assert response.status_code == 403
    assert not WorkOrder.objects.exists()


# --- CSRF and API keys ------------------------------------------------------------------------


def test_a_session_post_without_the_csrf_token_is_refused(world: World) -> None:
    order = order_in(world, Status.DISPATCHED)
    client = login(world, "property_staff_x", csrf=True)
    response = post(client, f"orders/{order.number}/accept")
    assert response.status_code == 403
    assert body(response)["error"]["code"] == "csrf_failed"
    order.refresh_from_db()
    assert order.status == Status.DISPATCHED


def test_a_session_post_with_the_csrf_token_goes_through(world: World) -> None:
    order = order_in(world, Status.DISPATCHED)
    client = Client(enforce_csrf_checks=True)
    client.get("/accounts/login/")  # a page with a form sets the CSRF cookie, as in a browser
    assert client.login(username="property_staff_x", password=PASSWORD)
    token = client.cookies["csrftoken"].value
    response = post(client, f"orders/{order.number}/accept", headers={"X-CSRFToken": token})
    assert response.status_code == 200


def test_a_system_with_a_key_acts_as_its_person_without_csrf(world: World) -> None:
    _, key = apikey_issue(client=make_client(acts_as=world.person("dispatcher")))
    order = order_in(world, Status.RECEIVED)
    client = Client(enforce_csrf_checks=True)
    response = post(
        client,
        f"orders/{order.number}/dispatch",
        {"lead": "property-x"},
        headers={"Authorization": f"Bearer {key}"},
    )
    assert response.status_code == 200
    assert body(response)["timeline"][-1]["actor"] == "dispatcher"


def test_a_wrong_key_is_a_403(world: World) -> None:
    response = Client().get("/api/v1/orders", headers={"X-Api-Key": "gz_00000000_" + "x" * 43})
    assert response.status_code == 403
    assert body(response)["error"]["code"] == "invalid_api_key"


def test_a_key_of_a_client_acting_as_nobody_is_a_403(world: World) -> None:
    _, key = apikey_issue(client=make_client())
    response = Client().get("/api/v1/orders", headers={"Authorization": f"Bearer {key}"})
    assert response.status_code == 403
    assert body(response)["error"]["code"] == "client_not_allowed"


# --- the description ---------------------------------------------------------------------------


def test_the_openapi_document_is_valid_openapi_3_1(world: World) -> None:
    from openapi_spec_validator import validate

    response = Client().get("/api/v1/openapi.json")
    document = body(response)
    validate(document)
    assert document["openapi"] == "3.1.0"
    assert "/orders/{number}/accept" in document["paths"]


def test_every_route_is_in_the_openapi_document(world: World) -> None:
    from gongzhi.workorders.api.views import ENDPOINTS

    document = body(Client().get("/api/v1/openapi.json"))
    operations = {op["operationId"] for item in document["paths"].values() for op in item.values()}
    assert operations == {e.name for e in ENDPOINTS}


def test_an_extension_is_asked_and_approved(world: World) -> None:
    order = order_in(world, Status.ACCEPTED)
    path = f"orders/{order.number}"
    asked = post(
        login(world, "property_staff_x"),
        f"{path}/extension-request",
        {"working_days": 3, "reason": "需更换电梯主板，厂家供货"},
    )
    assert body(asked)["extensions"][0]["state"] == "pending"
    decided = post(login(world, "dispatcher"), f"{path}/extension-decide", {"approve": True})
    assert body(decided)["extensions"][0]["state"] == "approved"


def test_a_system_files_under_its_own_source(world: World) -> None:
    _, key = apikey_issue(client=make_client(code="callcentre", acts_as=world.person("operator")))
    response = post(Client(), "orders", intake_body(), headers={"Authorization": f"Bearer {key}"})
    assert response.status_code == 201
    assert WorkOrder.objects.get().source == "api:callcentre"


def test_an_assisting_unit_reports_its_part(world: World) -> None:
    order = order_in(world, Status.RECEIVED)
    dispatcher = login(world, "dispatcher")
    post(
        dispatcher,
        f"orders/{order.number}/dispatch",
        {"lead": "property-x", "assisting": ["cc-a1"]},
    )
    post(login(world, "property_staff_x"), f"orders/{order.number}/accept")
    response = post(
        login(world, "secretary_a1"), f"orders/{order.number}/assist-done", {"note": "已协调居民"}
    )
    assert response.status_code == 200
    states = {a["unit"]["code"]: a["state"] for a in body(response)["assignments"]}
    assert states["cc-a1"] == "done"
