"""What one order contributes to the roll-ups: ONE SQL definition, used by the rebuild (for
every order, straight into OrderContribution) and by the incremental refresh (for the orders
that changed, read back and compared with their stored row).

The bits follow models.COUNTERS and the counting rules of workorders/rates.py:

- an order counts (`counted`) when dispatched, not declined, not merged and not marked
  unreasonable; the rate counters below are of counted orders only;
- its first contact is its earliest `contacted` event; on time when at or before
  contact_due_at; due (`response_due`) when contacted or its contact deadline is at or before
  `as_of`;
- its valid callback is its latest reached callback (by time, then id): `callbacks` when that
  callback says resolved or not, `callbacks_resolved` when it says resolved, and its
  satisfaction word;
- the bucket is the order's receipt day (Asia/Shanghai) and its *current* subdistrict,
  community, lead unit and category.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import connection

from gongzhi.insights.models import COUNTERS
from gongzhi.workorders.models import (
    Callback,
    EventKind,
    Satisfaction,
    Status,
    WorkOrder,
    WorkOrderEvent,
)
from gongzhi.workorders.sla import SHANGHAI

BIT = {name: 1 << i for i, name in enumerate(COUNTERS)}


@dataclass(frozen=True)
class Contribution:
    order_id: int
    day: dt.date
    subdistrict_id: int | None
    community_id: int | None
    unit_id: int | None
    category_id: int
    flags: int

    @property
    def month(self) -> dt.date:
        return self.day.replace(day=1)


def _qn(name: str) -> str:
    return connection.ops.quote_name(name)


def tables() -> dict[str, str]:
    return {
        "orders": _qn(WorkOrder._meta.db_table),
        "events": _qn(WorkOrderEvent._meta.db_table),
        "callbacks": _qn(Callback._meta.db_table),
    }


def select_sql(
    *, order_filter: str, filter_params: list[object], as_of: dt.datetime
) -> tuple[str, list[object]]:
    """SELECT order_id, day, subdistrict_id, community_id, unit_id, category_id, flags for the
    orders matching `order_filter`, an SQL condition on `{col}` (an order id column; it is
    applied to the orders and to the event and callback sub-queries alike, with
    `filter_params` each time)."""
    t = tables()
    day_sql, day_params = connection.ops.datetime_cast_date_sql("o.received_at", (), SHANGHAI.key)
    as_of_value = connection.ops.adapt_datetimefield_value(as_of)
    counted = (
        "o.dispatched_at IS NOT NULL AND o.excluded_from_scoring = %s AND o.status NOT IN (%s, %s)"
    )
    counted_params: list[object] = [False, Status.DECLINED.value, Status.MERGED.value]
    # (counter, extra condition beyond `counted` or None for a plain condition, params)
    plain: list[tuple[str, str, list[object]]] = [
        ("received", "1 = 1", []),
        ("dispatched", "o.dispatched_at IS NOT NULL", []),
        ("declined", "o.status = %s", [Status.DECLINED.value]),
        ("merged", "o.status = %s", [Status.MERGED.value]),
        ("unreasonable", "o.excluded_from_scoring = %s", [True]),
    ]
    scored: list[tuple[str, str, list[object]]] = [
        ("counted", "1 = 1", []),
        ("contacted", "fc.first_at IS NOT NULL", []),
        (
            "response_due",
            "(fc.first_at IS NOT NULL OR o.contact_due_at <= %s)",
            [as_of_value],
        ),
        ("contacted_in_time", "fc.first_at <= o.contact_due_at", []),
        ("resolved", "o.resolved_at IS NOT NULL", []),
        ("overdue", "o.overdue = %s", [True]),
        ("callbacks", "cb.resolved IS NOT NULL", []),
        ("callbacks_resolved", "cb.resolved = %s", [True]),
        ("satisfied", "cb.satisfaction = %s", [Satisfaction.SATISFIED.value]),
        ("basically", "cb.satisfaction = %s", [Satisfaction.BASICALLY.value]),
        ("unsatisfied", "cb.satisfaction = %s", [Satisfaction.UNSATISFIED.value]),
    ]
    assert [c for c, _s, _p in plain + scored] == list(COUNTERS)
    terms: list[str] = []
    params: list[object] = list(day_params)
    for name, cond, p in plain:
        terms.append(f"CASE WHEN {cond} THEN {BIT[name]} ELSE 0 END")
        params += p
    for name, cond, p in scored:
        terms.append(f"CASE WHEN {counted} AND {cond} THEN {BIT[name]} ELSE 0 END")
        params += counted_params + p
    flags = " + ".join(terms)
    sql = f"""
        SELECT o.id, {day_sql}, o.subdistrict_id, o.community_id, o.lead_unit_id,
               o.category_id, {flags}
        FROM {t["orders"]} o
        LEFT JOIN (
            SELECT e.order_id, MIN(e.at) AS first_at
            FROM {t["events"]} e
            WHERE e.kind = %s AND {order_filter.format(col="e.order_id")}
            GROUP BY e.order_id
        ) fc ON fc.order_id = o.id
        LEFT JOIN (
            SELECT r.order_id, r.resolved, r.satisfaction
            FROM (
                SELECT c.order_id, c.resolved, c.satisfaction,
                       ROW_NUMBER() OVER (
                           PARTITION BY c.order_id ORDER BY c.at DESC, c.id DESC
                       ) AS rn
                FROM {t["callbacks"]} c
                WHERE c.reached = %s AND {order_filter.format(col="c.order_id")}
            ) r
            WHERE r.rn = 1
        ) cb ON cb.order_id = o.id
        WHERE {order_filter.format(col="o.id")}
    """
    params += [EventKind.CONTACTED.value, *filter_params, True, *filter_params, *filter_params]
    return sql, params


def id_filter(ids: list[int]) -> tuple[str, list[object]]:
    return "{col} IN (" + ", ".join(["%s"] * len(ids)) + ")", list(ids)


def received_filter(start: dt.datetime, end: dt.datetime) -> tuple[str, list[object]]:
    """The orders received in [start, end)."""
    ops = connection.ops
    return (
        "{col} IN (SELECT w.id FROM "
        + tables()["orders"]
        + " w WHERE w.received_at >= %s AND w.received_at < %s)",
        [ops.adapt_datetimefield_value(start), ops.adapt_datetimefield_value(end)],
    )


ALL_ORDERS: tuple[str, list[object]] = ("{col} IS NOT NULL", [])


def _as_date(value: object) -> dt.date:
    if isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value))


def contributions_of(ids: list[int], *, as_of: dt.datetime) -> dict[int, Contribution]:
    """The current contributions of these orders (missing: the order no longer exists)."""
    out: dict[int, Contribution] = {}
    with connection.cursor() as cursor:
        for start in range(0, len(ids), 400):
            chunk = ids[start : start + 400]
            condition, filter_params = id_filter(chunk)
            sql, params = select_sql(
                order_filter=condition, filter_params=filter_params, as_of=as_of
            )
            cursor.execute(sql, params)  # type: ignore[arg-type]
            for oid, day, sd, cm, unit, cat, flags in cursor.fetchall():
                out[oid] = Contribution(oid, _as_date(day), sd, cm, unit, cat, int(flags))
    return out
