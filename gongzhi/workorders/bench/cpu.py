"""CPU time spent by the server's processes (gunicorn's workers and the database backends
that serve them), read from /proc: the cost of a request in CPU milliseconds.

On a shared or busy machine the throughput of a run depends on what else runs; the CPU time
one request costs the server and the database does much less, so each result reports both.
Linux only; elsewhere the figures are left out.
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass
from pathlib import Path

import psycopg

_TICKS = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100


def _stat(pid: int) -> list[str] | None:
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    # The command name (field 2) is in parentheses and may contain spaces.
    return text[text.rindex(")") + 2 :].split()


def cpu_seconds(pid: int) -> float:
    fields = _stat(pid)
    if fields is None:
        return 0.0
    # utime and stime are fields 14 and 15 of the line, 12 and 13 after the name.
    return (int(fields[11]) + int(fields[12])) / _TICKS


def children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            fields = _stat(int(entry.name))
            if fields is not None and int(fields[1]) == pid:
                found.append(int(entry.name))
    return found


def database_backends(url: str) -> list[int]:
    """The PostgreSQL backend processes connected to the database of `url` (same machine)."""
    with psycopg.connect(url) as conn:
        rows = conn.execute(
            "SELECT pid FROM pg_stat_activity WHERE datname = current_database() "
            "AND pid <> pg_backend_pid()"
        ).fetchall()
    return [int(r[0]) for r in rows]


@dataclass
class Snapshot:
    server: float
    database: float


def available() -> bool:
    return Path("/proc/self/stat").exists()


def server_seconds(server_pid: int) -> float:
    return cpu_seconds(server_pid) + sum(cpu_seconds(p) for p in children(server_pid))


def wait_idle(server_pid: int, *, timeout: float = 120.0, busy: float = 0.1) -> bool:
    """Wait until the server spends under `busy` of a core for half a second: requests a
    load generator abandoned at the end of a run are still being answered until then.
    False if it is still busy after `timeout` seconds (or /proc cannot tell)."""
    if not available():
        time.sleep(0.5)
        return False
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        before = server_seconds(server_pid)
        time.sleep(0.5)
        if server_seconds(server_pid) - before < busy * 0.5:
            return True
    return False


def snapshot(server_pid: int, url: str) -> Snapshot:
    server = server_seconds(server_pid)
    database = sum(cpu_seconds(p) for p in database_backends(url))
    return Snapshot(server, database)
