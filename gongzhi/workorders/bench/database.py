"""The benchmark's PostgreSQL database: a fresh one per run by default, migrated and seeded with
the small demo registry in a child process (so that this process's own settings, pointing at
whatever database the developer uses, are never touched).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import dj_database_url
import psycopg
from psycopg import sql

DEFAULT_NAME = "gongzhi_bench"
DEFAULT_SERVER = "postgres://postgres@127.0.0.1:5432/postgres"


class BenchDatabaseError(RuntimeError):
    code = "bench_database"


@dataclass(frozen=True)
class Durability:
    synchronous_commit: str
    fsync: str

    @property
    def durable(self) -> bool:
        return self.synchronous_commit in ("on", "remote_write", "remote_apply") and (
            self.fsync == "on"
        )


def default_url(name: str = DEFAULT_NAME) -> str:
    """The database `name` (gongzhi_bench) on the PostgreSQL server of $DATABASE_URL, or on
    127.0.0.1:5432 when DATABASE_URL is unset or not PostgreSQL."""
    base = os.environ.get("DATABASE_URL", "")
    if not base.startswith(("postgres://", "postgresql://")):
        base = DEFAULT_SERVER
    parts = urlsplit(base)
    return urlunsplit((parts.scheme, parts.netloc, f"/{name}", parts.query, ""))


def with_name(url: str, name: str) -> str:
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, f"/{name}", parts.query, ""))


def database_name(url: str) -> str:
    config = dj_database_url.parse(url)
    if "postgresql" not in config["ENGINE"]:
        raise BenchDatabaseError(f"the benchmark needs PostgreSQL, not {config['ENGINE']}")
    return str(config["NAME"])


def _admin_connect(url: str) -> psycopg.Connection[tuple[Any, ...]]:
    return psycopg.connect(with_name(url, "postgres"), autocommit=True)


def recreate(url: str) -> None:
    """Drop and create the database of `url` (only ever called for the bench's own name)."""
    name = database_name(url)
    with _admin_connect(url) as conn:
        conn.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
        )
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def drop(url: str) -> None:
    name = database_name(url)
    with _admin_connect(url) as conn:
        conn.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
        )


def durability(url: str) -> Durability:
    """What a new connection to this database gets (server, database and role settings, and
    any `options` in the URL all apply)."""
    with psycopg.connect(url) as conn:
        sync = conn.execute("SHOW synchronous_commit").fetchone()
        fsync = conn.execute("SHOW fsync").fetchone()
    return Durability(str(sync[0]) if sync else "", str(fsync[0]) if fsync else "")


def autovacuum(url: str) -> str:
    """The server's `autovacuum` setting (on a development server it may be off)."""
    with psycopg.connect(url) as conn:
        row = conn.execute("SHOW autovacuum").fetchone()
    return str(row[0]) if row else ""


def analyze(url: str) -> None:
    """Refresh the planner's statistics of the whole database (ANALYZE). A production
    database has them from autovacuum, for tables whose size changes slowly next to what they
    hold; the bench's tables grow from nothing to tens of thousands of orders in minutes, faster
    than autovacuum's analyses follow (and not at all where autovacuum is off), and a planner
    that believes the table empty reads every order at a compound for the duplicate pool
    instead of the newest fifty. So the bench analyses before each measured run, outside it."""
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("ANALYZE")


def _child_env(url: str) -> dict[str, str]:
    env = dict(os.environ)
    env["DATABASE_URL"] = url
    env["DJANGO_SETTINGS_MODULE"] = "gongzhi.config.settings"
    env["GONGZHI_LOG_LEVEL"] = "WARNING"
    return env


def _manage(url: str, *args: str, timeout: float = 600) -> str:
    done = subprocess.run(
        [sys.executable, "-m", "gongzhi", *args],
        env=_child_env(url),
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    if done.returncode != 0:
        raise BenchDatabaseError(
            f"`gongzhi {' '.join(args)}` failed ({done.returncode}):\n{done.stderr[-3000:]}"
        )
    return done.stdout


def migrate(url: str) -> None:
    _manage(url, "migrate", "--noinput")


def seed(url: str) -> dict[str, object]:
    """Seed the small demo registry and the bench's API client; returns the fixture (JSON
    printed by `gongzhi bench seed`)."""
    out = _manage(url, "bench", "seed")
    line = next((ln for ln in out.splitlines() if ln.startswith("{")), None)
    if line is None:
        raise BenchDatabaseError(f"`gongzhi bench seed` printed no fixture:\n{out[-2000:]}")
    return dict(json.loads(line))
