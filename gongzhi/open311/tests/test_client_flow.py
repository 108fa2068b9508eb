"""An ordinary GeoReport v2 client: list services, post a request, read it back."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from typing import Any

import pytest
from django.db import connection
from django.test import Client

from gongzhi.workorders.models import Status, WorkOrder

pytestmark = pytest.mark.django_db

POINT_IN_COMPOUND_A1 = {"lat": "39.95", "long": "116.35"}


def post_request(
    client: Client,
    api_key: str,
    fmt: str = "json",
    headers: dict[str, str] | None = None,
    **fields: Any,
) -> Any:
    data = {
        "api_key": api_key,
        "service_code": "property-elevator",
        "description": "3号楼电梯停运两天，老人无法下楼",
        **POINT_IN_COMPOUND_A1,
        **fields,
    }
    return client.post(f"/open311/v2/requests.{fmt}", data, headers=headers or {})


def test_services_lists_leaf_categories_with_their_group(client: Client, api_key: str) -> None:
    services = json.loads(client.get("/open311/v2/services.json").content)
    by_code = {s["service_code"]: s for s in services}
    assert by_code["property-elevator"]["group"] == "物业管理"
    assert by_code["property-elevator"]["type"] == "realtime"
    assert "property" not in by_code  # a group, not a service


def test_services_in_xml_is_a_list_of_service_elements(client: Client, api_key: str) -> None:
    response = client.get("/open311/v2/services.xml")
    assert response["Content-Type"] == "application/xml; charset=utf-8"
    doc = ET.fromstring(response.content)
    codes = [s.findtext("service_code") for s in doc.findall("service")]
    assert "property-elevator" in codes


def test_a_service_definition_offers_kind_and_urgency(client: Client, api_key: str) -> None:
    definition = json.loads(client.get("/open311/v2/services/property-elevator.json").content)
    attributes = {a["code"]: a for a in definition["attributes"]}
    assert attributes["kind"]["datatype"] == "singlevaluelist"
    assert {"key": "complaint", "name": "投诉"} in attributes["kind"]["values"]
    assert [v["key"] for v in attributes["urgency"]["values"]] == ["normal", "urgent", "emergency"]


def test_a_service_definition_in_xml_nests_values(client: Client, api_key: str) -> None:
    response = client.get("/open311/v2/services/property-elevator.xml")
    doc = ET.fromstring(response.content)
    assert doc.tag == "service_definition"
    keys = [v.findtext("key") for v in doc.findall("attributes/attribute/values/value")]
    assert "complaint" in keys


def test_an_unknown_service_definition_is_a_404(client: Client, api_key: str) -> None:
    response = client.get("/open311/v2/services/no-such-thing.json")
    assert response.status_code == 404
    assert json.loads(response.content)[0]["code"] == 404


def test_a_client_posts_a_request_and_reads_it_back_in_json(client: Client, api_key: str) -> None:
    fields: dict[str, Any] = {"attribute[kind]": "complaint"}
    response = post_request(client, api_key, **fields)
    assert response.status_code == 200
    (created,) = json.loads(response.content)
    number = created["service_request_id"]
    order = WorkOrder.objects.get(number=number)
    assert order.kind == "complaint"
    assert order.source == "api:chaoyangtong"
    (read,) = json.loads(client.get(f"/open311/v2/requests/{number}.json").content)
    assert read["service_request_id"] == number
    assert read["status"] == "open"
    assert read["service_code"] == "property-elevator"
    assert read["lat"] == 39.95
    assert read["requested_datetime"].endswith("+08:00")


def test_a_client_reads_the_request_back_in_xml(client: Client, api_key: str) -> None:
    number = json.loads(post_request(client, api_key).content)[0]["service_request_id"]
    response = client.get(f"/open311/v2/requests/{number}.xml")
    assert response["Content-Type"] == "application/xml; charset=utf-8"
    doc = ET.fromstring(response.content)
    assert doc.tag == "service_requests"
    assert doc.findtext("request/service_request_id") == number
    assert doc.findtext("request/status") == "open"
    assert doc.findtext("request/long") == "116.35"


def test_posting_in_xml_answers_in_xml(client: Client, api_key: str) -> None:
    response = post_request(client, api_key, fmt="xml", account_id="u-42")
    doc = ET.fromstring(response.content)
    assert doc.findtext("request/service_request_id") == WorkOrder.objects.get().number
    assert doc.findtext("request/account_id") == "u-42"


def test_the_token_of_a_request_leads_to_its_id(client: Client, api_key: str) -> None:
    (created,) = json.loads(post_request(client, api_key).content)
    (found,) = json.loads(client.get(f"/open311/v2/tokens/{created['token']}.json").content)
    assert found["service_request_id"] == created["service_request_id"]


def test_a_made_up_token_is_a_404(client: Client, api_key: str) -> None:
    number = json.loads(post_request(client, api_key).content)[0]["service_request_id"]
    response = client.get(f"/open311/v2/tokens/{number}-0000000000000000.json")
    assert response.status_code == 404


def test_the_requester_name_and_phone_never_appear_in_the_output(
    client: Client, api_key: str
) -> None:
    number = json.loads(
        post_request(
            client,
            api_key,
            first_name="三丰",
            last_name="张",
            phone="13912341234",
            email="zhang@example.org",
        ).content
    )[0]["service_request_id"]
    order = WorkOrder.objects.get(number=number)
    assert (order.requester_name, order.requester_phone) == ("张三丰", "13912341234")
    for path in (f"requests/{number}.json", f"requests/{number}.xml", "requests.json"):
        body = client.get(f"/open311/v2/{path}").content.decode()
        assert "张三丰" not in body
        assert "13912341234" not in body
        assert "zhang@example.org" not in body


def test_a_phone_number_written_in_the_description_is_masked(client: Client, api_key: str) -> None:
    number = json.loads(
        post_request(client, api_key, description="电梯坏了，请回电13912341234").content
    )[0]["service_request_id"]
    (read,) = json.loads(client.get(f"/open311/v2/requests/{number}.json").content)
    assert read["description"] == "电梯坏了，请回电139****1234"


def test_a_resolved_request_is_closed_with_its_lead_unit(
    client: Client, api_key: str, world: Any
) -> None:
    from gongzhi.workorders import services

    number = json.loads(post_request(client, api_key).content)[0]["service_request_id"]
    order = WorkOrder.objects.get(number=number)
    p = world.person
    order = services.workorder_dispatch(
        order=order, by=p("dispatcher"), lead=world.units["property_x"]
    )
    order = services.workorder_accept(order=order, by=p("property_staff_x"))
    order = services.workorder_contact(order=order, by=p("property_staff_x"), note="电话联系")
    order = services.workorder_resolve(order=order, by=p("property_staff_x"), feedback="已修复")
    assert order.status == Status.RESOLVED
    (read,) = json.loads(client.get(f"/open311/v2/requests/{number}.json").content)
    assert read["status"] == "closed"
    assert read["agency_responsible"] == "安居物业公司"
    assert read["expected_datetime"].endswith("+08:00")


def test_an_intake_costs_a_fixed_number_of_queries(
    client: Client, api_key: str, django_assert_num_queries: Any
) -> None:
    import time_machine

    with time_machine.travel("2025-10-10T10:00:00+08:00", tick=False):
        post_request(client, api_key)  # builds the place index, records the key's use
        post_request(client, api_key)  # the first comparison of two texts builds the gazetteer
        # the open orders at the place (dispatch.duplicates); then PostgreSQL: one statement
        # writing the numbered order, its event and the links to the two same requests before
        # (workorders/services/intake_write.py); SQLite: savepoint, day counter, order, event,
        # links, release. The key, category, time limits and matrix rules come from this
        # process's caches (open311.selectors, workorders.reference); the idempotency key
        # needs no look-up.
        with django_assert_num_queries({"postgresql": 2}.get(connection.vendor, 7)):
            response = post_request(client, api_key, headers={"Idempotency-Key": "q-1"})
    assert response.status_code == 200


def test_a_request_placed_by_point_names_its_compound_as_address(
    client: Client, api_key: str
) -> None:
    number = json.loads(post_request(client, api_key).content)[0]["service_request_id"]
    (read,) = json.loads(client.get(f"/open311/v2/requests/{number}.json").content)
    assert read["address"] == "永安里小区"
    assert read["address_id"] == WorkOrder.objects.get(number=number).compound_id
