"""CompoundMonthCount: orders received per month × compound × category, recounted from the
orders in one set-based statement (all months, or one).

Why a recount and not an incremental feed: an order's compound and category are set at intake
and no service changes them, so a month's counts change only while orders are being received
into it; the periodic scan recounts the month it scans (and the month before, while it is
still being scanned) and every earlier month stays as it was counted. The roll-ups' event
watermark (rollups/) would be the way if compounds became editable; their community-level
table (MonthlyPlaceCategoryRollup) is read directly by the scan.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import connection, transaction

from gongzhi.insights.hotspots.models import CompoundMonthCount
from gongzhi.workorders.models import Status, WorkOrder
from gongzhi.workorders.sla import SHANGHAI


def month_start(day: dt.date) -> dt.date:
    return day.replace(day=1)


def next_month(month: dt.date) -> dt.date:
    return (month.replace(day=1) + dt.timedelta(days=32)).replace(day=1)


def add_months(month: dt.date, n: int) -> dt.date:
    index = month.year * 12 + month.month - 1 + n
    return dt.date(index // 12, index % 12 + 1, 1)


def local_bounds(start: dt.date, end: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """[start, end) in Asia/Shanghai as aware datetimes."""
    return (
        dt.datetime.combine(start, dt.time(), tzinfo=SHANGHAI),
        dt.datetime.combine(end, dt.time(), tzinfo=SHANGHAI),
    )


def _month_sql(date_sql: str) -> str:
    if connection.vendor == "postgresql":
        return f"CAST(date_trunc('month', {date_sql}) AS date)"
    if connection.vendor == "sqlite":
        return f"date({date_sql}, 'start of month')"
    raise NotImplementedError(f"hotspot counts on {connection.vendor}")


def compound_counts_rebuild(*, month: dt.date | None = None) -> int:
    """Recount CompoundMonthCount from the orders: every month, or the month of `month`.
    Returns the number of rows written. Idempotent; one transaction (readers see the old
    counts until it commits).

    A month's orders are found through the (status, received_at) index: "status IN (every
    status)" lets PostgreSQL scan one index range per status instead of the whole table (the
    orders have no index on received_at alone)."""
    qn = connection.ops.quote_name
    ops = connection.ops
    table = qn(CompoundMonthCount._meta.db_table)
    orders = qn(WorkOrder._meta.db_table)
    day_sql, day_params = ops.datetime_cast_date_sql("o.received_at", (), SHANGHAI.key)
    month_sql = _month_sql(day_sql)
    where = "o.compound_id IS NOT NULL AND o.community_id IS NOT NULL"
    params: list[Any] = [*day_params]
    delete_where: str = ""
    delete_params: list[Any] = []
    if month is not None:
        first = month_start(month)
        start, end = local_bounds(first, next_month(first))
        where += f" AND o.status IN ({', '.join(['%s'] * len(Status.values))})"
        where += " AND o.received_at >= %s AND o.received_at < %s"
        params += [*Status.values]
        params += [ops.adapt_datetimefield_value(start), ops.adapt_datetimefield_value(end)]
        delete_where, delete_params = " WHERE month = %s", [ops.adapt_datefield_value(first)]
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {table}{delete_where}", delete_params)
        cursor.execute(
            f"INSERT INTO {table} (month, subdistrict_id, community_id, compound_id, "
            "category_id, received) "
            f"SELECT m, MIN(subdistrict_id), MIN(community_id), compound_id, category_id, "
            "COUNT(*) FROM ("
            f"SELECT {month_sql} AS m, o.subdistrict_id, o.community_id, o.compound_id, "
            f"o.category_id FROM {orders} o WHERE {where}"
            ") x GROUP BY m, compound_id, category_id",
            params,
        )
        written = cursor.rowcount
    if connection.vendor == "postgresql" and month is None:
        with connection.cursor() as cursor:
            cursor.execute(f"ANALYZE {table}")
    return int(written)
