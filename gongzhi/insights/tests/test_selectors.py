"""The dashboard's figures and the hotspot scan's reads, from roll-ups built by the real
refresh over orders filed through the services."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from gongzhi.insights.rollups import rollups_refresh
from gongzhi.insights.selectors import (
    Scope,
    dashboard_summary,
    place_category_baseline,
    place_category_days,
    place_category_month_stats,
)
from gongzhi.testing import World
from gongzhi.workorders.sla import SHANGHAI
from gongzhi.workorders.tests.factories import category, order_in

A2: dict[str, Any] = {"lng": 116.45, "lat": 39.95}  # community A2, no compound
B1: dict[str, Any] = {"lng": 116.60, "lat": 39.95}


def at(month: int, day: int) -> dt.datetime:
    return dt.datetime(2025, month, day, 10, tzinfo=SHANGHAI)


@pytest.fixture
def orders(world: World) -> World:
    """Elevator orders at A1 in September (1) and October (2, one a day apart), a heating
    order at A2 and a declined one at B1 in October."""
    order_in(world, "closed", at=at(9, 15))
    order_in(world, "closed", at=at(10, 8))
    order_in(world, "contacted", at=at(10, 9))
    order_in(world, "closed", at=at(10, 9), category=category("heating-cold"), **A2)
    order_in(world, "declined", at=at(10, 20), **B1)
    rollups_refresh(now=at(11, 1))
    return world


def test_the_district_summary_counts_the_month_and_the_one_before(orders: World) -> None:
    summary = dashboard_summary(Scope.district(), dt.date(2025, 10, 17))
    assert summary.month == dt.date(2025, 10, 1)
    assert (summary.totals.counts["received"], summary.totals.counts["counted"]) == (4, 3)
    assert summary.totals.counts["declined"] == 1
    assert summary.previous.counts["received"] == 1
    assert [m for m, _f in summary.trend][-2:] == [dt.date(2025, 9, 1), dt.date(2025, 10, 1)]
    assert len(summary.trend) == 13


def test_the_district_summary_has_its_subdistricts_and_categories(orders: World) -> None:
    summary = dashboard_summary(Scope.district(), dt.date(2025, 10, 1))
    assert [(a.key, a.counts["received"]) for a in summary.areas] == [
        (orders.sd_a.pk, 3),
        (orders.sd_b.pk, 1),
    ]
    elevator = category("property-elevator")
    assert (summary.categories[0].key, summary.categories[0].counts["received"]) == (
        elevator.pk,
        3,
    )
    assert summary.top_categories[0].key == elevator.parent_id
    assert summary.totals.rates.resolution == 100.0


def test_a_subdistrict_summary_has_its_communities(orders: World) -> None:
    summary = dashboard_summary(Scope(orders.sd_a.pk), dt.date(2025, 10, 1))
    assert summary.totals.counts["received"] == 3
    assert {(a.key, a.counts["received"]) for a in summary.areas} == {
        (orders.comm_a1.pk, 2),
        (orders.comm_a2.pk, 1),
    }


def test_the_summary_takes_a_few_small_queries(
    orders: World, django_assert_max_num_queries: Any
) -> None:
    with django_assert_max_num_queries(6):
        dashboard_summary(Scope.district(), dt.date(2025, 10, 1))


def test_the_scan_reads_a_month_by_place_category_and_day(orders: World) -> None:
    elevator = category("property-elevator")
    days = place_category_days(dt.date(2025, 10, 1))
    assert days[(orders.comm_a1.pk, elevator.pk)] == {
        dt.date(2025, 10, 8): 1,
        dt.date(2025, 10, 9): 1,
    }
    baseline = place_category_baseline([dt.date(2025, 9, 1), dt.date(2025, 8, 1)])
    assert baseline[(orders.comm_a1.pk, elevator.pk)] == {dt.date(2025, 9, 1): 1}


def test_the_scan_gets_each_place_and_category_with_its_baseline(orders: World) -> None:
    elevator = category("property-elevator")
    stats = {
        (s.community_id, s.category_id): s
        for s in place_category_month_stats(
            dt.date(2025, 10, 1), [dt.date(2025, 9, 1), dt.date(2025, 8, 1)]
        )
    }
    a1 = stats[(orders.comm_a1.pk, elevator.pk)]
    assert (a1.total, a1.peak, a1.days) == (2, 1, 2)
    assert (a1.baseline_mean, a1.baseline_sd) == (0.5, 0.5)
    assert len(stats) == 3  # and heating at A2, the declined order at B1
