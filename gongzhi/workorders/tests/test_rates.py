"""The three rates on a hand-computed month (October 2025), checked against the counting rules
in rates.py's docstring. Contact limit: 24 clock hours (the default).

| order | lead         | place | contact   | callback (latest reached)   | counts?              |
| ----- | ------------ | ----- | --------- | -------------------------- | -------------------- |
| P1    | property X   | A1    | 2 h       | resolved, 满意              | yes                  |
| P2    | property X   | A1    | 30 h late | resolved, 基本满意          | yes                  |
| P3    | property X   | A1    | 1 h       | not resolved, 不满意 (重办) | yes                  |
| P4    | property X   | A1    | 3 h       | not reached                 | yes, no callback     |
| P5    | property X   | A1    | 1 h       | —                           | no: unreasonable     |
| P6    | property X   | A1    | never     | —                           | yes, contact overdue |
| P7    | property X   | A1    | not yet   | — (31 Oct 20:00, not due)   | yes, not yet due     |
| S1    | office A     | A2    | 1 h       | resolved, 满意              | yes                  |
| S2    | —            | A2    | —         | — declined                  | no                   |
| T1    | dept traffic | B1    | 1 h       | resolved, 基本满意          | yes                  |
| X1    | property X   | A1    | received in September       | no (other month)     |

Property X: response 3/5 = 60 %, resolution 2/3 = 66.67 %, satisfaction (1 + 0.8)/3 = 60 %;
composite 0.1 × 60 + 0.45 × 66.667 + 0.45 × 60 = 63.00 → poor.
Subdistrict A (P1–P7, S1): response 4/6, resolution 3/4, satisfaction 2.8/4;
composite 6.667 + 33.75 + 31.5 = 71.92.
District: response 5/7 = 71.43 %, resolution 4/5 = 80 %, satisfaction 3.6/5 = 72 %;
composite 7.143 + 36 + 32.4 = 75.54.
"""

from __future__ import annotations

import datetime as dt

import pytest

from gongzhi.workorders import services
from gongzhi.workorders.rates import Level, monthly_rates, rates_for
from gongzhi.workorders.sla import SHANGHAI
from gongzhi.workorders.tests.factories import category, receive

AS_OF = dt.datetime(2025, 11, 1, 10, 0, tzinfo=SHANGHAI)
HANDLER = {"property_x": "property_staff_x", "so_a": "subdistrict_staff_a"}
HANDLER["dept_traffic"] = "department_staff_traffic"
POINT = {"A1": (116.35, 39.95), "A2": (116.45, 39.95), "B1": (116.60, 39.95)}


def _order(w, *, lead, place, received, contact_after=None, callback=None, unreasonable=False):
    p = w.person
    h = dt.timedelta(hours=1)
    lng, lat = POINT[place]
    order = receive(w, lng=lng, lat=lat, at=received, category=category("noise-neighbour"))
    order = services.workorder_dispatch(
        order=order, by=p("dispatcher"), lead=w.units[lead], at=received + 0.1 * h
    )
    handler = p(HANDLER[lead])
    order = services.workorder_accept(order=order, by=handler, at=received + 0.2 * h)
    if unreasonable:
        services.workorder_mark_unreasonable(order=order, by=p("dispatcher"), reason="无理诉求")
    if contact_after is None:
        return order
    t = received + contact_after * h
    order = services.workorder_contact(order=order, by=handler, at=t)
    if callback is None:
        return order
    order = services.workorder_resolve(order=order, by=handler, feedback="已处理", at=t + h)
    if callback == "unreached":
        return services.workorder_callback(
            order=order, by=p("callback_agent"), reached=False, at=t + 2 * h
        )
    resolved, satisfaction = callback
    return services.workorder_callback(
        order=order,
        by=p("callback_agent"),
        resolved=resolved,
        satisfaction=satisfaction,
        at=t + 2 * h,
    )


