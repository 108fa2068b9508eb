"""Writing a new order and the rows that come with it (events, assignments, notifications,
duplicate links, the dispatch suggestion, photos), as one transaction.

An intake writes rows in up to six tables. Through the ORM that was one statement per table,
each built by Django's SQL compiler, plus BEGIN and COMMIT: most of an intake's time went into
building statements, not into the database. Here:

- **PostgreSQL**: the whole write is one statement. The order row is inserted with its number
  drawn inside the statement (the database function workorder_number, numbering.py), the
  other rows in data-modifying CTEs that take the new order's id from it. Each table's rows
  are one JSON parameter, turned into rows of the table by jsonb_populate_record(set): a
  handful of parameters whatever the number of rows and columns, so the statement's text
  does not change with them. A statement is atomic on its own: outside a transaction it
  commits by itself (no BEGIN, no COMMIT round trip); inside one it is part of it. It is
  bound on the server and prepared once per connection (web.db.prepared_cursor): the database
  plans it once. The idempotency key decides with `ON CONFLICT … DO NOTHING`: a repeated key
  (also a concurrent one, which waits for the first to commit) inserts the order row not at
  all, so none of the rows that hang on it; the caller then returns the first order.
- **SQLite** (no data-modifying CTEs, and it serialises writers anyway): the same rows through
  the ORM, one INSERT per table, in `transaction.atomic`; a repeated key fails the unique
  constraint and rolls back.

Rows are given as unsaved model instances whose `order` is the new (unsaved) order; they get
their primary keys, and the order its number and id, as if saved by the ORM.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import operator
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db import DEFAULT_DB_ALIAS, IntegrityError, connection, connections, models, transaction
from django.db.backends.base.base import BaseDatabaseWrapper

from gongzhi.web.db import prepared_cursor
from gongzhi.workorders.models import WorkOrder
from gongzhi.workorders.services import numbering

__all__ = ["intake_write"]


def _dumps(value: Any) -> str:
    # DjangoJSONEncoder for what a JSONField may hold besides plain JSON (decimals, UUIDs…).
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"), cls=DjangoJSONEncoder)


def _jsonable(value: Any) -> Any:
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    return value


# Field types whose Python value is its JSON value.
_AS_IS = frozenset(
    {
        "BigIntegerField",
        "BooleanField",
        "CharField",
        "FloatField",
        "ForeignKey",
        "IntegerField",
        "JSONField",
        "OneToOneField",
        "PositiveBigIntegerField",
        "PositiveIntegerField",
        "PositiveSmallIntegerField",
        "SmallIntegerField",
        "TextField",
    }
)


@dataclass(frozen=True)
class _Table:
    """A table's insertable columns and how their values are read off an unsaved instance as
    JSON (PostgreSQL turns them into the columns' types: jsonb_populate_record): all values
    with one attrgetter, then the datetimes as ISO text, then the other fields (auto_now,
    files…) as Django prepares them for a save."""

    name: str
    columns: tuple[str, ...]
    values: Callable[[models.Model], tuple[Any, ...]]
    datetimes: tuple[int, ...]
    prepared: tuple[tuple[int, models.Field], ...]


def _values(attnames: Sequence[str]) -> Callable[[models.Model], tuple[Any, ...]]:
    get = operator.attrgetter(*attnames)
    if len(attnames) == 1:
        return lambda obj: (get(obj),)
    return get


@functools.cache
def _table(model: type[models.Model], *, skip: str = "") -> _Table:
    """A table's insertable columns (all concrete ones but the primary key and `skip`)."""
    fields = [
        f
        for f in model._meta.concrete_fields
        if not f.primary_key and f.name != skip and f.generated is False
    ]
    datetimes, prepared = [], []
    for i, f in enumerate(fields):
        kind = f.get_internal_type()
        if kind == "DateTimeField" and not (f.auto_now or f.auto_now_add):  # type: ignore[attr-defined]
            datetimes.append(i)
        elif kind not in _AS_IS:
            prepared.append((i, f))
    return _Table(
        name=model._meta.db_table,
        columns=tuple(str(f.column) for f in fields),
        values=_values([f.attname for f in fields]),
        datetimes=tuple(datetimes),
        prepared=tuple(prepared),
    )


def _record(table: _Table, obj: models.Model, conn: BaseDatabaseWrapper) -> dict[str, Any]:
    values = list(table.values(obj))
    for i in table.datetimes:
        value = values[i]
        if value is not None:
            values[i] = value.isoformat()
    for i, field in table.prepared:
        values[i] = _jsonable(field.get_db_prep_save(field.pre_save(obj, True), conn))
    return dict(zip(table.columns, values, strict=True))


def _groups(rows: Sequence[models.Model]) -> list[tuple[type[models.Model], list[models.Model]]]:
    """The rows by model, in the order the models first appear (and the rows' own order)."""
    groups: dict[type[models.Model], list[models.Model]] = {}
    for row in rows:
        groups.setdefault(type(row), []).append(row)
    return list(groups.items())


@functools.lru_cache(maxsize=64)
def _statement(models_: tuple[type[models.Model], ...], numbered: bool) -> str:
    """The one statement that writes an order and its rows of `models_` (PostgreSQL). Each
    table's rows come as one JSON parameter (an object for the order, an array for the
    others), turned into the table's row type by jsonb_populate_record(set): a handful of
    parameters whatever the number of rows and columns."""
    qn = connection.ops.quote_name
    head = _table(WorkOrder, skip="number")
    number = "%s" if numbered else "workorder_number(%s::date)"
    ctes = [
        f"o AS (INSERT INTO {qn(head.name)} ({qn('number')}, "
        f"{', '.join(qn(c) for c in head.columns)}) "
        f"SELECT {number}, {', '.join('r.' + qn(c) for c in head.columns)} "
        f"FROM jsonb_populate_record(NULL::{qn(head.name)}, %s::jsonb) AS r "
        f"ON CONFLICT ({qn('source')}, {qn('idempotency_key')}) "
        f"WHERE {qn('idempotency_key')} IS NOT NULL DO NOTHING "
        f"RETURNING {qn('id')}, {qn('number')})"
    ]
    selects = [f"SELECT 0, {qn('id')}, {qn('number')} FROM o"]
    for i, model in enumerate(models_, start=1):
        t = _table(model, skip="order")
        parent = qn(f"{model._meta.get_field('order').name}_id")
        ctes.append(
            f"r{i} AS (INSERT INTO {qn(t.name)} ({parent}, "
            f"{', '.join(qn(c) for c in t.columns)}) "
            f"SELECT o.{qn('id')}, {', '.join('r.' + qn(c) for c in t.columns)} "
            f"FROM o CROSS JOIN jsonb_populate_recordset(NULL::{qn(t.name)}, %s::jsonb) AS r "
            f"RETURNING {qn('id')})"
        )
        selects.append(f"SELECT {i}, {qn('id')}, NULL FROM r{i}")
    return f"WITH {', '.join(ctes)} {' UNION ALL '.join(selects)}"


def _write_postgres(order: WorkOrder, rows: Sequence[models.Model], day: dt.date) -> bool:
    groups = _groups(rows)
    numbered = bool(order.number)
    sql = _statement(tuple(model for model, _rows in groups), numbered)
    params: list[Any] = [order.number] if numbered else [day]
    conn = connections[DEFAULT_DB_ALIAS]
    params.append(_dumps(_record(_table(WorkOrder, skip="number"), order, conn)))
    for model, group in groups:
        t = _table(model, skip="order")
        params.append(_dumps([_record(t, row, conn) for row in group]))
    with prepared_cursor() as cursor:
        cursor.execute(sql, params)
        returned = cursor.fetchall()
    if not returned or returned[0][0] != 0:
        return False  # the idempotency key was used before: nothing was written
    _tag, order.pk, order.number = returned[0]
    order._state.adding = False
    order._state.db = conn.alias
    ids: dict[int, list[int]] = {}
    for tag, pk, _number in returned[1:]:
        ids.setdefault(tag, []).append(pk)
    for i, (_model, group) in enumerate(groups, start=1):
        got = ids.get(i, [])
        if len(got) != len(group):  # cannot happen: the rows hang on the order's insert
            raise RuntimeError(f"intake wrote {len(got)} of {len(group)} rows")
        for row, pk in zip(group, got, strict=True):
            row.pk = pk
            row.order_id = order.pk  # type: ignore[attr-defined]
            row._state.adding = False
            row._state.db = conn.alias
    return True


def _write_orm(order: WorkOrder, rows: Sequence[models.Model], day: dt.date) -> bool:
    try:
        with transaction.atomic():
            if not order.number:
                order.number = numbering.next_number(day)
            order.save(force_insert=True)
            for model, group in _groups(rows):
                model._default_manager.bulk_create(group)
    except IntegrityError:
        if (
            order.idempotency_key
            and WorkOrder.objects.filter(
                source=order.source, idempotency_key=order.idempotency_key
            ).exists()
        ):
            order.pk = None
            return False
        raise
    return True


def intake_write(order: WorkOrder, rows: Sequence[models.Model], *, day: dt.date) -> bool:
    """Write the new `order` and `rows` (each with `order` set to it) as one transaction.
    The order's number is drawn from `day`'s sequence unless it has one already. Returns
    False, writing nothing, when the order's (source, idempotency key) exists already."""
    if connection.vendor == "postgresql":
        return _write_postgres(order, rows, day)
    return _write_orm(order, rows, day)
