"""Background tasks: the maintenance task itself, and the database queue with its worker."""

from __future__ import annotations

import signal
from collections.abc import Iterator
from datetime import datetime, timedelta
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command
from django_tasks import TaskResultStatus, task_backends
from pytest_django.fixtures import Settings
from time_machine import TimeMachineFixture

from gongzhi.accounts.models import LoginThrottle
from gongzhi.accounts.tasks import login_throttles_prune

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
PRUNED_ONCE = {"expired_locks": 1, "stale_failures": 1}


def seed_throttles() -> None:
    """One row of each kind, as lockout.login_failed leaves them, seen at NOW."""
    minute = timedelta(minutes=1)
    LoginThrottle.objects.bulk_create(
        [
            LoginThrottle(
                username="expired",
                failures=5,
                locked_until=NOW - minute,
                last_failure_at=NOW - 16 * minute,
            ),
            LoginThrottle(
                username="locked",
                failures=5,
                locked_until=NOW + 10 * minute,
                last_failure_at=NOW - 5 * minute,
            ),
            LoginThrottle(username="recent", failures=2, last_failure_at=NOW - 60 * minute),
            LoginThrottle(username="stale", failures=2, last_failure_at=NOW - 25 * 60 * minute),
        ]
    )


def remaining() -> set[str]:
    return set(LoginThrottle.objects.values_list("username", flat=True))


@pytest.fixture
def at_now(time_machine: TimeMachineFixture) -> None:
    time_machine.move_to(NOW, tick=False)


@pytest.fixture
def signal_handlers_restored() -> Iterator[None]:
    """Workers install their own SIGINT/SIGTERM handlers; give pytest its own back."""
    signals = [signal.SIGINT, signal.SIGTERM, signal.SIGQUIT]
    saved = {s: signal.getsignal(s) for s in signals}
    yield
    for s, handler in saved.items():
        signal.signal(s, handler)


# --- The task -------------------------------------------------------------------------------


def test_prune_deletes_expired_locks_and_stale_counts_only(at_now: None) -> None:
    seed_throttles()
    assert login_throttles_prune.call() == PRUNED_ONCE
    assert remaining() == {"locked", "recent"}


def test_prune_run_twice_deletes_nothing_more(at_now: None) -> None:
    seed_throttles()
    login_throttles_prune.call()
    assert login_throttles_prune.call() == {"expired_locks": 0, "stale_failures": 0}
    assert remaining() == {"locked", "recent"}


def test_prune_keeps_a_count_younger_than_the_given_age(at_now: None) -> None:
    seed_throttles()
    assert login_throttles_prune.call(stale_after_hours=48) == {
        "expired_locks": 1,
        "stale_failures": 0,
    }
    assert remaining() == {"locked", "recent", "stale"}


# --- The database queue and `gongzhi db_worker` ---------------------------------------------


@pytest.fixture
def database_queue(settings: Settings) -> None:
    settings.TASKS = {
        "default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}
    }


def test_an_enqueued_prune_waits_for_a_worker(database_queue: None, at_now: None) -> None:
    seed_throttles()
    result = login_throttles_prune.enqueue()
    assert result.status == TaskResultStatus.READY
    assert remaining() == {"expired", "locked", "recent", "stale"}


# The worker drops a connection that is inside a transaction (close_old_connections), as a
# test's wrapping transaction would be: these tests commit for real, as a worker process would see.
@pytest.mark.django_db(transaction=True)
def test_the_database_worker_runs_an_enqueued_prune(
    database_queue: None, at_now: None, signal_handlers_restored: None
) -> None:
    seed_throttles()
    result = login_throttles_prune.enqueue()
    out = StringIO()
    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", stdout=out)
    result.refresh()
    assert result.status == TaskResultStatus.SUCCESSFUL
    assert result.return_value == PRUNED_ONCE
    assert remaining() == {"locked", "recent"}
    assert task_backends["default"].get_result(result.id).status == TaskResultStatus.SUCCESSFUL


@pytest.mark.django_db(transaction=True)
def test_the_database_worker_runs_the_same_task_twice_safely(
    database_queue: None, at_now: None, signal_handlers_restored: None
) -> None:
    seed_throttles()
    first = login_throttles_prune.enqueue()
    second = login_throttles_prune.enqueue()
    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", stdout=StringIO())
    first.refresh()
    second.refresh()
    assert [first.return_value, second.return_value] == [
        PRUNED_ONCE,
        {"expired_locks": 0, "stale_failures": 0},
    ]
