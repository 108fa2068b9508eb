"""Writing the planned orders: numbers reserved per day, then every table in a few bulk inserts.

Numbers come from the same daily counters the intake uses (services/numbering.py): a block
is reserved per day, so an order filed today through the intake never collides with a demo
order of today.
"""

from __future__ import annotations

import datetime as dt
import json
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.core.management.color import no_style
from django.db import connection, models
from django.db.models import Max
from django.db.models.deletion import ProtectedError
from django.utils import timezone

from gongzhi.workorders.demo.lifecycle import Ref, Row, Sim
from gongzhi.workorders.models import (
    Assignment,
    Callback,
    DailyCounter,
    ExtensionRequest,
    WhistleCall,
    WorkOrder,
    WorkOrderEvent,
)
from gongzhi.workorders.services.numbering import format_number
from gongzhi.workorders.sla import SHANGHAI

BATCH = 2000
# The `source` of every generated order: how a re-run finds (and replaces) them.
SOURCE = "demo-generator"

_ORDER_FIELDS = {f.attname for f in WorkOrder._meta.concrete_fields}


@dataclass
class Written:
    orders: int = 0
    events: int = 0
    assignments: int = 0
    callbacks: int = 0
    whistles: int = 0
    extensions: int = 0


def reserve(day: dt.date, count: int) -> range:
    """`count` consecutive sequence numbers of `day`, taken from the intake's counter."""
    if count <= 0:
        return range(0)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            name = f"workorder_seq_{day:%Y%m%d}"
            cursor.execute(f"CREATE SEQUENCE IF NOT EXISTS {name}")
            cursor.execute("SELECT nextval(%s)", [name])
            first = int(cursor.fetchone()[0])
            cursor.execute("SELECT setval(%s, %s)", [name, first + count - 1])
        else:
            table = connection.ops.quote_name(DailyCounter._meta.db_table)
            cursor.execute(
                f"INSERT INTO {table} (day, last) VALUES (%s, %s) "
                f"ON CONFLICT (day) DO UPDATE SET last = {table}.last + %s RETURNING last",
                [connection.ops.adapt_datefield_value(day), count, count],
            )
            first = int(cursor.fetchone()[0]) - count + 1
    return range(first, first + count)


def reserve_numbers(sims: list[Sim]) -> dict[int, str]:
    """Order numbers by index in `sims` (which are in the order received)."""
    by_day: dict[dt.date, list[int]] = defaultdict(list)
    for i, sim in enumerate(sims):
        by_day[sim.fields["received_at"].astimezone(SHANGHAI).date()].append(i)
    numbers: dict[int, str] = {}
    for day, indexes in sorted(by_day.items()):
        for i, seq in zip(indexes, reserve(day, len(indexes)), strict=True):
            numbers[i] = format_number(day, seq)
    return numbers


def delete_generated() -> int:
    """Remove the orders an earlier run generated (with their events and rows)."""
    old = WorkOrder.objects.filter(source=SOURCE)
    count = old.count()
    if not count:
        return 0
    old.filter(merged_into__isnull=False).update(merged_into=None)
    try:
        # The big dependent tables first, each in one statement (nothing hangs on their rows),
        # so that the order delete below has little left to collect.
        for model in (WorkOrderEvent, *CHILDREN):
            model._default_manager.filter(order__source=SOURCE).delete()
        old.delete()
    except ProtectedError as exc:
        from gongzhi.web.demo import DemoError

        raise DemoError(
            "演示工单已被其他数据引用（如查看诉求人信息的记录），无法替换。"
            "请用 --reset 清空数据库后重建。"
        ) from exc
    return count


def _converter(field: models.Field) -> Callable[[Any], Any]:
    """What the database driver needs for a field's value, without Django's per-value
    preparation (which costs more than the insert itself at this volume)."""
    if isinstance(field, models.DateTimeField) and connection.vendor == "sqlite":
        # Django stores aware datetimes in SQLite as naive UTC text.
        return lambda v: None if v is None else str(v.astimezone(dt.UTC).replace(tzinfo=None))
    if isinstance(field, models.JSONField):
        encoder = field.encoder
        return lambda v: json.dumps(v, cls=encoder, ensure_ascii=False)
    return lambda v: v


