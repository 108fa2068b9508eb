"""The scale benchmark: its binary COPY encoding reads back as written, and the whole command
runs end to end at a tiny N (PostgreSQL only: the benchmark is about PostgreSQL)."""

from __future__ import annotations

import datetime as dt
import json
from io import StringIO
from typing import Any
from urllib.parse import quote

import numpy as np
import pytest
from django.core.management import call_command
from django.db import connection

from gongzhi.insights.bench import pgbinary
from gongzhi.insights.bench.pgbinary import Column, Text

pytestmark = pytest.mark.postgres

US = 1_000_000


def _copy_back(columns: list[Column | Text], *, tail: int | None = None) -> list[tuple[Any, ...]]:
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE TEMP TABLE t (a bigint, b integer, c boolean, d timestamptz, e text, "
            "f double precision, g date, h jsonb)"
        )
        names = "a, b, c, d, e, f, g, h" if tail is None else "a, b, c, d, f, g, h, e"
        with cursor.cursor.copy(f"COPY t ({names}) FROM STDIN (FORMAT BINARY)") as copy:
            copy.write(pgbinary.HEADER + pgbinary.encode(columns, tail=tail) + pgbinary.TRAILER)
        cursor.execute("SELECT a, b, c, d, e, f, g, h FROM t ORDER BY a")
        return cursor.fetchall()


def _columns() -> dict[str, Column | Text]:
    when = dt.datetime(2025, 10, 9, 1, 2, 3, 456789, tzinfo=dt.UTC)
    n = 4
    return {
        "a": Column("int8", np.array([1, 2, 3, 4])),
        "b": Column("int4", np.array([10, -20, 30, 40]), np.array([False, False, True, False])),
        "c": Column("bool", np.array([True, False, True, False])),
        "d": Column(
            "timestamptz",
            np.array([int(when.timestamp() * US) + i for i in range(n)]),
            np.array([False, True, False, False]),
        ),
        "e": Text(
            [b"", "朝阳区".encode(), "工单".encode()],
            np.array([1, 2, 0, 1]),
            np.array([0, 0, 0, 1], bool),
        ),
        "f": Column("float8", np.array([0.5, 1.25, -2.0, 3.0])),
        "g": Column("date", np.array([20370, 20371, 20372, 20373])),
        "h": pgbinary.constant(n, b'\x01{"k": 1}'),
    }


EXPECTED_E = ["朝阳区", "工单", "", None]


def test_binary_rows_read_back_as_written(db: None) -> None:
    cols = _columns()
    rows = _copy_back(list(cols.values()))
    assert [r[0] for r in rows] == [1, 2, 3, 4]
    assert [r[1] for r in rows] == [10, -20, None, 40]
    assert [r[3] is None for r in rows] == [False, True, False, False]
    assert rows[0][3] == dt.datetime(2025, 10, 9, 1, 2, 3, 456789, tzinfo=dt.UTC)
    assert [r[4] for r in rows] == EXPECTED_E
    assert [r[5] for r in rows] == [0.5, 1.25, -2.0, 3.0]
    assert rows[0][6] == dt.date(2025, 10, 9)
    assert json.loads(rows[0][7]) == {"k": 1}  # Django reads jsonb as text


def test_binary_rows_with_a_text_tail_read_back_as_written(db: None) -> None:
    cols = _columns()
    ordered = [cols[k] for k in "abcdfgh"] + [cols["e"]]
    rows = _copy_back(ordered, tail=7)
    assert [r[4] for r in rows] == EXPECTED_E
    assert [r[1] for r in rows] == [10, -20, None, 40]


@pytest.mark.django_db(transaction=True)
def test_the_benchmark_runs_end_to_end_at_a_tiny_size() -> None:
    config = connection.settings_dict
    user = quote(config.get("USER") or "postgres")
    password = f":{quote(config['PASSWORD'])}" if config.get("PASSWORD") else ""
    host, port = config.get("HOST") or "127.0.0.1", config.get("PORT") or 5432
    url = f"postgres://{user}{password}@{host}:{port}/gongzhi_bench_insights_ci"
    out = StringIO()
    call_command(
        "bench",
        "insights",
        "--orders",
        "3000",
        "--database-url",
        url,
        "--repeats",
        "3",
        stdout=out,
    )
    result = json.loads(out.getvalue().strip().splitlines()[-1])
    assert result["orders"] == 3000
    assert result["events"] > 7 * 3000 * 0.9
    assert result["rollup_rows"]["contributions"] == 3000
    assert result["ranking_matches_naive"] is True
    assert 0 < result["ranking_rows"] <= 43  # subdistricts with orders that count
    for key in (
        "generate_s",
        "ranking_p95_ms",
        "naive_ranking_ms",
        "speedup",
        "dashboard_p95_ms",
        "dashboard_page_p95_ms",
        "dashboard_subdistrict_page_p95_ms",
        "map_json_p95_ms",
        "hotspot_scan_s",
        "rollup_build_s",
    ):
        assert isinstance(result[key], int | float), key