@pytest.fixture
def october(world):
    day = dt.datetime(2025, 10, 9, 9, 0, tzinfo=SHANGHAI)
    o = _order
    w = world
    o(w, lead="property_x", place="A1", received=day, contact_after=2, callback=(True, "satisfied"))
    o(
        w,
        lead="property_x",
        place="A1",
        received=day,
        contact_after=30,
        callback=(True, "basically"),
    )
    o(
        w,
        lead="property_x",
        place="A1",
        received=day,
        contact_after=1,
        callback=(False, "unsatisfied"),
    )
    o(w, lead="property_x", place="A1", received=day, contact_after=3, callback="unreached")
    o(w, lead="property_x", place="A1", received=day, contact_after=1, unreasonable=True)
    o(w, lead="property_x", place="A1", received=dt.datetime(2025, 10, 20, 9, tzinfo=SHANGHAI))
    o(w, lead="property_x", place="A1", received=dt.datetime(2025, 10, 31, 20, tzinfo=SHANGHAI))
    o(w, lead="so_a", place="A2", received=day, contact_after=1, callback=(True, "satisfied"))
    declined = receive(w, lng=116.45, lat=39.95, at=day)
    services.workorder_decline(order=declined, by=w.person("dispatcher"), reason_code="litigation")
    o(
        w,
        lead="dept_traffic",
        place="B1",
        received=day,
        contact_after=1,
        callback=(True, "basically"),
    )
    o(
        w,
        lead="property_x",
        place="A1",
        received=dt.datetime(2025, 9, 30, 9, tzinfo=SHANGHAI),
        contact_after=1,
        callback=(True, "satisfied"),
    )
    return world


def test_a_units_rates_follow_the_counting_rules(october):
    r = rates_for(
        year=2025, month=10, level=Level.UNIT, key=october.units["property_x"].pk, as_of=AS_OF
    )

    assert r is not None
    assert (r.orders, r.response_due, r.responded_in_time) == (6, 5, 3)
    assert (r.callbacks, r.resolved, r.satisfied, r.basically, r.unsatisfied) == (3, 2, 1, 1, 1)
    assert (r.response_rate, r.resolution_rate, r.satisfaction_rate) == (60.0, 66.67, 60.0)
    assert (r.composite, r.grade) == (63.0, "poor")


def test_a_subdistricts_rates_cover_every_unit_working_in_it(october):
    r = rates_for(year=2025, month=10, level=Level.SUBDISTRICT, key=october.sd_a.pk, as_of=AS_OF)

    assert r is not None
    assert (r.orders, r.response_rate, r.resolution_rate, r.satisfaction_rate) == (
        7,
        66.67,
        75.0,
        70.0,
    )
    assert r.composite == 71.92


def test_the_district_figures(october):
    (r,) = monthly_rates(year=2025, month=10, level=Level.DISTRICT, as_of=AS_OF)

    assert (r.orders, r.response_rate, r.resolution_rate, r.satisfaction_rate) == (
        8,
        71.43,
        80.0,
        72.0,
    )
    assert r.composite == 75.54


def test_the_ranking_puts_the_best_composite_first(october):
    ranking = monthly_rates(year=2025, month=10, level=Level.UNIT, as_of=AS_OF)

    assert [(r.name, r.composite, r.grade) for r in ranking] == [
        ("建外街道办事处", 100.0, "excellent"),
        ("区交通委", 91.0, "good"),
        ("安居物业公司", 63.0, "poor"),
    ]


def test_the_basically_satisfied_weight_is_a_setting(october, settings):
    settings.GONGZHI_SATISFACTION_WEIGHTS = {"satisfied": 1.0, "basically": 0.5, "unsatisfied": 0}

    r = rates_for(year=2025, month=10, level=Level.UNIT, key=october.units["dept_traffic"].pk)

    assert r is not None and r.satisfaction_rate == 50.0


def test_there_is_a_row_per_community_with_counted_orders_and_none_for_an_empty_month(october):
    keys = {r.key for r in monthly_rates(year=2025, month=10, level=Level.COMMUNITY, as_of=AS_OF)}

    assert keys == {october.comm_a1.pk, october.comm_a2.pk, october.comm_b1.pk}
    assert monthly_rates(year=2025, month=8, level=Level.COMMUNITY) == []
