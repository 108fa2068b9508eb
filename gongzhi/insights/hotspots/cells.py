"""The counts the hotspot scan reads, per level (compound: CompoundMonthCount; community: the
roll-ups' MonthlyPlaceCategoryRollup), gathered into one array per measure with one element
per place × category cell (stats.Baseline).

One read per level: the table's rows of the baseline months and the window's month as four
integer columns (month, place, category, count) — on PostgreSQL a binary COPY parsed by numpy,
34 bytes a row and no Python object per row, so that a million rows take well under a second —
and every sum the statistics need (per cell, per category and month, per place) is then a
numpy bincount. A week or day window adds one GROUP BY over the orders received in it (its
month's rows are then not read).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

import numpy as np
from django.conf import settings
from django.db import connection
from django.db.models import Count, Model
from numpy.typing import NDArray

from gongzhi.insights.hotspots import stats
from gongzhi.insights.hotspots.counts import add_months, local_bounds, next_month
from gongzhi.insights.hotspots.models import CompoundMonthCount, Level, Window
from gongzhi.insights.models import MonthlyPlaceCategoryRollup
from gongzhi.workorders.models import Status, WorkOrder


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


def month_number(day: dt.date) -> int:
    """Months since January 1970 (numpy's datetime64[M])."""
    return (day.year - 1970) * 12 + day.month - 1


@dataclass
class Rows:
    """Columns of (month number, place, category, count)."""

    month: NDArray[np.int64]
    place: NDArray[np.int64]
    category: NDArray[np.int64]
    n: NDArray[np.float64]

    @classmethod
    def of(cls, rows: list[tuple[int, int, int, int]]) -> Rows:
        a = np.array(rows, dtype=np.int64).reshape(-1, 4)
        return cls(a[:, 0], a[:, 1], a[:, 2], a[:, 3].astype(np.float64))

    def __add__(self, other: Rows) -> Rows:
        return Rows(
            np.concatenate([self.month, other.month]),
            np.concatenate([self.place, other.place]),
            np.concatenate([self.category, other.category]),
            np.concatenate([self.n, other.n]),
        )


def _date(value: object) -> dt.date:
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value))


def _read(level: str, lo: dt.date, hi: dt.date) -> Rows:
    """The level's rows of the months [lo, hi]."""
    model, place = _LEVELS[level]
    table = connection.ops.quote_name(model._meta.db_table)
    where = f"month >= %s AND month <= %s AND {place} IS NOT NULL AND received > 0"
    if connection.vendor == "postgresql":
        # One value back: every row as four big-endian int4 (the month as days since
        # 2000-01-01) concatenated by the server, read with one numpy call. Fetching the rows
        # one by one (even by binary COPY, which libpq hands over a row at a time) costs
        # microseconds of Python per row.
        sql = (
            "SELECT string_agg(int4send(CAST(month - DATE '2000-01-01' AS int4)) "
            f"|| int4send(CAST({place} AS int4)) || int4send(CAST(category_id AS int4)) "
            f"|| int4send(CAST(received AS int4)), ''::bytea) FROM {table} WHERE {where}"
        )
        with connection.cursor() as cursor:
            cursor.execute(sql, [lo, hi])
            packed = cursor.fetchone()[0]
        data = np.frombuffer(bytes(packed or b""), dtype=">i4").reshape(-1, 4).astype(np.int64)
        days = np.datetime64("2000-01-01", "D") + data[:, 0].astype("timedelta64[D]")
        return Rows(
            days.astype("datetime64[M]").astype(np.int64),
            data[:, 1],
            data[:, 2],
            data[:, 3].astype(np.float64),
        )
    ops = connection.ops
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT month, {place}, category_id, received FROM {table} WHERE {where}",
            [ops.adapt_datefield_value(lo), ops.adapt_datefield_value(hi)],
        )
        return Rows.of(
            [(month_number(_date(m)), int(p), int(c), int(n)) for m, p, c, n in cursor.fetchall()]
        )


