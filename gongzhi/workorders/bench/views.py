"""The two floors of the intake benchmark, mounted under /bench/ only when
settings.GONGZHI_BENCH_FLOORS is on (gongzhi/config/urls.py).

- `noop`: a Django view that does nothing. Every request still passes the whole middleware
  stack, so this is the ceiling of any view on this server: what routing, middleware, WSGI and
  the load generator cost together.
- `bare_write`: the storage work no intake can avoid, in raw SQL: one transaction that inserts
  one work-order row and its two first event rows (received, auto_dispatched), on the real
  tables with their real indexes and constraints, and commits durably. No validation, no
  numbering, no matrix, no deadlines, no ORM: what is left of an intake when everything that
  can be made faster has been.

Neither view is reachable in a normal deployment: the URLs exist only with the setting on.
"""

from __future__ import annotations

import datetime as dt
import threading
import uuid
from dataclasses import dataclass
from typing import Any

from django.db import connection, models, transaction
from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt

from gongzhi.workorders.models import Category, EventKind, Status, WorkOrder, WorkOrderEvent

_OK = b'{"ok":true}'


@csrf_exempt
def noop(request: HttpRequest) -> HttpResponse:
    """Floor 1: nothing but Django's request/response cycle."""
    return HttpResponse(_OK, content_type="application/json")


@dataclass(frozen=True)
class _Statements:
    order_sql: str
    order_params: tuple[object, ...]  # prepared defaults, with None where the view fills in
    slots: dict[str, int]  # column name → index in order_params filled per request
    event_sql: str


_prepared: _Statements | None = None
_prepared_lock = threading.Lock()

# Columns the view fills in for each request; every other NOT NULL column gets the model
# field's default, so the statement stays valid when the domain adds a column with a default.
_PER_REQUEST = ("number", "received_at", "updated_at", "description", "category_id")


def _db_default(field: models.Field) -> object:
    # get_default(): the declared default, else "" for a text column, None for a nullable one.
    return field.get_db_prep_save(field.get_default(), connection)


def _prepare() -> _Statements:
    """Build the two INSERT statements once per process from the models' metadata."""
    qn = connection.ops.quote_name
    columns: list[str] = []
    params: list[object] = []
    for field in WorkOrder._meta.concrete_fields:
        if field.primary_key:
            continue
        column = str(field.column)
        columns.append(column)
        if column in _PER_REQUEST:
            params.append(None)
        elif column == "status":
            params.append(Status.DISPATCHED.value)
        elif column == "kind":
            params.append(WorkOrder.Kind.COMPLAINT.value)
        elif column == "channel":
            params.append(WorkOrder.Channel.APP.value)
        elif column == "source":
            params.append("bench")
        else:
            params.append(_db_default(field))
    slots = {c: columns.index(c) for c in _PER_REQUEST}
    placeholders = ", ".join(["%s"] * len(columns))
    order_sql = (
        f"INSERT INTO {qn(WorkOrder._meta.db_table)} ({', '.join(qn(c) for c in columns)}) "
        f"VALUES ({placeholders}) RETURNING {qn(str(WorkOrder._meta.pk.column))}"
    )
    event_columns = ["order_id", "at", "kind", "from_status", "to_status", "note", "data"]
    row = "(" + ", ".join(["%s"] * len(event_columns)) + ")"
    event_sql = (
        f"INSERT INTO {qn(WorkOrderEvent._meta.db_table)} "
        f"({', '.join(qn(c) for c in event_columns)}) VALUES {row}, {row}"
    )
    return _Statements(order_sql, tuple(params), slots, event_sql)


def _statements() -> _Statements:
    global _prepared
    if _prepared is None:
        with _prepared_lock:
            if _prepared is None:
                _prepared = _prepare()
    return _prepared


_category_id: int | None = None


def _any_category_id() -> int:
    global _category_id
    if _category_id is None:
        found = Category.objects.order_by("pk").values_list("pk", flat=True).first()
        if found is None:
            raise RuntimeError("the bench database has no category; run `gongzhi bench seed`")
        _category_id = found
    return _category_id


@csrf_exempt
def bare_write(request: HttpRequest) -> HttpResponse:
    """Floor 2: one transaction, one order row and two event rows, raw SQL, durable commit."""
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    st = _statements()
    category_id = _any_category_id()
    now = timezone.now()
    params: list[Any] = list(st.order_params)
    adapt = connection.ops.adapt_datetimefield_value
    values: dict[str, object] = {
        # 20 characters, unique without asking the database: "B" + 19 random hex digits.
        "number": "B" + uuid.uuid4().hex[:19],
        "received_at": adapt(now),
        "updated_at": adapt(now),
        "description": "bench floor",
        "category_id": category_id,
    }
    for column, index in st.slots.items():
        params[index] = values[column]
    later = adapt(now + dt.timedelta(microseconds=1))
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(st.order_sql, params)
        order_id = cursor.fetchone()[0]
        cursor.execute(
            st.event_sql,
            [
                *(order_id, adapt(now), EventKind.RECEIVED.value, "", Status.RECEIVED.value),
                *("", "{}"),
                *(order_id, later, EventKind.AUTO_DISPATCHED.value, Status.RECEIVED.value),
                *(Status.DISPATCHED.value, "", "{}"),
            ],
        )
    return HttpResponse(b'{"id":%d}' % order_id, content_type="application/json", status=201)
