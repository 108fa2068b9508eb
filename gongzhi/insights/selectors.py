"""Reads over the roll-ups for pages, reports and the benchmark: the ranking (rankings.py,
re-exported), the dashboard's figures (`dashboard_summary`), and the input of a month's
hotspot scan (`place_category_days`, `place_category_baseline`).

None of these applies a person's visibility: they take a scope (the district or one
subdistrict) that the caller has already checked the person may see (rules.py of the page's
app, or accounts.selectors.person_scope).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from django.db import connection
from django.db.models import Sum

from gongzhi.insights.models import (
    COUNTERS,
    DailyRollup,
    MonthlyCategoryRollup,
    MonthlyLevelRollup,
    MonthlyPlaceCategoryRollup,
    RollupState,
)
from gongzhi.insights.rankings import (
    Grade,
    Level,
    RankingRow,
    RateFigures,
    month_start,
    previous_month,
    ranking,
    rate_figures,
)
from gongzhi.places.models import Community, Subdistrict
from gongzhi.workorders.models import Category

__all__ = [
    "AreaFigures",
    "DashboardSummary",
    "Grade",
    "Level",
    "PlaceCategoryStats",
    "RankingRow",
    "Scope",
    "dashboard_summary",
    "place_category_baseline",
    "place_category_days",
    "place_category_month_stats",
    "ranking",
    "rollups_as_of",
]

TREND_MONTHS = 13


@dataclass(frozen=True)
class Scope:
    """The district (subdistrict_id None) or one subdistrict."""

    subdistrict_id: int | None = None

    @classmethod
    def district(cls) -> Scope:
        return cls(None)


@dataclass(frozen=True)
class AreaFigures:
    """Counters and rates of one month, area or category."""

    key: int | None
    name: str
    counts: dict[str, int]
    rates: RateFigures
    parent_id: int | None = None  # a category's top-level category


@dataclass
class DashboardSummary:
    scope: Scope
    month: dt.date
    as_of: dt.datetime | None
    totals: AreaFigures  # the month, whole scope
    previous: AreaFigures  # the month before
    trend: list[tuple[dt.date, AreaFigures]] = field(
        default_factory=list
    )  # 13 months, oldest first
    # The district: its subdistricts; a subdistrict: its communities.
    areas: list[AreaFigures] = field(default_factory=list)
    categories: list[AreaFigures] = field(
        default_factory=list
    )  # leaf categories, most orders first
    top_categories: list[AreaFigures] = field(default_factory=list)


def _zero() -> dict[str, int]:
    return dict.fromkeys(COUNTERS, 0)


def _sums() -> dict[str, Sum]:
    return {f"total_{c}": Sum(c) for c in COUNTERS}


def _counts(row: Mapping[str, Any]) -> dict[str, int]:
    return {c: int(row.get(f"total_{c}") or 0) for c in COUNTERS}


def _figures(
    key: int | None, name: str, counts: dict[str, int], parent: int | None = None
) -> AreaFigures:
    return AreaFigures(key, name, counts, rate_figures(counts), parent)


def _months_back(month: dt.date, n: int) -> list[dt.date]:
    months = [month_start(month)]
    while len(months) < n:
        months.append(previous_month(months[-1]))
    return list(reversed(months))


def rollups_as_of() -> dt.datetime | None:
    """The time the roll-ups are current to (their last refresh or rebuild)."""
    return RollupState.objects.filter(name="rollups").values_list("as_of", flat=True).first()


def dashboard_summary(scope: Scope, month: dt.date) -> DashboardSummary:
    """The dashboard's figures for a month: totals and last month, a 13-month trend, the areas
    one level down, and the categories — six small queries over the monthly roll-ups (the
    trend and the areas from MonthlyLevelRollup, the categories from MonthlyCategoryRollup)."""
    month = month_start(month)
    months = _months_back(month, TREND_MONTHS)
    levels = MonthlyLevelRollup.objects.filter(level=MonthlyLevelRollup.Level.SUBDISTRICT)
    by_category = MonthlyCategoryRollup.objects.all()
    if scope.subdistrict_id is not None:
        levels = levels.filter(key=scope.subdistrict_id)
        by_category = by_category.filter(subdistrict_id=scope.subdistrict_id)

    trend_rows = {
        r["month"]: _counts(r)
        for r in levels.filter(month__gte=months[0], month__lte=month)
        .values("month")
        .annotate(**_sums())
        .order_by()
    }
    trend = [(m, _figures(None, f"{m:%Y-%m}", trend_rows.get(m, _zero()))) for m in months]

    areas_qs = MonthlyLevelRollup.objects.filter(month=month, key__isnull=False)
    if scope.subdistrict_id is None:
        areas_qs = areas_qs.filter(level=MonthlyLevelRollup.Level.SUBDISTRICT)
        names_of: Any = Subdistrict.objects
    else:
        areas_qs = areas_qs.filter(
            level=MonthlyLevelRollup.Level.COMMUNITY, subdistrict_id=scope.subdistrict_id
        )
        names_of = Community.objects
    area_counts = {
        values[0]: dict(zip(COUNTERS, values[1:], strict=True))
        for values in areas_qs.values_list("key", *COUNTERS)
    }
    names = dict(names_of.filter(pk__in=list(area_counts)).values_list("pk", "name"))
    areas = sorted(
        (_figures(k, names.get(k, ""), c) for k, c in area_counts.items()),
        key=lambda a: (-a.counts["received"], a.name),
    )

    category_counts = {
        r["category_id"]: _counts(r)
        for r in by_category.filter(month=month)
        .values("category_id")
        .annotate(**_sums())
        .order_by()
    }
    tree = {
        pk: (name, parent)
        for pk, name, parent in Category.objects.values_list("pk", "name", "parent_id")
    }
    categories = sorted(
        (
            _figures(k, tree.get(k, ("", None))[0], c, tree.get(k, ("", None))[1])
            for k, c in category_counts.items()
        ),
        key=lambda a: (-a.counts["received"], a.name),
    )
    tops: dict[int, dict[str, int]] = defaultdict(_zero)
    for leaf in categories:
        top = leaf.parent_id or leaf.key
        assert top is not None
        for c in COUNTERS:
            tops[top][c] += leaf.counts[c]
    top_categories = sorted(
        (_figures(k, tree.get(k, ("", None))[0], c) for k, c in tops.items()),
        key=lambda a: (-a.counts["received"], a.name),
    )
    return DashboardSummary(
        scope=scope,
        month=month,
        as_of=rollups_as_of(),
        totals=trend[-1][1],
        previous=trend[-2][1],
        trend=trend,
        areas=areas,
        categories=categories,
        top_categories=top_categories,
    )


# --- the hotspot scan's input ------------------------------------------------------------


def place_category_days(
    month: dt.date, *, counter: str = "received"
) -> dict[tuple[int, int], dict[dt.date, int]]:
    """{(community, category): {day: count}} of the month's orders (days without orders left
    out), from the daily roll-up: one GROUP BY over the month's rows."""
    if counter not in COUNTERS:
        raise ValueError(counter)
    start = month_start(month)
    end = (start + dt.timedelta(days=32)).replace(day=1)
    table = connection.ops.quote_name(DailyRollup._meta.db_table)
    ops = connection.ops
    out: dict[tuple[int, int], dict[dt.date, int]] = defaultdict(dict)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT community_id, category_id, day, SUM({counter}) FROM {table} "
            "WHERE day >= %s AND day < %s AND community_id IS NOT NULL "
            "GROUP BY community_id, category_id, day",
            [ops.adapt_datefield_value(start), ops.adapt_datefield_value(end)],
        )
        for community, category, day, n in cursor.fetchall():
            if n:
                d = day if isinstance(day, dt.date) else dt.date.fromisoformat(day)
                out[(community, category)][d] = int(n)
    return out


