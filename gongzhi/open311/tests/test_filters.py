"""GET requests with the specification's filters."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
import time_machine
from django.test import Client

from gongzhi.testing import World
from gongzhi.workorders import services
from gongzhi.workorders.models import WorkOrder

pytestmark = pytest.mark.django_db
BEIJING = dt.timezone(dt.timedelta(hours=8))


def file(client: Client, api_key: str, when: str, code: str = "property-elevator") -> str:
    with time_machine.travel(dt.datetime.fromisoformat(when), tick=False):
        response = client.post(
            "/open311/v2/requests.json",
            {
                "api_key": api_key,
                "service_code": code,
                "description": "路灯不亮",
                "lat": "39.95",
                "long": "116.35",
            },
        )
    assert response.status_code == 200, response.content
    return json.loads(response.content)[0]["service_request_id"]


def ids(client: Client, query: str) -> set[str]:
    response = client.get(f"/open311/v2/requests.json?{query}")
    assert response.status_code == 200, response.content
    return {r["service_request_id"] for r in json.loads(response.content)}


@pytest.fixture
def three(client: Client, api_key: str) -> dict[str, str]:
    return {
        "sep": file(client, api_key, "2025-09-10T10:00:00+08:00"),
        "oct": file(client, api_key, "2025-10-10T10:00:00+08:00", code="noise-construction"),
        "nov": file(client, api_key, "2025-11-10T10:00:00+08:00"),
    }


def test_it_filters_by_a_comma_list_of_ids(client: Client, three: dict[str, str]) -> None:
    assert ids(client, f"service_request_id={three['sep']},{three['nov']}") == {
        three["sep"],
        three["nov"],
    }


def test_it_filters_by_service_code(client: Client, three: dict[str, str]) -> None:
    query = "service_code=noise-construction&start_date=2025-01-01"
    assert ids(client, query) == {three["oct"]}


def test_it_filters_by_a_date_range_in_w3_format(client: Client, three: dict[str, str]) -> None:
    query = "start_date=2025-10-01T00:00:00%2B08:00&end_date=2025-10-31T23:59:59Z"
    assert ids(client, query) == {three["oct"]}


def test_it_returns_the_last_90_days_without_dates(client: Client, three: dict[str, str]) -> None:
    with time_machine.travel(dt.datetime(2025, 12, 20, tzinfo=BEIJING), tick=False):
        assert ids(client, "") == {three["oct"], three["nov"]}


def test_it_filters_by_open_and_closed(client: Client, three: dict[str, str], world: World) -> None:
    order = WorkOrder.objects.get(number=three["oct"])
    services.workorder_decline(order=order, by=world.person("dispatcher"), reason_code="no_content")
    assert ids(client, "status=closed&start_date=2025-01-01") == {three["oct"]}
    assert ids(client, "status=open&start_date=2025-01-01") == {three["sep"], three["nov"]}
    assert len(ids(client, "status=open,closed&start_date=2025-01-01")) == 3


def test_a_declined_request_says_why(client: Client, three: dict[str, str], world: World) -> None:
    order = WorkOrder.objects.get(number=three["oct"])
    services.workorder_decline(order=order, by=world.person("dispatcher"), reason_code="no_content")
    (read,) = json.loads(client.get(f"/open311/v2/requests/{three['oct']}.json").content)
    assert read["status"] == "closed"
    assert read["status_notes"] == "不予受理：无实质内容或无法核实"


def test_listing_costs_a_fixed_number_of_queries(
    client: Client, three: dict[str, str], django_assert_num_queries: Any
) -> None:
    # orders with their category, lead unit and merge target; their photos
    with django_assert_num_queries(2):
        client.get("/open311/v2/requests.json?start_date=2025-01-01")
