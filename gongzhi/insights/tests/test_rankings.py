"""The monthly ranking from the roll-ups: order, ranks, changes on last month, the bottom of the
list and the grades 先进 / 进步 / 整改 / 治理类 by the thresholds in settings.

Rows are written straight into MonthlyLevelRollup with round figures: 100 orders due for a
response and 100 valid callbacks, so that composite = 0.1 × responded in time + 0.45 ×
resolved + 0.45 × satisfied (the default weights; no 基本满意).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.db.models import QuerySet

from gongzhi.insights.models import MonthlyLevelRollup
from gongzhi.insights.rankings import Grade, ranking
from gongzhi.testing import World

OCT = dt.date(2025, 10, 1)
SEP = dt.date(2025, 9, 1)
UNITS = [
    "so_a",
    "so_b",
    "cc_a1",
    "cc_a2",
    "cc_b1",
    "property_x",
    "dept_traffic",
    "dept_housing",
    "utility_water",
    "hotline",
]


@pytest.fixture(autouse=True)
def thresholds(settings: Any) -> None:
    settings.GONGZHI_INSIGHTS_MIN_ORDERS = 50
    settings.GONGZHI_INSIGHTS_ADVANCED_MIN = 95.0
    settings.GONGZHI_INSIGHTS_ADVANCED_SHARE = 0.2
    settings.GONGZHI_INSIGHTS_IMPROVED_MIN_DELTA = 2.0
    settings.GONGZHI_INSIGHTS_IMPROVED_SHARE = 0.1
    settings.GONGZHI_INSIGHTS_RECTIFY_BELOW = 85.0
    settings.GONGZHI_INSIGHTS_GOVERN_BELOW = 80.0
    settings.GONGZHI_INSIGHTS_BOTTOM_SIZE = {"subdistrict": 1, "community": 1, "unit": 2}


def put(
    world: World,
    unit: str,
    month: dt.date,
    composite: float,
    *,
    orders: int = 100,
    community: str | None = None,
) -> None:
    """A month of a unit (or, with `community`, of that community) whose composite is
    `composite`: responses all in time (10 points), resolution and satisfaction equal."""
    share = round((composite - 10.0) / 90.0 * 100)
    place = getattr(world, f"comm_{community}") if community else None
    MonthlyLevelRollup.objects.create(
        month=month,
        level="community" if place else "unit",
        key=place.pk if place else world.units[unit].pk,
        subdistrict=place.subdistrict if place else None,
        received=orders,
        counted=orders,
        response_due=100,
        contacted_in_time=100,
        callbacks=100,
        callbacks_resolved=share,
        satisfied=share,
    )


def unit_row(world: World, unit: str, month: dt.date) -> QuerySet[MonthlyLevelRollup]:
    return MonthlyLevelRollup.objects.filter(month=month, level="unit", key=world.units[unit].pk)


def by_unit(world: World, rows: list[Any]) -> dict[str, Any]:
    names = {u.pk: key for key, u in world.units.items()}
    return {names[r.key]: r for r in rows}


def test_it_ranks_best_composite_first(world: World) -> None:
    for i, unit in enumerate(UNITS):
        put(world, unit, OCT, 99.1 - 1.8 * i)
    rows = ranking("unit", OCT)
    assert [r.key for r in rows] == [world.units[u].pk for u in UNITS]
    assert [r.rank for r in rows] == list(range(1, 11))
    assert rows[0].composite == 99.1


def test_equal_figures_share_a_rank(world: World) -> None:
    put(world, "so_a", OCT, 91.0)
    put(world, "so_b", OCT, 91.0)
    put(world, "cc_a1", OCT, 88.3)
    assert [r.rank for r in ranking("unit", OCT)] == [1, 1, 3]


def test_it_marks_the_bottom_of_the_list(world: World) -> None:
    for i, unit in enumerate(UNITS):
        put(world, unit, OCT, 99.1 - 1.8 * i)
    rows = by_unit(world, ranking("unit", OCT))
    assert {u for u, r in rows.items() if r.is_bottom} == {"utility_water", "hotline"}


def test_it_grades_advanced_only_the_top_share_above_the_minimum(world: World) -> None:
    for i, unit in enumerate(UNITS):
        put(world, unit, OCT, 99.1 - 1.8 * i)  # 99.1, 97.3, 95.5, 93.7, …
    rows = by_unit(world, ranking("unit", OCT))
    # Three units reach 95, but the top fifth of ten is two.
    assert {u for u, r in rows.items() if r.grade is Grade.ADVANCED} == {"so_a", "so_b"}
    assert rows["cc_a1"].grade is None


def test_it_grades_rectify_below_the_threshold_and_at_the_bottom(
    world: World, settings: Any
) -> None:
    settings.GONGZHI_INSIGHTS_BOTTOM_SIZE = {"unit": 1}
    for i, unit in enumerate(UNITS):
        put(world, unit, OCT, 99.1 - 1.8 * i)  # … 88.3, 86.5, 84.7, 82.9
    rows = by_unit(world, ranking("unit", OCT))
    assert rows["utility_water"].grade is Grade.RECTIFY  # 84.7 < 85
    assert rows["hotline"].grade is Grade.RECTIFY  # the bottom of the list
    assert rows["dept_housing"].grade is None  # 86.5: neither


def test_it_grades_govern_below_its_threshold(world: World) -> None:
    put(world, "so_a", OCT, 96.0)
    put(world, "so_b", OCT, 79.0)
    assert by_unit(world, ranking("unit", OCT))["so_b"].grade is Grade.GOVERN


def test_it_grades_govern_at_the_bottom_two_months_running(world: World) -> None:
    for i, unit in enumerate(UNITS):
        put(world, unit, OCT, 99.1 - 1.8 * i)
        put(world, unit, SEP, 99.1 - 1.8 * i if unit != "utility_water" else 99.0)
    rows = by_unit(world, ranking("unit", OCT))
    assert rows["hotline"].grade is Grade.GOVERN  # bottom in September and October
    assert rows["utility_water"].grade is Grade.RECTIFY  # bottom in October only


def test_it_grades_improved_the_biggest_rise(world: World) -> None:
    for i, unit in enumerate(UNITS):
        put(world, unit, OCT, 99.1 - 1.8 * i)
        put(world, unit, SEP, 99.1 - 1.8 * i)
    unit_row(world, "cc_b1", SEP).update(
        callbacks_resolved=80, satisfied=80
    )  # cc_b1: 82.0 in September, 91.9 in October
    unit_row(world, "cc_a2", SEP).update(
        callbacks_resolved=90, satisfied=90
    )  # cc_a2: 91.0 → 93.7, up less
    rows = by_unit(world, ranking("unit", OCT))
    assert rows["cc_b1"].grade is Grade.IMPROVED
    assert rows["cc_b1"].composite_delta == pytest.approx(9.9)
    assert rows["cc_a2"].grade is None  # the tenth most improved of ten is one unit


def test_it_leaves_units_with_few_orders_ungraded_and_unmarked(world: World) -> None:
    put(world, "so_a", OCT, 96.0)
    put(world, "so_b", OCT, 70.0, orders=20)
    rows = by_unit(world, ranking("unit", OCT))
    assert (rows["so_b"].grade, rows["so_b"].is_bottom) == (None, False)
    assert rows["so_b"].rank == 2


def test_it_sorts_by_one_rate_with_its_change_on_last_month(world: World) -> None:
    put(world, "so_a", OCT, 96.0)
    put(world, "so_b", OCT, 90.0)
    unit_row(world, "so_a", OCT).update(contacted_in_time=90)
    put(world, "so_a", SEP, 96.0)
    rows = ranking("unit", OCT, by="response")
    assert [(r.key, r.value, r.delta) for r in rows] == [
        (world.units["so_b"].pk, 100.0, None),
        (world.units["so_a"].pk, 90.0, -10.0),
    ]


def test_it_ranks_communities_within_one_subdistrict(world: World) -> None:
    put(world, "cc_a1", OCT, 96.0, community="a1", orders=200)
    put(world, "cc_a2", OCT, 90.0, community="a2")
    put(world, "cc_b1", OCT, 99.0, community="b1")
    rows = ranking("community", OCT, within=world.sd_a.pk)
    assert [(r.key, r.counts["counted"]) for r in rows] == [
        (world.comm_a1.pk, 200),
        (world.comm_a2.pk, 100),
    ]
    assert rows[0].subdistrict_id == world.sd_a.pk


def test_it_reads_the_rollups_in_two_queries(world: World, django_assert_num_queries: Any) -> None:
    for unit in UNITS:
        put(world, unit, OCT, 90.0)
        put(world, unit, SEP, 88.0)
    with django_assert_num_queries(2):
        rows = ranking("unit", OCT)
    assert len(rows) == 10
