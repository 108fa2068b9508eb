"""Monthly topic candidates on a hand-made month (November 2025), scores worked out by hand
from the formula in topics.py (default weights 0.3 / 0.2 / 0.3 / 0.2, rate prior 20):

    heating-cold       12 orders, 4 in each of the three compounds (three communities), all
                       resolved and satisfied, twelve requesters
    property-elevator   6 orders, all in compound A1; one requester filed 4 of them; 3 resolved
                       and basically satisfied, 3 not resolved and unsatisfied; A1 also had
                       elevator orders in September and October
    sanitation-ads      2 orders in compound B1, resolved, satisfied

District: 20 callbacks, 17 resolved, satisfaction (14 + 0.8·3) ÷ 20 = 0.82.

    elevator:  F = ln 7 ÷ ln 13 = 0.75865; R = ½·4/6 + ½·1/1 = 0.83333;
               resolution~ = (3 + 20·0.85) ÷ 26 = 0.76923, satisfaction~ = (2.4 + 16.4) ÷ 26
               = 0.72308, U = 0.25385; S = 1/3
               score = 100·(0.3·0.75865 + 0.2·1 + 0.3·1 + 0.2·0.33333) = 79.43
    heating:   F = 1; R = 0; U = ½(1 − 29/32) + ½(1 − 28.4/32) = 0.10313; S = 1
               score = 100·(0.3 + 0 + 0.3·0.10313/0.25385 + 0.2) = 62.19
    ads:       F = ln 3 ÷ ln 13 = 0.42832; R = 0; U = ½(1 − 19/22) + ½(1 − 18.4/22) = 0.15;
               S = 1/3; score = 100·(0.12850 + 0.3·0.15/0.25385 + 0.06667) = 37.24
"""

from __future__ import annotations

import datetime as dt

import pytest

from gongzhi.accounts.models import Person
from gongzhi.insights.hotspots.counts import compound_counts_rebuild
from gongzhi.insights.rollups import rollups_rebuild
from gongzhi.insights.topics import topic_candidates
from gongzhi.places.models import Compound
from gongzhi.testing import World
from gongzhi.workorders.models import Callback, Category, Satisfaction, Status, WorkOrder
from gongzhi.workorders.sla import SHANGHAI
from gongzhi.workorders.taxonomy import seed_categories
from gongzhi.workorders.tests.factories import WorkOrderFactory

NOVEMBER = dt.date(2025, 11, 1)
_phones = iter(range(10**9))


def _order(
    compound: Compound,
    code: str,
    day: dt.date,
    *,
    phone: str = "",
    resolved: bool = True,
    satisfaction: str = Satisfaction.SATISFIED,
) -> WorkOrder:
    at = dt.datetime(day.year, day.month, day.day, 9, tzinfo=SHANGHAI)
    order = WorkOrderFactory.create(
        category=Category.objects.get(code=code),
        compound=compound,
        community=compound.community,
        subdistrict_id=compound.community.subdistrict_id,
        received_at=at,
        dispatched_at=at,
        resolved_at=at + dt.timedelta(days=2) if resolved else None,
        status=Status.CLOSED if resolved else Status.DISPATCHED,
        satisfaction=satisfaction,
        requester_phone=phone or f"139{next(_phones):08d}",
    )
    Callback.objects.create(
        order=order,
        by=Person.objects.get(username="callback_agent"),
        at=at + dt.timedelta(days=3),
        resolved=resolved,
        satisfaction=satisfaction,
    )
    return order


@pytest.fixture
def month(world: World) -> None:
    seed_categories()
    a1, a2, b1 = world.compound_a1, world.compound_a2, world.compound_b1
    for compound in (a1, a2, b1):
        for i in range(4):
            _order(compound, "heating-cold", dt.date(2025, 11, 2 + i))
    for i in range(6):
        repeat = "13800000001" if i < 4 else ""
        ok = i % 2 == 0
        _order(
            a1,
            "property-elevator",
            dt.date(2025, 11, 3 + i),
            phone=repeat,
            resolved=ok,
            satisfaction=Satisfaction.BASICALLY if ok else Satisfaction.UNSATISFIED,
        )
    _order(a1, "property-elevator", dt.date(2025, 9, 10))
    _order(a1, "property-elevator", dt.date(2025, 10, 10))
    for i in range(2):
        _order(b1, "sanitation-ads", dt.date(2025, 11, 10 + i))
    rollups_rebuild()
    compound_counts_rebuild()


def test_the_problems_are_ranked_by_the_score_formula(month: None) -> None:
    candidates = topic_candidates(NOVEMBER)
    assert [(c.category_name, c.score) for c in candidates] == [
        ("电梯故障", pytest.approx(79.43, abs=0.01)),
        ("室温不达标", pytest.approx(62.19, abs=0.01)),
        ("小广告", pytest.approx(37.24, abs=0.01)),
    ]


def test_each_candidate_carries_its_evidence(month: None, world: World) -> None:
    elevator = topic_candidates(NOVEMBER)[0]
    e = elevator.evidence
    assert (e["orders"], e["repeat_orders"], e["places"], e["places_total"]) == (6, 4, 1, 3)
    assert (e["persistent_places"], e["previous_month"], e["callbacks"]) == (1, 1, 6)
    assert e["resolution"] == pytest.approx(76.92, abs=0.01)
    assert e["top_places"] == [{"id": world.comm_a1.pk, "name": "永安里社区", "orders": 6}]
    assert len(e["examples"]) == 3
    assert elevator.parts["repetition"] == pytest.approx(0.8333, abs=1e-4)


def test_problems_can_be_split_by_the_kind_of_compound(month: None, world: World) -> None:
    Compound.objects.filter(pk=world.compound_a1.pk).update(kind=Compound.Kind.REFORMED)
    candidates = topic_candidates(NOVEMBER, by_place_kind=True)
    heating = {
        c.place_kind: c.evidence["orders"] for c in candidates if c.category_name == "室温不达标"
    }
    assert heating == {Compound.Kind.REFORMED: 4, Compound.Kind.COMMERCIAL: 8}
    elevator = next(c for c in candidates if c.category_name == "电梯故障")
    assert (elevator.place_kind_label, elevator.evidence["repeat_orders"]) == ("房改房", 4)
