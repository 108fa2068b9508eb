"""Random lifecycles through the real services (tests/walks.py), refreshed incrementally at
random moments: the roll-ups then equal a full recount from raw rows and give exactly the
rates of workorders/rates.py, at every level and month. The walk is built once for the module
(inside a transaction rolled back at the end); each test runs in its own savepoint."""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Iterator
from typing import Any

import pytest
from django.db import transaction

from gongzhi.insights.models import DailyRollup, MonthlyRollup, OrderContribution, RollupState
from gongzhi.insights.rankings import Level
from gongzhi.insights.rollups import rollups_rebuild, rollups_refresh
from gongzhi.insights.rollups.apply import apply_orders
from gongzhi.insights.tests.checks import assert_rates_equal, snapshot
from gongzhi.insights.tests.walks import Walk
from gongzhi.places import locate
from gongzhi.testing import build_world
from gongzhi.workorders import rates
from gongzhi.workorders.models import WorkOrder, WorkOrderEvent

pytestmark = pytest.mark.django_db

MONTHS = [dt.date(2025, 9, 1), dt.date(2025, 10, 1), dt.date(2025, 11, 1)]


@pytest.fixture(scope="module")
def walked(django_db_setup: Any, django_db_blocker: Any) -> Iterator[Walk]:
    with django_db_blocker.unblock(), transaction.atomic():
        locate.invalidate()
        w = Walk(build_world(), seed=5)
        rng = random.Random(5)
        for _ in range(220):
            w.step()
            if rng.random() < 0.1:
                rollups_refresh(now=w.now)
        rollups_refresh(now=w.now)
        yield w
        transaction.set_rollback(True)
    locate.invalidate()


def as_of() -> dt.datetime:
    value = RollupState.objects.get().as_of
    assert value is not None
    return value


def test_it_equals_a_full_recount_after_random_lifecycles(walked: Walk) -> None:
    incremental = snapshot()
    rollups_rebuild(now=as_of())
    assert snapshot() == incremental
    assert len(incremental["contributions"]) == len(walked.orders)


def test_the_walk_took_the_side_roads(walked: Walk) -> None:
    kinds = set(WorkOrderEvent.objects.values_list("kind", flat=True))
    assert {"redispatched", "reopened", "returned", "merged", "declined", "overdue"} <= kinds
    assert {"marked_unreasonable", "callback", "callback_unreached"} <= kinds


@pytest.mark.parametrize("level", [Level.SUBDISTRICT, Level.COMMUNITY, Level.UNIT])
def test_its_rates_equal_the_rates_from_raw_events(walked: Walk, level: Level) -> None:
    rows = sum(assert_rates_equal(month, level, as_of()) for month in MONTHS)
    assert rows >= 2  # two subdistricts, three communities, four units


def test_its_district_total_equals_the_district_count(walked: Walk) -> None:
    for month in MONTHS:
        district = rates.monthly_rates(
            year=month.year, month=month.month, level="district", as_of=as_of()
        )
        total = sum(MonthlyRollup.objects.filter(month=month).values_list("counted", flat=True))
        assert total == (district[0].orders if district else 0)


def test_applying_every_order_again_changes_nothing(walked: Walk) -> None:
    before = snapshot()
    changed = apply_orders(WorkOrder.objects.values_list("pk", flat=True), as_of=as_of())
    assert changed == 0
    assert snapshot() == before


def test_a_second_refresh_finds_nothing_to_do(walked: Walk) -> None:
    result = rollups_refresh(now=walked.now)
    assert (result.events, result.changed) == (0, 0)


def test_a_months_rebuild_equals_the_full_one(walked: Walk) -> None:
    rollups_rebuild(now=as_of())
    full = snapshot()
    DailyRollup.objects.filter(day__gte=MONTHS[1], day__lt=MONTHS[2]).update(received=99)
    OrderContribution.objects.filter(day__gte=MONTHS[1], day__lt=MONTHS[2]).delete()
    rollups_rebuild(month=dt.date(2025, 10, 17))
    assert snapshot() == full
