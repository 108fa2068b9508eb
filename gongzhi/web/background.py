"""The background processes that `gongzhi demo` runs beside its web server: the task worker
for the configured queue and the scheduler (gongzhi.web.scheduler), as child processes that
stop with it.

In production each of these is a service of its own (see the README: "Periodic jobs and the
task worker"); the demo starts them so that one command shows a district that moves:
deadlines warn and pass, notifications are retried, the roll-ups and rankings follow.
"""

from __future__ import annotations

import contextlib
import signal
import subprocess
import sys
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from django.conf import settings

# How long a child gets to finish its current task after SIGTERM before it is killed.
STOP_GRACE_SECONDS = 10.0


@dataclass(frozen=True)
class Background:
    name: str
    argv: list[str]


def _gongzhi(*args: str) -> list[str]:
    """The project's own command line, run by this Python (`python -m gongzhi ...`)."""
    return [sys.executable, "-m", "gongzhi", *args]


def worker_argv() -> list[str] | None:
    """The worker for the configured task backend; None when tasks run inline (immediate)."""
    backend = str(settings.TASKS["default"]["BACKEND"])
    if backend.startswith("django_tasks_db."):
        return _gongzhi("db_worker", "--no-reload")
    if backend.startswith("django_tasks_rq."):
        return _gongzhi("rqworker", "default", "--job-class", "django_tasks_rq.Job")
    return None


def processes() -> list[Background]:
    """What the demo runs beside the web server, in start order."""
    found = []
    worker = worker_argv()
    if worker is not None:
        found.append(Background("worker", worker))
    found.append(Background("scheduler", _gongzhi("scheduler")))
    return found


def _die_with_parent() -> None:  # pragma: no cover - runs in the child before exec
    """Linux: the child gets SIGTERM if the demo process dies without cleaning up (kill -9),
    so that no worker is left behind holding the database."""
    import ctypes

    pr_set_pdeathsig = 1
    ctypes.CDLL(None, use_errno=True).prctl(pr_set_pdeathsig, signal.SIGTERM)


def start(bg: Background, *, log: IO[Any] | None) -> subprocess.Popen[bytes]:
    # Our own command line, as a list: no shell.
    return subprocess.Popen(
        bg.argv,
        stdin=subprocess.DEVNULL,
        stdout=log if log is not None else subprocess.DEVNULL,
        stderr=subprocess.STDOUT,
        preexec_fn=_die_with_parent if sys.platform == "linux" else None,
    )


def stop(children: Sequence[subprocess.Popen[bytes]], *, grace: float = STOP_GRACE_SECONDS) -> None:
    """SIGTERM to each child still running, then wait; kill whatever is left after `grace`."""
    for child in children:
        if child.poll() is None:
            child.send_signal(signal.SIGTERM)
    for child in children:
        try:
            child.wait(timeout=grace)
        except subprocess.TimeoutExpired:
            child.kill()
            child.wait()


@contextlib.contextmanager
def running(
    background: Sequence[Background], *, log_dir: Path | None = None
) -> Iterator[list[subprocess.Popen[bytes]]]:
    """Start the processes (output to `<log_dir>/<name>.log`), yield them, and stop them on
    the way out, however the block ends."""
    children: list[subprocess.Popen[bytes]] = []
    with contextlib.ExitStack() as files:
        try:
            for bg in background:
                log = None
                if log_dir is not None:
                    log_dir.mkdir(parents=True, exist_ok=True)
                    log = files.enter_context((log_dir / f"{bg.name}.log").open("ab"))
                children.append(start(bg, log=log))
            yield children
        finally:
            stop(children)


def log_dir() -> Path:
    return Path(settings.DATA_DIR) / "logs"
