"""Order numbers: YYYYMMDD + a six-digit sequence of that day (Asia/Shanghai), e.g.
20251009000042. Unique and race-free on both databases:

- PostgreSQL: one sequence per day (`workorder_seq_YYYYMMDD`). `nextval` never blocks and is
  not rolled back, so concurrent intakes do not queue behind each other's commits (a counter row
  would be locked until each intake commits). A rolled-back intake leaves a gap in the day's
  numbers, which is harmless. The day's sequence is created on first use under an advisory lock.
- SQLite (which serialises writers anyway): an atomic upsert on the DailyCounter row.
"""

from __future__ import annotations

import datetime as dt
import zlib

from django.db import connection

from gongzhi.workorders.models import DailyCounter


def format_number(day: dt.date, seq: int) -> str:
    return f"{day:%Y%m%d}{seq:06d}"


def _next_sqlite(day: dt.date) -> int:
    table = connection.ops.quote_name(DailyCounter._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (day, last) VALUES (%s, 1) "
            f"ON CONFLICT (day) DO UPDATE SET last = {table}.last + 1 RETURNING last",
            [connection.ops.adapt_datefield_value(day)],
        )
        return int(cursor.fetchone()[0])


def _next_postgres(day: dt.date) -> int:
    name = f"workorder_seq_{day:%Y%m%d}"
    with connection.cursor() as cursor:
        # One round trip in the common case: nextval is strict, so a missing sequence
        # (to_regclass → NULL) gives NULL instead of an error that would abort the transaction.
        cursor.execute("SELECT nextval(to_regclass(%s))", [name])
        value = cursor.fetchone()[0]
        if value is None:
            # First intake of the day: serialise creation between concurrent first intakes;
            # the advisory lock is released at commit, after which the others see it.
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [zlib.crc32(name.encode())])
            cursor.execute(f"CREATE SEQUENCE IF NOT EXISTS {name}")
            cursor.execute("SELECT nextval(%s)", [name])
            value = cursor.fetchone()[0]
        return int(value)


def next_sequence(day: dt.date) -> int:
    if connection.vendor == "postgresql":
        return _next_postgres(day)
    return _next_sqlite(day)


def next_number(day: dt.date) -> str:
    return format_number(day, next_sequence(day))