def _window_rows(level: str, period: Period) -> Rows:
    """The orders received in the window per place × category, as rows of its month."""
    start, end = local_bounds(period.start, period.end)
    place = "compound_id" if level == Level.COMPOUND else "community_id"
    rows = (
        # status IN (every status): the (status, received_at) index (see counts.py).
        WorkOrder.objects.filter(
            status__in=Status.values, received_at__gte=start, received_at__lt=end
        )
        .exclude(**{f"{place}__isnull": True})
        .values(place, "category_id")
        .annotate(n=Count("id"))
        .values_list(place, "category_id", "n")
        .order_by()
    )
    m = month_number(period.month)
    return Rows.of([(m, int(p), int(c), int(n)) for p, c, n in rows])


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
    """One level's cells as arrays (one element per place × category with orders in the months
    read), with their category's district figures."""

    level: str
    place: NDArray[np.int64]
    category: NDArray[np.int64]
    n_now: NDArray[np.float64]
    baseline: stats.Baseline
    f_now: NDArray[np.float64]
    tested: NDArray[np.bool_]
    totals_now: dict[int, float]  # category → the level's district count in the window
    months_with_orders: dict[int, int]  # category → baseline months with orders


def gather(level: str, period: Period, b_lo: dt.date, same: list[dt.date]) -> Cells:
    """Read the level's rows and sum them per cell (stats.Baseline says which sums)."""
    month = period.month
    if period.window == Window.MONTH:
        rows = _read(level, b_lo, month)
    else:
        rows = _read(level, b_lo, add_months(month, -1)) + _window_rows(level, period)
    m_lo, span = month_number(b_lo), month_number(month) - month_number(b_lo) + 1
    now = span - 1  # the window's month, as an index
    # Dense indexes of the categories and of the place × category cells.
    categories, cat = np.unique(rows.category, return_inverse=True)
    width = int(rows.category.max()) + 1 if len(rows.n) else 1
    codes, cell = np.unique(rows.place * width + rows.category, return_inverse=True)
    n_cells, n_cats = len(codes), len(categories)
    t = rows.month - m_lo
    # The level's district count per category × month; the baseline months are all but `now`.
    f = np.bincount(cat * span + t, weights=rows.n, minlength=n_cats * span).astype(np.float64)
    f = f.reshape(n_cats, span)
    fb = f[:, :now]
    same_months = np.zeros(span, dtype=bool)
    for m in same:
        if 0 <= month_number(m) - m_lo < now:
            same_months[month_number(m) - m_lo] = True
    in_base = t < now

    def per_cell(weights: NDArray[np.float64]) -> NDArray[np.float64]:
        return np.bincount(cell, weights=weights, minlength=n_cells).astype(np.float64)

    cell_cat = np.zeros(n_cells, dtype=np.int64)
    cell_cat[cell] = cat
    fb_same = fb[:, same_months[:now]]
    s1 = per_cell(np.where(in_base, rows.n, 0.0))
    baseline = stats.Baseline(
        s1=s1,
        s2=per_cell(np.where(in_base, rows.n * rows.n, 0.0)),
        s3=per_cell(np.where(in_base, rows.n * f[cat, t], 0.0)),
        s_same=per_cell(np.where(same_months[t], rows.n, 0.0)),
        a1=fb.sum(axis=1)[cell_cat],
        a2=(fb * fb).sum(axis=1)[cell_cat],
        a_same=fb_same.sum(axis=1)[cell_cat],
        years=(fb_same > 0).sum(axis=1).astype(np.float64)[cell_cat],
    )
    place = codes // width
    # A place is compared only if it has some orders in the baseline (of any category).
    _places, place_index = np.unique(place, return_inverse=True)
    history = np.bincount(place_index, weights=s1)[place_index]
    months_with_orders = (fb > 0).sum(axis=1)
    min_months = settings.GONGZHI_HOTSPOT_MIN_BASELINE_MONTHS
    return Cells(
        level=level,
        place=place,
        category=codes % width,
        n_now=per_cell(np.where(t == now, rows.n, 0.0)),
        baseline=baseline,
        f_now=f[:, now][cell_cat],
        tested=(history > 0) & (months_with_orders[cell_cat] >= min_months),
        totals_now={int(c): float(v) for c, v in zip(categories, f[:, now], strict=True) if v},
        months_with_orders={
            int(c): int(v) for c, v in zip(categories, months_with_orders, strict=True)
        },
    )
