"""Specifications of near-duplicate linking at intake: the same matter told twice at one place is
linked with its similarity; other matters, other places and old or finished orders are not."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import time_machine
from django.test import Client

from gongzhi.dispatch.duplicates import text_similarity
from gongzhi.dispatch.models import DuplicateLink
from gongzhi.testing import PASSWORD, World
from gongzhi.workorders import services
from gongzhi.workorders.models import Status, WorkOrder
from gongzhi.workorders.tests.factories import category, receive

ELEVATOR = "来电人反映：永安里小区3号楼电梯停运两天，老人无法下楼，希望尽快处理。"
ELEVATOR_AGAIN = (
    "市民来电反映：永安里小区3号楼的电梯已经停了两天了，老人下不了楼，请相关部门尽快解决。"
)
GARBAGE = "来电人反映：永安里小区门口垃圾堆放多日无人清运，气味难闻，希望尽快处理。"
LAMP = "来电人反映：永安里小区5号楼楼道灯不亮，晚上出行不便，希望尽快处理。"

A1: dict[str, Any] = {"lng": 116.35, "lat": 39.95}  # compound A1
A2: dict[str, Any] = {"lng": 116.45, "lat": 39.95}  # compound A2


def file(world: World, text: str, code: str = "property-elevator", **where: Any) -> WorkOrder:
    return receive(world, category=category(code), description=text, **(where or A1))


def links(order: WorkOrder) -> list[tuple[str, float]]:
    found = DuplicateLink.objects.filter(order=order).select_related("original")
    return [(link.original.number, link.similarity) for link in found]


def test_a_retelling_of_the_same_matter_at_the_same_place_is_linked_with_its_similarity(
    world: World,
) -> None:
    first = file(world, ELEVATOR)

    second = file(world, ELEVATOR_AGAIN)

    [(number, similarity)] = links(second)
    assert number == first.number
    assert 0.45 <= similarity <= 1.0
    link = DuplicateLink.objects.get(order=second)
    assert link.same_category and link.similarity > link.text_similarity


def test_different_matters_at_the_same_place_are_not_linked(world: World) -> None:
    file(world, ELEVATOR)
    file(world, GARBAGE, "sanitation-garbage")

    lamp = file(world, LAMP, "property-repair")

    assert links(lamp) == []
    assert text_similarity(ELEVATOR, GARBAGE) < 0.2
    assert text_similarity(ELEVATOR, LAMP) < 0.2


def test_the_same_text_at_another_compound_is_not_linked(world: World) -> None:
    file(world, ELEVATOR, **A2)

    here = file(world, ELEVATOR)

    assert links(here) == []


def test_an_order_without_a_compound_is_compared_within_its_community(world: World) -> None:
    first = receive(
        world,
        category=category(),
        description=ELEVATOR,
        lng=None,
        lat=None,
        community=world.comm_a2,
    )

    second = receive(
        world,
        category=category(),
        description=ELEVATOR_AGAIN,
        lng=None,
        lat=None,
        community=world.comm_a2,
    )

    assert [n for n, _s in links(second)] == [first.number]


def test_finished_and_old_orders_are_not_linked(world: World) -> None:
    with time_machine.travel(dt.datetime(2025, 3, 1, 9, tzinfo=dt.UTC), tick=False):
        file(world, ELEVATOR)  # received nineteen days before
    with time_machine.travel(dt.datetime(2025, 3, 19, 9, tzinfo=dt.UTC), tick=False):
        declined = file(world, ELEVATOR)
        services.workorder_decline(
            order=declined, by=world.person("dispatcher"), reason_code="duplicate"
        )
    with time_machine.travel(dt.datetime(2025, 3, 20, 9, tzinfo=dt.UTC), tick=False):
        later = file(world, ELEVATOR)

    assert links(later) == []


def test_the_same_category_adds_the_bonus_to_the_text_similarity(
    world: World, settings: Any
) -> None:
    settings.GONGZHI_DUPLICATE_SIMILARITY = 0.0
    file(world, ELEVATOR)
    file(world, ELEVATOR, "property-repair")

    third = file(world, ELEVATOR_AGAIN)

    by_category = {link.same_category: link for link in DuplicateLink.objects.filter(order=third)}
    assert by_category[True].text_similarity == pytest.approx(by_category[False].text_similarity)
    assert by_category[True].similarity == pytest.approx(by_category[True].text_similarity + 0.1)


def test_the_dispatcher_sees_the_duplicate_with_its_similarity_and_merges_it(
    world: World, client: Client
) -> None:
    first = file(world, ELEVATOR)
    second = file(world, ELEVATOR_AGAIN)
    similarity = round(DuplicateLink.objects.get(order=second).similarity * 100)
    client.login(username="dispatcher", password=PASSWORD)

    page = client.get("/orders/desk/dispatch/").content.decode()
    card = page[page.index(f'id="dispatch-{second.number}"') :]
    assert first.number in card and f"相似度 {similarity}%" in card

    client.post(
        f"/orders/desk/dispatch/{second.number}/merge/",
        {"into": first.number},
        headers={"HX-Request": "true"},
    )

    second.refresh_from_db()
    assert second.status == Status.MERGED and second.merged_into == first
