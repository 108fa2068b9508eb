"""The full (or one month's) rebuild from raw rows, in a few set-based statements:

    OrderContribution  ← INSERT … SELECT contributions.select_sql(…)   (every order)
    DailyRollup        ← INSERT … SELECT … GROUP BY bucket FROM OrderContribution
    Monthly*Rollup     ← INSERT … SELECT … GROUP BY FROM DailyRollup (each of the three)

under the RollupState lock (waiting for a refresh in progress), in one transaction: readers
see the old figures until it commits. A full rebuild sets the watermark to the highest event
id seen *before* reading the orders (anything committed later is applied again by the next
refresh, which is harmless) with the ids missing just below it as gaps, and `as_of` to now. A
month's rebuild keeps the watermark and `as_of` (so that month agrees with the others).
"""

from __future__ import annotations

import datetime as dt
import time
from dataclasses import dataclass, field

from django.conf import settings
from django.db import connection, models, transaction
from django.db.models import Max
from django.utils import timezone

from gongzhi.insights.models import (
    COUNTERS,
    DailyRollup,
    MonthlyCategoryRollup,
    MonthlyLevelRollup,
    MonthlyPlaceCategoryRollup,
    MonthlyRollup,
    OrderContribution,
)
from gongzhi.insights.rollups import contributions
from gongzhi.insights.rollups.refresh import MAX_GAP_SPAN, ensure_state, lock_state
from gongzhi.workorders.models import WorkOrderEvent
from gongzhi.workorders.sla import SHANGHAI


@dataclass
class RebuildResult:
    orders: int = 0
    daily_rows: int = 0
    monthly_rows: int = 0
    monthly_category_rows: int = 0
    monthly_place_category_rows: int = 0
    event_id: int = 0
    seconds: dict[str, float] = field(default_factory=dict)


def _qn(name: str) -> str:
    return connection.ops.quote_name(name)


def _month_sql(column: str) -> str:
    if connection.vendor == "postgresql":
        return f"CAST(date_trunc('month', {column}) AS date)"
    if connection.vendor == "sqlite":
        return f"date({column}, 'start of month')"
    raise NotImplementedError(f"roll-ups on {connection.vendor}")


def _sums(source_expr: str) -> str:
    return ", ".join(source_expr.format(i=i, c=c) for i, c in enumerate(COUNTERS))


def _count(model: type[models.Model]) -> int:
    return int(model._default_manager.count())


def _month_bounds(month: dt.date) -> tuple[dt.datetime, dt.datetime]:
    start = dt.datetime(month.year, month.month, 1, tzinfo=SHANGHAI)
    end = dt.datetime(month.year + (month.month == 12), month.month % 12 + 1, 1, tzinfo=SHANGHAI)
    return start, end


def _gaps_below(high: int, now: dt.datetime) -> list[list[object]]:
    present = set(
        WorkOrderEvent.objects.filter(pk__gt=max(0, high - MAX_GAP_SPAN), pk__lte=high).values_list(
            "pk", flat=True
        )
    )
    first = max(1, high - MAX_GAP_SPAN + 1)
    return [[pk, now.isoformat()] for pk in range(first, high) if pk not in present]


