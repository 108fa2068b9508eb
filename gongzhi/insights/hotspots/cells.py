"""The counts the hotspot scan reads, per level (compound: CompoundMonthCount; community: the
roll-ups' MonthlyPlaceCategoryRollup), gathered into one array per measure with one element
per place × category cell (stats.Baseline). Two aggregate queries per level for a month
window; a week or day window adds one GROUP BY over the orders received in it."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

import numpy as np
from django.conf import settings
from django.db import connection
from django.db.models import Count, Model

from gongzhi.insights.hotspots import stats
from gongzhi.insights.hotspots.counts import add_months, local_bounds, next_month
from gongzhi.insights.hotspots.models import CompoundMonthCount, Level, Window
from gongzhi.insights.models import MonthlyPlaceCategoryRollup
from gongzhi.workorders.models import WorkOrder


@dataclass(frozen=True)
class Period:
    window: str
    start: dt.date
    end: dt.date  # exclusive

    @property
    def month(self) -> dt.date:
        return self.start.replace(day=1)


def period_of(window: str, day: dt.date) -> Period:
    """The month, ISO week (Monday to Sunday) or day containing `day`."""
    if window == Window.MONTH:
        first = day.replace(day=1)
        return Period(Window.MONTH, first, next_month(first))
    if window == Window.WEEK:
        monday = day - dt.timedelta(days=day.weekday())
        return Period(Window.WEEK, monday, monday + dt.timedelta(days=7))
    if window == Window.DAY:
        return Period(Window.DAY, day, day + dt.timedelta(days=1))
    raise ValueError(f"unknown window {window!r}")


_LEVELS: dict[str, tuple[type[Model], str]] = {
    Level.COMPOUND: (CompoundMonthCount, "compound_id"),
    Level.COMMUNITY: (MonthlyPlaceCategoryRollup, "community_id"),
}


def _date(value: object) -> dt.date:
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value))


def _totals(level: str, lo: dt.date, hi: dt.date) -> dict[tuple[dt.date, int], float]:
    """{(month, category): the level's district count} for months in [lo, hi]."""
    model, place = _LEVELS[level]
    ops, qn = connection.ops, connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT month, category_id, SUM(received) FROM {qn(model._meta.db_table)} "
            f"WHERE month >= %s AND month <= %s AND {place} IS NOT NULL "
            "GROUP BY month, category_id",
            [ops.adapt_datefield_value(lo), ops.adapt_datefield_value(hi)],
        )
        return {(_date(m), int(c)): float(n or 0) for m, c, n in cursor.fetchall()}


def _cells(
    level: str, lo: dt.date, hi: dt.date, month: dt.date, same: list[dt.date]
) -> dict[tuple[int, int], list[float]]:
    """{(place, category): [s1, s2, s3, s_same, n_month]} over months [lo, hi]: the place's
    sums over the baseline months (those before `month`) and its count in `month`."""
    model, place = _LEVELS[level]
    ops, qn = connection.ops, connection.ops.quote_name
    d = ops.adapt_datefield_value
    same_sql = ", ".join(["%s"] * len(same)) if same else "NULL"
    sql = f"""
        WITH r AS (
            SELECT month, {place} AS place, category_id, SUM(received) AS n
            FROM {qn(model._meta.db_table)}
            WHERE month >= %s AND month <= %s AND {place} IS NOT NULL
            GROUP BY month, {place}, category_id
        ), t AS (
            SELECT month, category_id, SUM(n) AS f FROM r GROUP BY month, category_id
        )
        SELECT r.place, r.category_id,
            SUM(CASE WHEN r.month < %s THEN r.n ELSE 0 END),
            SUM(CASE WHEN r.month < %s THEN r.n * r.n ELSE 0 END),
            SUM(CASE WHEN r.month < %s THEN r.n * t.f ELSE 0 END),
            SUM(CASE WHEN r.month IN ({same_sql}) THEN r.n ELSE 0 END),
            SUM(CASE WHEN r.month = %s THEN r.n ELSE 0 END)
        FROM r JOIN t ON t.month = r.month AND t.category_id = r.category_id
        GROUP BY r.place, r.category_id
    """
    params = [d(lo), d(hi), d(month), d(month), d(month), *[d(m) for m in same], d(month)]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return {
            (int(p), int(c)): [float(v or 0) for v in values] for p, c, *values in cursor.fetchall()
        }


