"""Counting failed logins and locking a user name for a while after too many in a row."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from gongzhi.accounts.models import LoginThrottle


def login_allowed(*, username: str) -> bool:
    row = LoginThrottle.objects.filter(username=username.lower()).first()
    return row is None or row.locked_until is None or row.locked_until <= timezone.now()


def login_failed(*, username: str) -> LoginThrottle:
    """Count one failure; lock the name when the count reaches the limit. Locks the row."""
    now = timezone.now()
    with transaction.atomic():
        row, _ = LoginThrottle.objects.select_for_update().get_or_create(username=username.lower())
        if row.locked_until is not None and row.locked_until <= now:
            row.failures = 0
            row.locked_until = None
        row.failures += 1
        row.last_failure_at = now
        if row.failures >= settings.LOGIN_MAX_FAILURES:
            row.locked_until = now + timedelta(minutes=settings.LOGIN_LOCKOUT_MINUTES)
        row.save()
    return row


def login_succeeded(*, username: str) -> None:
    LoginThrottle.objects.filter(username=username.lower()).delete()