def rollups_rebuild(
    *, month: dt.date | None = None, now: dt.datetime | None = None
) -> RebuildResult:
    """Recompute the roll-ups from the orders, their events and callbacks: all of them, or
    the orders received in `month` (any day of it). Idempotent."""
    now = now or timezone.now()
    ensure_state()
    result = RebuildResult()
    ops = connection.ops
    contribution = _qn(OrderContribution._meta.db_table)
    daily = _qn(DailyRollup._meta.db_table)
    monthly = _qn(MonthlyRollup._meta.db_table)
    monthly_category = _qn(MonthlyCategoryRollup._meta.db_table)
    monthly_place_category = _qn(MonthlyPlaceCategoryRollup._meta.db_table)
    monthly_level = _qn(MonthlyLevelRollup._meta.db_table)
    counters = ", ".join(COUNTERS)
    with transaction.atomic():
        state = lock_state(wait=True)
        assert state is not None
        clock = time.perf_counter()

        def lap(name: str) -> None:
            nonlocal clock
            t = time.perf_counter()
            result.seconds[name] = round(t - clock, 3)
            clock = t

        if month is None:
            high = int(WorkOrderEvent.objects.aggregate(m=Max("pk"))["m"] or 0)
            gaps = _gaps_below(high, now)
            as_of = now
            order_filter: tuple[str, list[object]] = contributions.ALL_ORDERS
            day_where, day_params = "", []
            month_where, month_params = "", []
        else:
            month = month.replace(day=1)
            high, gaps, as_of = state.event_id, state.gaps, state.as_of or now
            start, end = _month_bounds(month)
            order_filter = contributions.received_filter(start, end)
            next_month = end.date()
            day_where = " WHERE day >= %s AND day < %s"
            day_params = [ops.adapt_datefield_value(month), ops.adapt_datefield_value(next_month)]
            month_where = " WHERE month = %s"
            month_params = [ops.adapt_datefield_value(month)]

        select, params = contributions.select_sql(
            order_filter=order_filter[0], filter_params=order_filter[1], as_of=as_of
        )
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                # Room for the GROUP BYs and the callbacks' window sort to stay in memory
                # (the server default, 4 MB, spills them to disk); this transaction only.
                cursor.execute(
                    "SELECT set_config('work_mem', %s, true)",
                    [settings.GONGZHI_INSIGHTS_REBUILD_WORK_MEM],
                )
            cursor.execute(f"DELETE FROM {contribution}{day_where}", day_params)
            cursor.execute(
                f"INSERT INTO {contribution} (order_id, day, subdistrict_id, community_id, "
                f"unit_id, category_id, flags) {select}",
                params,  # type: ignore[arg-type]
            )
            lap("contributions")
            cursor.execute(f"DELETE FROM {daily}{day_where}", day_params)
            cursor.execute(
                f"INSERT INTO {daily} (day, subdistrict_id, community_id, unit_id, "
                f"category_id, {counters}) "
                f"SELECT day, subdistrict_id, community_id, unit_id, category_id, "
                f"{_sums('SUM((flags >> {i}) & 1)')} FROM {contribution}{day_where} "
                f"GROUP BY day, subdistrict_id, community_id, unit_id, category_id",
                day_params,
            )
            lap("daily")
            month_of_day = _month_sql("day")
            sums = _sums("SUM({c})")
            cursor.execute(f"DELETE FROM {monthly}{month_where}", month_params)
            cursor.execute(
                f"INSERT INTO {monthly} (month, subdistrict_id, community_id, unit_id, "
                f"{counters}) SELECT {month_of_day}, subdistrict_id, community_id, unit_id, "
                f"{sums} FROM {daily}{day_where} "
                f"GROUP BY {month_of_day}, subdistrict_id, community_id, unit_id",
                day_params,
            )
            cursor.execute(f"DELETE FROM {monthly_category}{month_where}", month_params)
            cursor.execute(
                f"INSERT INTO {monthly_category} (month, subdistrict_id, category_id, "
                f"{counters}) SELECT {month_of_day}, subdistrict_id, category_id, {sums} "
                f"FROM {daily}{day_where} GROUP BY {month_of_day}, subdistrict_id, category_id",
                day_params,
            )
            cursor.execute(f"DELETE FROM {monthly_place_category}{month_where}", month_params)
            cursor.execute(
                f"INSERT INTO {monthly_place_category} (month, subdistrict_id, community_id, "
                f"category_id, {counters}) SELECT {month_of_day}, subdistrict_id, community_id, "
                f"category_id, {sums} FROM {daily}{day_where} "
                f"GROUP BY {month_of_day}, subdistrict_id, community_id, category_id",
                day_params,
            )
            cursor.execute(f"DELETE FROM {monthly_level}{month_where}", month_params)
            for level, key, subdistrict in (
                ("subdistrict", "subdistrict_id", "subdistrict_id"),
                ("community", "community_id", "subdistrict_id"),
                ("unit", "unit_id", "NULL"),
            ):
                group = ", ".join(dict.fromkeys(c for c in (key, subdistrict) if c != "NULL"))
                cursor.execute(
                    f"INSERT INTO {monthly_level} (month, level, key, subdistrict_id, "
                    f"{counters}) SELECT month, %s, {key}, {subdistrict}, {sums} "
                    f"FROM {monthly}{month_where} GROUP BY month, {group}",
                    [level, *month_params],
                )
            lap("monthly")
        state.event_id, state.gaps, state.as_of = high, gaps, as_of
        state.rebuilt_at = now
        state.save()
    if connection.vendor == "postgresql":
        # Fresh statistics for the planner: the ranking's plans depend on them.
        with connection.cursor() as cursor:
            for table in (
                contribution,
                daily,
                monthly,
                monthly_category,
                monthly_place_category,
                monthly_level,
            ):
                cursor.execute(f"ANALYZE {table}")
        lap("analyze")
    result.event_id = high
    result.orders = _count(OrderContribution)
    result.daily_rows = _count(DailyRollup)
    result.monthly_rows = _count(MonthlyRollup)
    result.monthly_category_rows = _count(MonthlyCategoryRollup)
    result.monthly_place_category_rows = _count(MonthlyPlaceCategoryRollup)
    return result