def place_category_baseline(
    months: list[dt.date], *, counter: str = "received"
) -> dict[tuple[int, int], dict[dt.date, int]]:
    """{(community, category): {month: count}} over `months` (first days), from the monthly
    community × category roll-up (a place × category with no orders in a month is absent)."""
    if counter not in COUNTERS:
        raise ValueError(counter)
    out: dict[tuple[int, int], dict[dt.date, int]] = defaultdict(dict)
    rows = (
        MonthlyPlaceCategoryRollup.objects.filter(
            month__in=[month_start(m) for m in months], community_id__isnull=False
        )
        .filter(**{f"{counter}__gt": 0})
        .values_list("community_id", "category_id", "month", counter)
    )
    for community, category, month, n in rows.iterator(chunk_size=20000):
        out[(community, category)][month] = int(n)
    return out


@dataclass(frozen=True)
class PlaceCategoryStats:
    community_id: int
    category_id: int
    total: int  # orders received in the month
    peak: int  # on its busiest day
    days: int  # days with orders
    baseline_mean: float  # per month over the baseline months (months without orders: 0)
    baseline_sd: float


def place_category_month_stats(
    month: dt.date, baseline_months: list[dt.date]
) -> list[PlaceCategoryStats]:
    """For every community × category with orders in the month: its total, busiest day and
    days with orders (from the daily roll-up), and the mean and standard deviation of its
    monthly counts over `baseline_months` (from the monthly community × category roll-up),
    in one query: what a month's hotspot scan starts from."""
    start = month_start(month)
    end = (start + dt.timedelta(days=32)).replace(day=1)
    ops = connection.ops
    daily = ops.quote_name(DailyRollup._meta.db_table)
    monthly = ops.quote_name(MonthlyPlaceCategoryRollup._meta.db_table)
    base = [ops.adapt_datefield_value(month_start(m)) for m in baseline_months] or [None]
    marks = ", ".join(["%s"] * len(base))
    sql = f"""
        WITH per_day AS (
            SELECT community_id, category_id, day, SUM(received) AS n FROM {daily}
            WHERE day >= %s AND day < %s AND community_id IS NOT NULL
            GROUP BY community_id, category_id, day
        ), per_key AS (
            SELECT community_id, category_id, SUM(n) AS total, MAX(n) AS peak, COUNT(*) AS days
            FROM per_day GROUP BY community_id, category_id
        ), baseline AS (
            SELECT community_id, category_id, SUM(received) AS s1,
                   SUM(received * received) AS s2
            FROM {monthly} WHERE month IN ({marks}) AND community_id IS NOT NULL
            GROUP BY community_id, category_id
        )
        SELECT k.community_id, k.category_id, k.total, k.peak, k.days,
               COALESCE(b.s1, 0), COALESCE(b.s2, 0)
        FROM per_key k LEFT JOIN baseline b
          ON b.community_id = k.community_id AND b.category_id = k.category_id
        WHERE k.total > 0
    """
    k = max(1, len(baseline_months))
    out = []
    with connection.cursor() as cursor:
        cursor.execute(
            sql, [ops.adapt_datefield_value(start), ops.adapt_datefield_value(end), *base]
        )
        for community, category, total, peak, days, s1, s2 in cursor.fetchall():
            mean = float(s1) / k
            variance = max(0.0, float(s2) / k - mean * mean)
            out.append(
                PlaceCategoryStats(
                    community, category, int(total), int(peak), int(days), mean, variance**0.5
                )
            )
    return out
