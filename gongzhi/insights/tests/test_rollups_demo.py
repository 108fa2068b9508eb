"""The demo generator's orders (a few subdistricts, a few hundred orders with whole
lifecycles, written in bulk with their events): the roll-ups built incrementally from its
event log equal a full recount and give rates.py's figures. Built once for the module, inside
a transaction rolled back at the end."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest
from django.db import transaction

from gongzhi.insights.models import RollupState
from gongzhi.insights.rankings import Level, previous_month
from gongzhi.insights.rollups import rollups_rebuild, rollups_refresh
from gongzhi.insights.tests.checks import assert_rates_equal, snapshot
from gongzhi.places import locate
from gongzhi.workorders.models import WorkOrder
from gongzhi.workorders.sla import SHANGHAI

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2025, 11, 20, 15, 0, tzinfo=SHANGHAI)


@pytest.fixture(scope="module")
def demo(django_db_setup: Any, django_db_blocker: Any) -> Iterator[int]:
    from gongzhi.accounts import demo as accounts_demo
    from gongzhi.places import demo as places_demo
    from gongzhi.web.demo import DemoContext, Progress
    from gongzhi.workorders import taxonomy
    from gongzhi.workorders.demo import build_orders

    with django_db_blocker.unblock(), transaction.atomic():
        ctx = DemoContext(small=True)
        progress = Progress(lambda _line: None)
        places_demo.build(ctx, progress)
        accounts_demo.build(ctx, progress)
        taxonomy.seed_categories()
        taxonomy.seed_matrix()
        count = build_orders(ctx, progress, now=NOW, count=600)
        rollups_refresh(now=NOW)
        yield count
        transaction.set_rollback(True)
    locate.invalidate()


def test_the_demo_orders_are_all_counted(demo: int) -> None:
    assert demo == WorkOrder.objects.count() > 500
    received = sum(
        counters[0]
        for key, counters in snapshot()["MonthlyLevelRollup"].items()
        if key[1] == "subdistrict"
    )
    assert received == demo


def test_the_demo_rollups_equal_a_full_recount(demo: int) -> None:
    incremental = snapshot()
    rollups_rebuild(now=RollupState.objects.get().as_of)
    assert snapshot() == incremental


@pytest.mark.parametrize("level", [Level.SUBDISTRICT, Level.COMMUNITY, Level.UNIT])
def test_the_demo_rates_equal_rates_py(demo: int, level: Level) -> None:
    as_of = RollupState.objects.get().as_of
    assert as_of is not None
    month = NOW.date().replace(day=1)
    rows = 0
    for _ in range(12):
        rows += assert_rates_equal(month, level, as_of)
        month = previous_month(month)
    assert rows > 0