def insert(model: type[models.Model], rows: list[dict[str, Any]]) -> None:
    """Insert plain rows (attname → value, the primary key included; a missing or None value
    takes the field's default) with executemany, in batches."""
    fields = list(model._meta.concrete_fields)
    names = [f.attname for f in fields]
    # "" for a blank text column, None for a nullable one, the declared default otherwise.
    defaults = [f.get_default() for f in fields]
    for i, f in enumerate(fields):
        if isinstance(f, models.DateTimeField) and (f.auto_now or f.auto_now_add):
            defaults[i] = timezone.now()
    convert = [_converter(f) for f in fields]
    qn = connection.ops.quote_name
    sql = (
        f"INSERT INTO {qn(model._meta.db_table)} ({', '.join(qn(str(f.column)) for f in fields)}) "
        f"VALUES ({', '.join(['%s'] * len(fields))})"
    )
    with connection.cursor() as cursor:
        for start in range(0, len(rows), BATCH):
            cursor.executemany(
                sql,
                [
                    tuple(
                        c(default if (v := row.get(name)) is None else v)
                        for name, default, c in zip(names, defaults, convert, strict=True)
                    )
                    for row in rows[start : start + BATCH]
                ],
            )


def first_free_id(model: type[models.Model]) -> int:
    """Ids are given here rather than by the database, so that rows can point at each other
    before they are inserted; sequences are reset afterwards (`reset_sequences`)."""
    found = model._default_manager.aggregate(m=Max("pk"))["m"]
    return int(found or 0) + 1


def reset_sequences(models_: list[type[models.Model]]) -> None:
    statements = connection.ops.sequence_reset_sql(no_style(), models_)
    with connection.cursor() as cursor:
        for sql in statements:
            cursor.execute(sql)


def _resolve(data: dict[str, Any], numbers: dict[int, str], index: dict[int, int]) -> dict:
    out: dict[str, Any] = {}
    for key, value in data.items():
        if isinstance(value, Ref):
            out[key] = value.pk
        elif isinstance(value, Sim):
            out[key] = numbers[index[id(value)]]
        else:
            out[key] = value
    return out


CHILDREN = (Assignment, Callback, WhistleCall, ExtensionRequest)


def write(sims: list[Sim], *, keys: list[str]) -> Written:
    """Insert the orders and everything that hangs on them. `keys` are the orders'
    idempotency keys (how a re-run recognises the same plan)."""
    if connection.vendor == "sqlite":
        # The event table's two indexes outgrow SQLite's default 2 MB page cache after a few
        # thousand rows; with a larger cache the inserts stay in memory until commit.
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA cache_size = -262144")
    numbers = reserve_numbers(sims)
    index = {id(sim): i for i, sim in enumerate(sims)}
    first = first_free_id(WorkOrder)
    order_ids = list(range(first, first + len(sims)))
    insert(
        WorkOrder,
        [
            {
                **{k: v for k, v in sim.fields.items() if k in _ORDER_FIELDS},
                "id": order_ids[i],
                "number": numbers[i],
                "status": sim.status,
                "idempotency_key": keys[i],
                "merged_into_id": (
                    order_ids[index[id(sim.merged_into)]] if sim.merged_into else None
                ),
            }
            for i, sim in enumerate(sims)
        ],
    )
    children: dict[type, list[Row]] = defaultdict(list)
    for order_id, sim in zip(order_ids, sims, strict=True):
        for row in (*sim.assignments, *sim.callbacks, *sim.whistles, *sim.extensions):
            row.order_id = order_id
            children[row.model].append(row)
    for model in CHILDREN:
        rows = children[model]
        next_id = first_free_id(model)
        for i, row in enumerate(rows):
            row.id = next_id + i
        insert(model, [row.values for row in rows])

    first_event = first_free_id(WorkOrderEvent)
    events = [
        {
            "order_id": order_id,
            "at": ev.at,
            "kind": ev.kind,
            "actor_id": ev.actor_id,
            "actor_unit_id": ev.unit_id,
            "from_status": ev.from_status,
            "to_status": ev.to_status,
            "note": ev.note,
            "data": _resolve(ev.data, numbers, index) if ev.data else {},
        }
        for order_id, sim in zip(order_ids, sims, strict=True)
        for ev in sim.events
    ]
    for i, event in enumerate(events):
        event["id"] = first_event + i
    insert(WorkOrderEvent, events)
    reset_sequences([WorkOrder, *CHILDREN, WorkOrderEvent])
    return Written(
        orders=len(sims),
        events=len(events),
        assignments=len(children[Assignment]),
        callbacks=len(children[Callback]),
        whistles=len(children[WhistleCall]),
        extensions=len(children[ExtensionRequest]),
    )


def _batches(rows: list[Any]) -> Iterable[list[Any]]:
    for i in range(0, len(rows), BATCH):
        yield rows[i : i + BATCH]
