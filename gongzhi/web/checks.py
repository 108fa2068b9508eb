"""System checks of the database the site runs on (Django runs them with `migrate` and
`check --database default`).

- W001: PostgreSQL with autovacuum off. Work orders grow by thousands a day; without
  autovacuum their planner statistics go stale and the intake's duplicate search is planned
  as for an empty table (a scan of every order at the compound instead of the newest 50:
  docs/intake-bench.md, fifth session).
"""

from __future__ import annotations

from typing import Any

from django.core.checks import CheckMessage, Tags, Warning, register
from django.db import connections


@register(Tags.database)
def autovacuum_on(
    app_configs: Any = None, databases: Any = None, **kwargs: Any
) -> list[CheckMessage]:
    found: list[CheckMessage] = []
    for alias in databases or ():
        connection = connections[alias]
        if connection.vendor != "postgresql":
            continue
        with connection.cursor() as cursor:
            cursor.execute("SHOW autovacuum")
            (value,) = cursor.fetchone()
        if str(value).lower() != "on":
            found.append(
                Warning(
                    f"PostgreSQL ({alias}) runs with autovacuum = {value}.",
                    hint="Turn autovacuum on, or ANALYZE after bulk writes: without fresh "
                    "statistics the intake's duplicate search reads every order at a compound.",
                    id="gongzhi.W001",
                )
            )
    return found
