"""The database checks `migrate` runs: a PostgreSQL without autovacuum is pointed out."""

from __future__ import annotations

import pytest
from django.core.checks import run_checks
from django.db import connection


@pytest.mark.django_db
def test_autovacuum_off_is_pointed_out_on_postgresql_and_nothing_is_said_otherwise() -> None:
    found = [m for m in run_checks(databases=["default"]) if m.id == "gongzhi.W001"]

    if connection.vendor != "postgresql":
        assert found == []
        return
    with connection.cursor() as cursor:
        cursor.execute("SHOW autovacuum")
        (value,) = cursor.fetchone()
    # The server's own setting decides (it cannot be changed for one session).
    assert [m.msg for m in found] == (
        [] if value == "on" else [f"PostgreSQL (default) runs with autovacuum = {value}."]
    )
