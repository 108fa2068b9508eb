"""Database helpers shared by the apps."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import psycopg
from django.conf import settings
from django.db import connection

__all__ = ["prepared_cursor"]


class _PreparedCursor(psycopg.Cursor[tuple[Any, ...]]):
    """A server-binding cursor whose statements are prepared (planned once per connection)."""

    def execute(self, query: Any, params: Any = None, **kwargs: Any) -> Any:
        kwargs["prepare"] = True
        done = super().execute(query, params, **kwargs)
        if self._query is None:
            # A prepared execution keeps no query text; Django's query log reads it here.
            self._query = _Shown(str(query).encode())  # type: ignore[assignment]
        return done


@dataclass(frozen=True)
class _Shown:
    query: bytes


# psycopg prepares nothing while its threshold is None (Django's default, for connection
# poolers): with this one, only what asks for it (prepare=True) is prepared.
_ONLY_WHEN_ASKED = 2**31 - 1


def prepared_cursor() -> Any:
    """A cursor on Django's PostgreSQL connection that binds parameters on the server and
    prepares its statements, wrapped as Django wraps its own (so queries are counted and
    logged as any other).

    For the statements of hot paths (intake): Django plans every statement anew, and planning
    a query on a table with many indexes (work orders) costs more than running it. A prepared
    statement is planned once per connection. Only for statements whose text is the same each
    time (parameters for the values); PostgreSQL only. With GONGZHI_DB_PREPARED_STATEMENTS
    off (a connection pooler that cannot keep them), Django's own cursor."""
    if not settings.GONGZHI_DB_PREPARED_STATEMENTS:
        return connection.cursor()
    connection.ensure_connection()
    raw = connection.connection
    if raw.prepare_threshold is None:
        raw.prepare_threshold = _ONLY_WHEN_ASKED
    cursor: Any = _PreparedCursor(raw)
    if connection.queries_logged:
        return connection.make_debug_cursor(cursor)
    return connection.make_cursor(cursor)
