"""The query count of one intake on the path `gongzhi bench intake` measures: a property matter
at a compound with a property company, dispatched by the matrix at once (lead and assisting
unit), through Open311 and through the native API. An N+1 or an extra round trip shows up here
before it shows up in the benchmark. (Open311 without dispatch is pinned in
open311/tests/test_client_flow.py, workorder_receive alone in test_intake.py.)"""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.db import connection
from django.test import Client

from gongzhi.open311.models import ApiClient
from gongzhi.open311.services import apikey_issue
from gongzhi.testing import World
from gongzhi.workorders import taxonomy
from gongzhi.workorders.models import Status, WorkOrder


@pytest.fixture
def keys(world: World) -> dict[str, str]:
    taxonomy.seed_categories()
    taxonomy.seed_matrix()
    app = ApiClient.objects.create(name="基准 App", code="bench-app", channel="app")
    desk = ApiClient.objects.create(
        name="基准热线", code="bench-desk", acts_as=world.person("operator")
    )
    return {"open311": apikey_issue(client=app)[1], "native": apikey_issue(client=desk)[1]}


def _open311(client: Client, world: World, key: str, n: int) -> Any:
    compound = world.compound_a1
    return client.post(
        "/open311/v2/requests.json",
        {
            "api_key": key,
            "service_code": "property-elevator",
            "lat": compound.lat,
            "long": compound.lng,
            "description": "3号楼电梯停运",
            "first_name": "张三",
            "phone": "13900001234",
        },
        headers={"Idempotency-Key": f"o-{n}"},
    )


def _native(client: Client, world: World, key: str, n: int) -> Any:
    compound = world.compound_a1
    return client.post(
        "/api/v1/orders",
        json.dumps(
            {
                "channel": "hotline",
                "kind": "complaint",
                "category": "property-elevator",
                "description": "3号楼电梯停运",
                "lng": compound.lng,
                "lat": compound.lat,
                "compound_id": compound.pk,
                "requester_name": "张三",
                "requester_phone": "13900001234",
            }
        ),
        content_type="application/json",
        headers={"Authorization": f"Bearer {key}", "Idempotency-Key": f"n-{n}"},
    )


def test_an_open311_intake_with_dispatch_costs_a_fixed_number_of_queries(
    client: Client, world: World, keys: dict[str, str], django_assert_num_queries: Any
) -> None:
    _open311(client, world, keys["open311"], 0)  # builds the place index, records the key's use
    _open311(client, world, keys["open311"], 2)  # the first comparison builds the gazetteer
    # The key, category, time limits, matrix rules and units come from this process's caches
    # (open311.selectors, workorders.reference); the idempotency key is checked by its unique
    # constraint. PostgreSQL: the open orders at the place (dispatch.duplicates), then ONE
    # statement writing the numbered order dispatched, its events, assignments, the units'
    # notifications and the links to the same requests before (services/intake_write.py).
    # SQLite: the open orders; savepoint; number; the order; assignments; events;
    # notifications; links; release.
    with django_assert_num_queries({"postgresql": 2}.get(connection.vendor, 9)):
        response = _open311(client, world, keys["open311"], 1)
    assert response.status_code == 200
    assert WorkOrder.objects.latest("pk").status == Status.DISPATCHED


def test_a_native_intake_with_dispatch_costs_a_fixed_number_of_queries(
    client: Client, world: World, keys: dict[str, str], django_assert_num_queries: Any
) -> None:
    _native(client, world, keys["native"], 0)
    _native(client, world, keys["native"], 2)  # the first comparison builds the gazetteer
    # The operator's memberships come with the key from open311.selectors' cache; then the
    # reads and writes of the dispatching intake as above (2 on PostgreSQL, 9 on SQLite). The
    # answer is built from the rows just written, not read back.
    with django_assert_num_queries({"postgresql": 2}.get(connection.vendor, 9)):
        response = _native(client, world, keys["native"], 1)
    assert response.status_code == 201
    assert json.loads(response.content)["status"] == Status.DISPATCHED


def test_the_native_intake_answers_what_reading_the_order_back_answers(
    client: Client, world: World, keys: dict[str, str]
) -> None:
    created = _native(client, world, keys["native"], 7)
    assert created.status_code == 201
    body = json.loads(created.content)

    read = client.get(
        f"/api/v1/orders/{body['number']}",
        headers={"Authorization": f"Bearer {keys['native']}"},
    )

    assert read.status_code == 200
    again = json.loads(read.content)
    # Assignments have no defined order when read back (the model has none).
    for answer in (body, again):
        answer["assignments"].sort(key=lambda a: a["unit"]["code"])
    assert body == again
    assert [e["kind"] for e in body["timeline"]] == ["received", "auto_dispatched"]


def test_a_repeated_native_intake_answers_with_the_first_order(
    client: Client, world: World, keys: dict[str, str]
) -> None:
    first = _native(client, world, keys["native"], 8)
    again = _native(client, world, keys["native"], 8)

    assert json.loads(again.content)["number"] == json.loads(first.content)["number"]
    assert WorkOrder.objects.filter(idempotency_key="n-8").count() == 1
