"""The production-like server the benchmark measures: gunicorn on loopback, DEBUG off,
PostgreSQL with durable commits, persistent database connections, the floors mounted.

The server runs in its own process group and is always stopped (SIGTERM, then SIGKILL) when
the `Server` context ends, whatever happened in between.
"""

from __future__ import annotations

import http.client
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from gongzhi.workorders.bench.loadgen import check_loopback

HOST = "127.0.0.1"
# Two gthread workers of eight threads: one process per core, and threads enough to overlap
# each request's waits on PostgreSQL (round trips, the commit's fsync) while the GIL is free.
# Compared on the 2-core machine with the bare write (1×16, 2×4, 2×8, 3×4, 4×4 workers ×
# threads; 32 clients) 2×8 answered the most; more processes only added context switches.
DEFAULT_WORKERS = 2
DEFAULT_THREADS = 8


@dataclass(frozen=True)
class ServerConfig:
    database_url: str
    workers: int = DEFAULT_WORKERS
    threads: int = DEFAULT_THREADS
    tasks_backend: str = "database"
    host: str = HOST
    port: int = 0  # 0: a free port is picked
    log_path: Path | None = None
    # The WSGI application; another module measures a variant (a patched or profiled app).
    app: str = "gongzhi.config.wsgi:application"


def free_port(host: str = HOST) -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind((host, 0))
        return int(s.getsockname()[1])


def server_env(config: ServerConfig) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "gongzhi.config.settings",
            "DATABASE_URL": config.database_url,
            "GONGZHI_DEBUG": "0",
            "GONGZHI_BENCH_FLOORS": "1",
            # Keep connections across requests, as production does.
            "GONGZHI_DB_CONN_MAX_AGE": "600",
            "GONGZHI_TASKS_BACKEND": config.tasks_backend,
            "GONGZHI_LOG_LEVEL": "WARNING",
        }
    )
    return env


def gunicorn_command(config: ServerConfig, port: int) -> list[str]:
    gunicorn = Path(sys.executable).with_name("gunicorn")
    return [
        str(gunicorn) if gunicorn.exists() else "gunicorn",
        config.app,
        "--bind",
        f"{config.host}:{port}",
        "--workers",
        str(config.workers),
        "--worker-class",
        "gthread",
        "--threads",
        str(config.threads),
        "--keep-alive",
        "30",
        # More than the clients can queue: requests wait in the listen queue, not refused.
        "--backlog",
        "2048",
        "--worker-connections",
        "1000",
        "--timeout",
        "60",
        "--graceful-timeout",
        "5",
        "--log-level",
        "warning",
        "--error-logfile",
        "-",
    ]


def wait_until_ready(
    host: str, port: int, path: str, *, timeout: float, proc: subprocess.Popen[bytes]
) -> None:
    """Poll `path` until it answers 200 (every worker has loaded the app once it has answered a
    few times); raise if the server exits or does not answer in time."""
    deadline = time.monotonic() + timeout
    answered = 0
    last = ""
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"the server exited with code {proc.returncode}")
        try:
            conn = http.client.HTTPConnection(host, port, timeout=2)
            conn.request("GET", path)
            response = conn.getresponse()
            response.read()
            conn.close()
            if response.status == 200:
                answered += 1
                if answered >= 8:
                    return
                continue
            last = f"HTTP {response.status}"
        except OSError as exc:
            last = str(exc)
        time.sleep(0.1)
    raise RuntimeError(f"the server did not answer {path} within {timeout:.0f} s ({last})")


@dataclass(frozen=True)
class Running:
    host: str
    port: int
    pid: int


@contextmanager
def serve(config: ServerConfig, *, ready_path: str = "/bench/floor/noop") -> Iterator[Running]:
    """Start gunicorn, wait until it answers, yield where it listens, stop it at the end."""
    check_loopback(config.host)
    port = config.port or free_port(config.host)
    log = config.log_path.open("ab") if config.log_path else subprocess.DEVNULL
    proc = subprocess.Popen(
        gunicorn_command(config, port),
        env=server_env(config),
        stdout=log,
        stderr=log,
        start_new_session=True,
    )
    try:
        try:
            wait_until_ready(config.host, port, ready_path, timeout=60, proc=proc)
        except RuntimeError as exc:
            tail = ""
            if config.log_path is not None and config.log_path.exists():
                tail = "\n".join(config.log_path.read_text(errors="replace").splitlines()[-15:])
            raise RuntimeError(f"{exc}; server log {config.log_path}:\n{tail}") from exc
        yield Running(config.host, port, proc.pid)
    finally:
        stop(proc)
        if log is not subprocess.DEVNULL:
            log.close()  # type: ignore[union-attr]


def stop(proc: subprocess.Popen[bytes]) -> None:
    """SIGTERM to gunicorn's master (it stops its workers); SIGKILL to the group if it lingers."""
    if proc.poll() is not None:
        return
    proc.send_signal(signal.SIGTERM)
    try:
        proc.wait(timeout=15)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=5)
