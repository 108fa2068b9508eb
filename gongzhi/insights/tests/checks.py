"""Comparisons shared by the roll-up tests: the roll-up tables as plain data, and the ranking's
figures against workorders/rates.py."""

from __future__ import annotations

import datetime as dt
from typing import Any

from gongzhi.insights.models import (
    COUNTERS,
    DailyRollup,
    MonthlyCategoryRollup,
    MonthlyLevelRollup,
    MonthlyPlaceCategoryRollup,
    MonthlyRollup,
    OrderContribution,
)
from gongzhi.insights.rankings import ranking
from gongzhi.workorders import rates


def snapshot() -> dict[str, dict[tuple[Any, ...], tuple[int, ...]]]:
    """Every roll-up table as {bucket: counters}, rows of all zeros left out (the refresh
    keeps a bucket's row when its last order moves away; a recount has no such row)."""
    out = {}
    for model, keys in (
        (DailyRollup, ("day", "subdistrict_id", "community_id", "unit_id", "category_id")),
        (MonthlyRollup, ("month", "subdistrict_id", "community_id", "unit_id")),
        (MonthlyCategoryRollup, ("month", "subdistrict_id", "category_id")),
        (
            MonthlyPlaceCategoryRollup,
            ("month", "subdistrict_id", "community_id", "category_id"),
        ),
        (MonthlyLevelRollup, ("month", "level", "key", "subdistrict_id")),
    ):
        table = {}
        for row in model.objects.values(*keys, *COUNTERS):
            counters = tuple(row[c] for c in COUNTERS)
            if any(counters):
                key = tuple(row[k] for k in keys)
                assert key not in table, f"two {model.__name__} rows for {key}"
                table[key] = counters
        out[model.__name__] = table
    out["contributions"] = {
        (r.order_id,): (r.day, r.subdistrict_id, r.community_id, r.unit_id, r.category_id, r.flags)
        for r in OrderContribution.objects.all()
    }
    return out


def assert_rates_equal(month: dt.date, level: str, as_of: dt.datetime) -> int:
    """The ranking's figures for every row equal rates.monthly_rates'. Returns the rows."""
    expected = {
        r.key: r
        for r in rates.monthly_rates(year=month.year, month=month.month, level=level, as_of=as_of)
    }
    got = {r.key: r for r in ranking(level, month)}
    assert set(got) == set(expected)
    for key, row in got.items():
        want = expected[key]
        assert (
            row.counts["counted"],
            row.counts["response_due"],
            row.counts["contacted_in_time"],
            row.counts["callbacks"],
            row.counts["callbacks_resolved"],
            row.counts["satisfied"],
            row.counts["basically"],
            row.counts["unsatisfied"],
        ) == (
            want.orders,
            want.response_due,
            want.responded_in_time,
            want.callbacks,
            want.resolved,
            want.satisfied,
            want.basically,
            want.unsatisfied,
        ), (level, month, key)
        assert (
            row.rates.response,
            row.rates.resolution,
            row.rates.satisfaction,
            row.rates.composite,
        ) == (want.response_rate, want.resolution_rate, want.satisfaction_rate, want.composite)
    return len(got)
