"""The benchmark's own PostgreSQL database: created, migrated (in a child process, so that
this process's settings and connection are never pointed at it) and dropped. Only databases
whose name starts with `gongzhi_bench` are ever dropped or recreated."""

from __future__ import annotations

import os
import subprocess
import sys
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import psycopg
from django.core.management import CommandError
from psycopg import sql

PREFIX = "gongzhi_bench"


def _name(url: str) -> str:
    return urlsplit(url).path.lstrip("/")


def check_name(url: str) -> None:
    if not url.startswith(("postgres://", "postgresql://")):
        raise CommandError("the insights benchmark needs PostgreSQL (a postgres:// URL)")
    if not _name(url).startswith(PREFIX):
        raise CommandError(
            f"the benchmark drops and recreates its database: its name must start with "
            f"{PREFIX!r}, not {_name(url)!r}"
        )


def _admin(url: str) -> psycopg.Connection[Any]:
    parts = urlsplit(url)
    return psycopg.connect(urlunsplit((*parts[:2], "/postgres", parts.query, "")), autocommit=True)


def exists(url: str) -> bool:
    with _admin(url) as conn:
        row = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [_name(url)]).fetchone()
    return row is not None


def recreate(url: str) -> None:
    check_name(url)
    with _admin(url) as conn:
        name = sql.Identifier(_name(url))
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(name))
        conn.execute(sql.SQL("CREATE DATABASE {}").format(name))


def drop(url: str) -> None:
    check_name(url)
    with _admin(url) as conn:
        conn.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(_name(url)))
        )


def manage(url: str, *args: str) -> str:
    """Run `gongzhi <args>` against the database at `url`."""
    env = {**os.environ, "DATABASE_URL": url, "GONGZHI_LOG_LEVEL": "WARNING"}
    done = subprocess.run(
        [sys.executable, "-m", "gongzhi", *args],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        raise CommandError(f"`gongzhi {' '.join(args)}` failed:\n{done.stderr[-3000:]}")
    return done.stdout
