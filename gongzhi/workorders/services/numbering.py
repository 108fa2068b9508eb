"""Order numbers: YYYYMMDD + a six-digit sequence of that day (Asia/Shanghai), e.g.
20251009000042. Unique and race-free on both databases:

- PostgreSQL: one sequence per day (`workorder_seq_YYYYMMDD`). `nextval` never blocks and is
  not rolled back, so concurrent intakes do not queue behind each other's commits (a counter row
  would be locked until each intake commits). A rolled-back intake leaves a gap in the day's
  numbers, which is harmless. The database function `workorder_number(day)` (migration 0005)
  draws the number and creates the day's sequence on first use, under an advisory lock.
- SQLite (which serialises writers anyway): an atomic upsert on the DailyCounter row.
"""

from __future__ import annotations

import datetime as dt

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


def next_number(day: dt.date) -> str:
    """The next number of `day` (PostgreSQL: the database function workorder_number, which
    intake's one-statement write calls itself; SQLite: the DailyCounter row)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT workorder_number(%s)", [day])
            return str(cursor.fetchone()[0])
    return format_number(day, _next_sqlite(day))
