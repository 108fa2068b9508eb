"""What `gongzhi demo` runs beside its web server, and that it stops them with it."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from pytest_django.fixtures import Settings

from gongzhi.web import background
from gongzhi.web.background import Background

# A child that would run for ten minutes unless stopped.
LONG = Background("long", [sys.executable, "-c", "import time; time.sleep(600)"])


def _backend(settings: Settings, path: str) -> None:
    settings.TASKS = {"default": {"BACKEND": path, "QUEUES": ["default"]}}


def names_and_commands() -> list[tuple[str, list[str]]]:
    return [(bg.name, bg.argv[3:]) for bg in background.processes()]


def test_with_the_database_queue_it_runs_db_worker_and_the_scheduler(settings: Settings) -> None:
    _backend(settings, "django_tasks_db.DatabaseBackend")

    assert names_and_commands() == [
        ("worker", ["db_worker", "--no-reload"]),
        ("scheduler", ["scheduler"]),
    ]


def test_with_redis_it_runs_an_rq_worker_with_the_tasks_job_class(settings: Settings) -> None:
    _backend(settings, "django_tasks_rq.RQBackend")

    assert names_and_commands()[0] == (
        "worker",
        ["rqworker", "default", "--job-class", "django_tasks_rq.Job"],
    )


def test_with_inline_tasks_only_the_scheduler_runs(settings: Settings) -> None:
    _backend(settings, "django_tasks.backends.immediate.ImmediateBackend")

    assert [name for name, _argv in names_and_commands()] == ["scheduler"]


def test_the_children_are_this_projects_own_command_line() -> None:
    for bg in background.processes():
        assert bg.argv[:3] == [sys.executable, "-m", "gongzhi"]


def test_the_children_stop_when_the_block_ends(tmp_path: Path) -> None:
    with background.running([LONG, LONG], log_dir=tmp_path) as children:
        assert [c.poll() for c in children] == [None, None]

    assert all(c.returncode is not None for c in children)
    assert (tmp_path / "long.log").exists()


def test_the_children_stop_when_the_server_fails(tmp_path: Path) -> None:
    started = []
    with pytest.raises(RuntimeError), background.running([LONG], log_dir=tmp_path) as children:
        started = children
        raise RuntimeError("the server could not bind its port")

    assert started[0].returncode is not None
