"""Background maintenance of accounts (django-tasks). Every task here is idempotent."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone
from django_tasks import task

from gongzhi.accounts.models import LoginThrottle

# A run of failed logins that stopped short of a lock and has not grown for this long is
# forgotten, so that rows for mistyped or guessed names do not pile up for ever.
STALE_FAILURES_AFTER_HOURS = 24


@task()
def login_throttles_prune(*, stale_after_hours: int = STALE_FAILURES_AFTER_HOURS) -> dict[str, int]:
    """Delete lock-out rows that no longer lock anyone: expired locks and stale failure counts.

    Idempotent and safe to retry or to run beside logins: each DELETE re-checks its condition
    on the row, so a name that fails again in the meantime keeps its fresh count. An expired
    lock is deleted outright; `login_failed` would have reset its count at the next failure.
    """
    now = timezone.now()
    expired, _ = LoginThrottle.objects.filter(locked_until__lte=now).delete()
    stale, _ = LoginThrottle.objects.filter(
        locked_until=None, last_failure_at__lt=now - timedelta(hours=stale_after_hours)
    ).delete()
    return {"expired_locks": expired, "stale_failures": stale}