def _window_counts(level: str, period: Period) -> dict[tuple[int, int], float]:
    """{(place, category): orders received in the window} from the orders (week/day)."""
    start, end = local_bounds(period.start, period.end)
    place = "compound_id" if level == Level.COMPOUND else "community_id"
    rows = (
        WorkOrder.objects.filter(received_at__gte=start, received_at__lt=end)
        .exclude(**{f"{place}__isnull": True})
        .values_list(place, "category_id")
        .order_by()
    )
    out: dict[tuple[int, int], float] = defaultdict(float)
    for p, c, n in rows.annotate(n=Count("id")).values_list(place, "category_id", "n"):
        out[(int(p), int(c))] += float(n)
    return out


def series(
    level: str, lo: dt.date, hi: dt.date, keys: list[tuple[int, int]]
) -> dict[tuple[int, int], dict[str, int]]:
    """{(place, category): {"YYYY-MM": count}} for a few cells (the evidence of the flagged)."""
    if not keys:
        return {}
    model, place = _LEVELS[level]
    wanted = set(keys)
    rows = (
        model._default_manager.filter(
            month__gte=lo,
            month__lte=hi,
            category_id__in={c for _p, c in keys},
            **{f"{place}__in": {p for p, _c in keys}},
        )
        .values_list("month", place, "category_id", "received")
        .order_by("month")
    )
    out: dict[tuple[int, int], dict[str, int]] = defaultdict(dict)
    for m, p, c, n in rows:
        if (p, c) in wanted and n:
            key = f"{m:%Y-%m}"
            out[(p, c)][key] = out[(p, c)].get(key, 0) + int(n)
    return out


@dataclass
class Cells:
    """One level's cells as arrays, and what the statistics made of them."""

    level: str
    keys: list[tuple[int, int]]
    n_now: np.ndarray
    baseline: stats.Baseline
    f_now: np.ndarray
    tested: np.ndarray  # bool
    totals_now: dict[int, float]
    months_with_orders: dict[int, int]


def gather(level: str, period: Period, b_lo: dt.date, same: list[dt.date]) -> Cells:
    month = period.month
    b_hi = add_months(month, -1)
    whole_month = period.window == Window.MONTH
    totals = _totals(level, b_lo, month if whole_month else b_hi)
    cells = _cells(level, b_lo, month if whole_month else b_hi, month, same)
    if whole_month:
        now = {k: v[4] for k, v in cells.items() if v[4]}
        totals_now: dict[int, float] = defaultdict(float)
        for (m, c), f in totals.items():
            if m == month:
                totals_now[c] += f
    else:
        now = _window_counts(level, period)
        totals_now = defaultdict(float)
        for (_p, c), n in now.items():
            totals_now[c] += n
        for k in now:
            cells.setdefault(k, [0.0, 0.0, 0.0, 0.0, 0.0])
    keys = sorted(cells)
    per_category: dict[int, list[float]] = defaultdict(lambda: [0.0, 0.0, 0.0, 0.0])
    for (m, c), f in totals.items():
        if m >= month:
            continue
        acc = per_category[c]
        acc[0] += f
        acc[1] += f * f
        if m in same:
            acc[2] += f
            acc[3] += 1

    months_with_orders: dict[int, int] = defaultdict(int)
    for (m, c), f in totals.items():
        if m < month and f > 0:
            months_with_orders[c] += 1
    history: dict[int, float] = defaultdict(float)
    for (p, _c), v in cells.items():
        history[p] += v[0]

    def col(i: int) -> np.ndarray:
        return np.array([cells[k][i] for k in keys], dtype=np.float64)

    def cat(i: int) -> np.ndarray:
        return np.array([per_category[c][i] for _p, c in keys], dtype=np.float64)

    baseline = stats.Baseline(
        s1=col(0),
        s2=col(1),
        s3=col(2),
        s_same=col(3),
        a1=cat(0),
        a2=cat(1),
        a_same=cat(2),
        years=cat(3),
    )
    min_months = settings.GONGZHI_HOTSPOT_MIN_BASELINE_MONTHS
    tested = np.array(
        [history[p] > 0 and months_with_orders[c] >= min_months for p, c in keys], dtype=bool
    )
    return Cells(
        level=level,
        keys=keys,
        n_now=np.array([now.get(k, 0.0) for k in keys], dtype=np.float64),
        baseline=baseline,
        f_now=np.array([totals_now.get(c, 0.0) for _p, c in keys], dtype=np.float64),
        tested=tested,
        totals_now=dict(totals_now),
        months_with_orders=dict(months_with_orders),
    )
