"""The production task queue: django-tasks' RQ backend on a real Redis, run by an RQ worker.

Skipped when Redis is not reachable; with GONGZHI_REQUIRE_REDIS=1 (as CI sets it) an
unreachable Redis fails the test instead. It works in Redis database 15 (or the database of
GONGZHI_TEST_REDIS_URL) on a queue of its own, and deletes that queue afterwards.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator

import django_rq
import pytest
from django_tasks import TaskResult, TaskResultStatus
from django_tasks.signals import task_enqueued
from django_tasks_rq.backend import Job
from pytest_django.fixtures import Settings
from redis import Redis
from redis.exceptions import RedisError
from rq import SimpleWorker

from gongzhi.accounts.tasks import login_throttles_prune
from gongzhi.web.tests.test_tasks import (  # noqa: F401 (fixtures shared with the database tests)
    PRUNED_ONCE,
    at_now,
    remaining,
    seed_throttles,
    signal_handlers_restored,
)

TEST_REDIS_URL = os.environ.get("GONGZHI_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")

pytestmark = [pytest.mark.redis, pytest.mark.django_db]


@pytest.fixture
def redis_reachable() -> None:
    try:
        Redis.from_url(TEST_REDIS_URL, socket_connect_timeout=2, socket_timeout=2).ping()
    except RedisError as exc:
        reason = f"Redis is not reachable at {TEST_REDIS_URL} ({exc})"
        if os.environ.get("GONGZHI_REQUIRE_REDIS") == "1":
            pytest.fail(f"{reason}, and GONGZHI_REQUIRE_REDIS=1 requires it")
        pytest.skip(reason)


@pytest.fixture
def rq_queue(redis_reachable: None, settings: Settings) -> Iterator[str]:
    """A queue of this test's own on the test Redis, behind a task backend aliased "rq"."""
    name = f"gongzhi-test-{uuid.uuid4().hex[:12]}"
    settings.RQ_QUEUES = {
        # django-tasks-rq fetches results through the "default" connection.
        "default": {"URL": TEST_REDIS_URL},
        name: {"URL": TEST_REDIS_URL, "DEFAULT_TIMEOUT": 60},
    }
    settings.TASKS = {
        "default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]},
        "rq": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": [name]},
    }
    enqueued: list[str] = []

    def remember(sender: object, task_result: TaskResult, **kwargs: object) -> None:
        enqueued.append(task_result.id)

    task_enqueued.connect(remember, weak=False)
    try:
        yield name
    finally:
        task_enqueued.disconnect(remember)
        queue = django_rq.get_queue(name, job_class=Job)
        for job_id in enqueued:
            job = queue.fetch_job(job_id)
            if job is not None:
                job.delete()  # the job and its results
        queue.delete(delete_jobs=True)


@pytest.mark.usefixtures("signal_handlers_restored", "at_now")
def test_an_rq_worker_runs_a_prune_enqueued_through_the_rq_backend(rq_queue: str) -> None:
    seed_throttles()
    result = login_throttles_prune.using(backend="rq", queue_name=rq_queue).enqueue()
    assert result.backend == "rq"
    assert remaining() == {"expired", "locked", "recent", "stale"}  # nothing ran yet

    # SimpleWorker runs the job in this process, inside this test's database transaction.
    queue = django_rq.get_queue(rq_queue, job_class=Job)
    worker = SimpleWorker([queue], connection=queue.connection, job_class=Job)
    assert worker.work(burst=True) is True  # it processed a job, then stopped

    result.refresh()
    assert result.status == TaskResultStatus.SUCCESSFUL
    assert result.return_value == PRUNED_ONCE
    assert remaining() == {"locked", "recent"}
