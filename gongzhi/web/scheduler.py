"""The periodic jobs and the small scheduler that enqueues them (`gongzhi scheduler`).

django-tasks runs tasks but has no clock. This module is the clock: every few seconds it
looks at the registry below and enqueues each job whose interval has come round; the task
worker (`gongzhi db_worker`, or an RQ worker) runs it. The scheduler does no work itself.

**Registry.** `JOBS` lists each job with its task's dotted path and its interval. An app that
brings a periodic task adds one line here. Intervals are aligned to the clock (a 60-second
job fires at the top of each minute, an hourly one on the hour), and a job that has never run
(or whose slot passed while no scheduler ran) fires at the first tick.

**Two copies are safe, and enqueue each slot once.** Every job has a claim row
(web.PeriodicJob). A scheduler enqueues a job only after moving the row's `slot` to the
current one with a conditional UPDATE (`... WHERE name = %s AND slot < %s`); the database
lets exactly one UPDATE through per slot, whichever copy and whichever machine. A second
copy (a rolling deploy, a standby, two containers started by mistake) therefore costs a few
cheap UPDATEs and never doubles the queue. The claim commits before the enqueue: a scheduler
that dies in between loses that one slot, and the next slot runs the job. That is safe
because every job here is a sweep that picks up whatever is due (deadlines, queued
notifications, the event log since the roll-ups' watermark, expired lock-outs), so a missed
run only delays work by one interval. The tasks themselves are also safe to run twice or
concurrently (they claim rows with conditional UPDATEs or row locks, and the roll-up refresh
returns "busy"), so even a slot enqueued by hand beside the scheduler does no harm.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from django.db import close_old_connections
from django.utils import timezone
from django.utils.module_loading import import_string
from django_tasks.base import Task

from gongzhi.web.models import PeriodicJob

logger = logging.getLogger("gongzhi.scheduler")

MINUTE = 60
HOUR = 60 * MINUTE


@dataclass(frozen=True)
class Job:
    name: str  # the claim row's key; stable
    task: str  # dotted path of a django-tasks Task taking no arguments
    every: int  # seconds
    purpose: str = ""


JOBS: list[Job] = [
    Job(
        "workorders.scan_deadlines",
        "gongzhi.workorders.tasks.scan_deadlines",
        MINUTE,
        "work orders: warnings before contact and resolution deadlines, overdue marks",
    ),
    Job(
        "notifications.send_due",
        "gongzhi.notifications.tasks.send_due_notifications",
        MINUTE,
        "notifications: retries whose backoff has passed, rows whose task was lost",
    ),
    Job(
        "insights.refresh_rollups",
        "gongzhi.insights.tasks.refresh_rollups",
        30,
        "insights: apply new work-order events to the three-rate roll-ups",
    ),
    Job(
        "deliberation.scan_projects",
        "gongzhi.deliberation.tasks.scan_projects",
        HOUR,
        "deliberation: project deadline warnings, overdue marks, evaluation windows",
    ),
    Job(
        "accounts.login_throttles_prune",
        "gongzhi.accounts.tasks.login_throttles_prune",
        HOUR,
        "accounts: forget expired lock-outs and stale failed-login counts",
    ),
]

# How often the loop looks at the clock. Shorter than the shortest interval, so that a job
# fires within this many seconds of its slot.
TICK_SECONDS = 5.0


def slot_of(job: Job, now: datetime) -> int:
    return int(now.timestamp()) // job.every


def task_of(job: Job) -> Task[[], object]:
    task = import_string(job.task)
    if not isinstance(task, Task):
        raise TypeError(f"{job.task} is not a django-tasks Task")
    return task


def claim(job: Job, now: datetime) -> bool:
    """Move the job's slot forward to the one `now` is in; True for the one caller (in any
    process) that did. Expects the claim row to exist (see `tick`)."""
    moved = PeriodicJob.objects.filter(name=job.name, slot__lt=slot_of(job, now)).update(
        slot=slot_of(job, now), enqueued_at=now
    )
    return moved == 1


def tick(*, now: datetime | None = None, jobs: Sequence[Job] | None = None) -> list[str]:
    """Enqueue every job whose slot has come round and is not claimed yet. Returns the names
    of the jobs this call enqueued. Never sleeps; one INSERT (missing claim rows) and one
    UPDATE per job, plus the enqueues."""
    now = now or timezone.now()
    jobs = JOBS if jobs is None else jobs
    PeriodicJob.objects.bulk_create(
        [PeriodicJob(name=job.name) for job in jobs], ignore_conflicts=True
    )
    enqueued: list[str] = []
    for job in jobs:
        if not claim(job, now):
            continue
        try:
            result = task_of(job).enqueue()
        except Exception:
            # The slot is spent; the next one runs the job (every job is a sweep).
            logger.exception("could not enqueue %s", job.name)
            continue
        PeriodicJob.objects.filter(name=job.name).update(task_id=str(result.id)[:64])
        logger.info("enqueued %s (%s)", job.name, result.id)
        enqueued.append(job.name)
    return enqueued


def run(*, stop: threading.Event, interval: float = TICK_SECONDS) -> None:
    """Tick until `stop` is set. A tick that fails (the database restarting) is logged and
    the loop goes on; connections are refreshed before each tick, as a worker does."""
    while not stop.is_set():
        close_old_connections()
        try:
            tick()
        except Exception:
            logger.exception("scheduler tick failed")
        stop.wait(interval)
    close_old_connections()
