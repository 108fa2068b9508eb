"""The playbook: on an open order, the best-rated resolved orders of its kind and text, with
how they were handled."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from gongzhi.insights.playbook import playbook_for
from gongzhi.testing import World
from gongzhi.workorders.models import Category, Satisfaction, Status, WorkOrder
from gongzhi.workorders.sla import SHANGHAI
from gongzhi.workorders.taxonomy import seed_categories
from gongzhi.workorders.tests.factories import WorkOrderFactory

T0 = dt.datetime(2025, 1, 6, 9, tzinfo=SHANGHAI)


def _resolved(world: World, code: str, text: str, satisfaction: str, **kw: Any) -> WorkOrder:
    return WorkOrderFactory.create(
        category=Category.objects.get(code=code),
        description=text,
        status=Status.CLOSED,
        received_at=T0,
        resolved_at=T0 + dt.timedelta(days=kw.pop("days", 2)),
        feedback=kw.pop("feedback", "已处理"),
        satisfaction=satisfaction,
        lead_unit=world.units[kw.pop("lead", "property_x")],
        **kw,
    )


@pytest.fixture
def cases(world: World) -> dict[str, WorkOrder]:
    seed_categories()
    s, b = Satisfaction.SATISFIED, Satisfaction.BASICALLY
    return {
        "satisfied_similar": _resolved(
            world,
            "heating-cold",
            "3号楼暖气不热，室内温度只有十四度，请尽快处理",
            s,
            feedback="供热站排查后更换了单元循环泵，室温恢复到二十度",
            lead="so_a",
            days=3,
        ),
        "basically_more_similar": _resolved(
            world, "heating-cold", "5号楼暖气不热，室内温度只有十四度，请尽快处理", b
        ),
        "satisfied_other_matter": _resolved(
            world, "heating-cold", "想咨询今年供暖费的缴费时间和地点", s
        ),
        "unsatisfied_same_text": _resolved(
            world,
            "heating-cold",
            "5号楼暖气不热，室内温度只有十四度，请尽快处理",
            Satisfaction.UNSATISFIED,
        ),
        "sibling_category": _resolved(
            world, "heating-leak", "5号楼暖气不热还漏水，室内温度只有十四度", s
        ),
        "other_category": _resolved(world, "property-elevator", "5号楼电梯不运行，请尽快处理", s),
        "still_open": WorkOrderFactory.create(
            category=Category.objects.get(code="heating-cold"),
            description="5号楼暖气不热，室内温度只有十四度，请尽快处理",
            status=Status.CONTACTED,
            received_at=T0,
        ),
        "open_order": WorkOrderFactory.create(
            category=Category.objects.get(code="heating-cold"),
            description="5号楼2单元暖气不热，室内温度只有十四度，老人受冻",
            status=Status.DISPATCHED,
            received_at=T0 + dt.timedelta(days=300),
        ),
    }


def test_a_satisfied_similar_case_comes_first(cases: dict[str, WorkOrder]) -> None:
    entries = playbook_for(cases["open_order"])
    assert [e.order.pk for e in entries] == [
        cases[k].pk
        for k in (
            "satisfied_similar",
            "basically_more_similar",
            "satisfied_other_matter",
            "sibling_category",
        )
    ]
    assert entries[1].similarity > entries[0].similarity


def test_it_leaves_out_unsatisfied_unresolved_and_other_kinds(cases: dict[str, WorkOrder]) -> None:
    listed = {e.order.pk for e in playbook_for(cases["open_order"], limit=10)}
    for name in ("unsatisfied_same_text", "still_open", "other_category", "open_order"):
        assert cases[name].pk not in listed


def test_it_shows_how_the_case_was_handled(cases: dict[str, WorkOrder]) -> None:
    first = playbook_for(cases["open_order"])[0]
    assert (first.lead_unit_name, first.days_taken, first.satisfaction) == (
        "建外街道办事处",
        3.0,
        Satisfaction.SATISFIED,
    )
    assert first.feedback.startswith("供热站排查后更换了单元循环泵")


def test_it_takes_two_queries(cases: dict[str, WorkOrder], django_assert_num_queries: Any) -> None:
    order = WorkOrder.objects.get(pk=cases["open_order"].pk)
    with django_assert_num_queries(2):
        entries = playbook_for(order)
        assert [e.lead_unit_name for e in entries]
        assert [e.order.category.name for e in entries]
