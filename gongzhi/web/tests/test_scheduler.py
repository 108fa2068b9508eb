"""The periodic jobs' scheduler: which tasks a tick enqueues, once per slot, whoever ticks."""

from __future__ import annotations

import threading
from collections import Counter
from datetime import datetime, timedelta
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command
from django.db import connection
from django_tasks.base import Task
from django_tasks_db.models import DBTaskResult
from pytest_django.fixtures import Settings

from gongzhi.web import scheduler
from gongzhi.web.models import PeriodicJob
from gongzhi.web.scheduler import HOUR, JOBS, MINUTE, Job, tick

pytestmark = pytest.mark.django_db

# On the hour (and so on every minute and half-minute slot boundary).
ON_THE_HOUR = datetime(2026, 3, 2, 9, 0, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
EVERY_MINUTE = {j.name for j in JOBS if j.every <= MINUTE}
HOURLY = {j.name for j in JOBS if j.every == HOUR}


@pytest.fixture(autouse=True)
def database_queue(settings: Settings) -> None:
    settings.TASKS = {
        "default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}
    }


def queued() -> Counter[str]:
    """How many times each task sits in the database queue."""
    return Counter(DBTaskResult.objects.values_list("task_path", flat=True))


def test_every_job_is_a_task_that_takes_no_arguments() -> None:
    for job in JOBS:
        task = scheduler.task_of(job)
        assert isinstance(task, Task), job.name
        task.call()  # runs it here, at once: a periodic job needs no arguments


def test_the_registry_has_the_periodic_jobs_of_every_app() -> None:
    assert {j.task for j in JOBS} >= {
        "gongzhi.workorders.tasks.scan_deadlines",
        "gongzhi.notifications.tasks.send_due_notifications",
        "gongzhi.accounts.tasks.login_throttles_prune",
        "gongzhi.deliberation.tasks.scan_projects",
        "gongzhi.insights.tasks.refresh_rollups",
    }
    assert len({j.name for j in JOBS}) == len(JOBS)


def test_the_first_tick_enqueues_every_job() -> None:
    enqueued = tick(now=ON_THE_HOUR)

    assert set(enqueued) == {j.name for j in JOBS}
    assert queued() == Counter({j.task: 1 for j in JOBS})


def test_a_second_tick_in_the_same_slot_enqueues_nothing() -> None:
    tick(now=ON_THE_HOUR)

    assert tick(now=ON_THE_HOUR + timedelta(seconds=25)) == []
    assert sum(queued().values()) == len(JOBS)


def test_a_minute_later_only_the_minute_jobs_come_round() -> None:
    tick(now=ON_THE_HOUR)

    assert set(tick(now=ON_THE_HOUR + timedelta(minutes=1))) == EVERY_MINUTE


def test_the_half_minute_job_comes_round_twice_a_minute() -> None:
    refresh = Job("insights.refresh_rollups", "gongzhi.insights.tasks.refresh_rollups", 30)
    times = [ON_THE_HOUR + timedelta(seconds=s) for s in (0, 5, 29, 30, 55, 60)]

    fired = [bool(tick(now=t, jobs=[refresh])) for t in times]

    assert fired == [True, False, False, True, False, True]


def test_the_hourly_jobs_come_round_on_the_hour() -> None:
    tick(now=ON_THE_HOUR)
    minutes = [ON_THE_HOUR + timedelta(minutes=m) for m in range(1, 60)]

    for t in minutes:
        assert not HOURLY & set(tick(now=t))
    assert set(tick(now=ON_THE_HOUR + timedelta(hours=1))) >= HOURLY


def test_a_job_missed_while_no_scheduler_ran_fires_once_at_the_next_tick() -> None:
    tick(now=ON_THE_HOUR)

    later = tick(now=ON_THE_HOUR + timedelta(hours=5, seconds=3))

    assert set(later) == {j.name for j in JOBS}
    assert set(queued().values()) == {2}  # once for the five hours missed, not five times


def test_a_scheduler_whose_clock_is_behind_does_not_enqueue_again() -> None:
    tick(now=ON_THE_HOUR + timedelta(minutes=1))

    assert tick(now=ON_THE_HOUR + timedelta(seconds=50)) == []


def test_a_job_that_cannot_be_enqueued_does_not_stop_the_others() -> None:
    broken = Job("broken", "gongzhi.web.scheduler.slot_of", MINUTE)  # not a task
    deadlines = next(j for j in JOBS if j.name == "workorders.scan_deadlines")

    enqueued = tick(now=ON_THE_HOUR, jobs=[broken, deadlines])

    assert enqueued == ["workorders.scan_deadlines"]
    assert PeriodicJob.objects.get(name="broken").task_id == ""


def test_the_claim_row_records_the_last_enqueue() -> None:
    tick(now=ON_THE_HOUR)

    row = PeriodicJob.objects.get(name="workorders.scan_deadlines")
    assert row.enqueued_at == ON_THE_HOUR
    assert DBTaskResult.objects.filter(pk=row.task_id).exists()


def test_the_command_ticks_once_and_lists_the_jobs() -> None:
    once, listing = StringIO(), StringIO()

    call_command("scheduler", "--once", stdout=once)
    call_command("scheduler", "--list", stdout=listing)

    assert "workorders.scan_deadlines" in once.getvalue()
    assert sum(queued().values()) == len(JOBS)
    assert "never" not in listing.getvalue()
    assert all(j.task in listing.getvalue() for j in JOBS)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_schedulers_ticking_at_once_enqueue_each_slot_once() -> None:
    """Two copies (threads with their own connections) tick the same slots concurrently."""
    start = threading.Barrier(2)
    slots = [ON_THE_HOUR + timedelta(minutes=m) for m in range(10)]
    enqueued: list[list[str]] = [[], []]

    def copy(i: int) -> None:
        try:
            start.wait()
            for now in slots:
                enqueued[i] += tick(now=now)
        finally:
            connection.close()

    threads = [threading.Thread(target=copy, args=(i,)) for i in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()

    minute_jobs = {j.task for j in JOBS if j.every <= MINUTE}
    counts = queued()
    assert all(counts[task] == len(slots) for task in minute_jobs)
    assert len(enqueued[0]) + len(enqueued[1]) == sum(counts.values())
