"""Pausing a client after repeated failures (a wrong number and phone when tracking an order,
say), counted in the database so that all server processes share the count.

    if throttled("track", key, limit=10):
        ... answer 429 ...
    if failed:
        throttle_failed("track", key, window=timedelta(minutes=15))

The count runs in a window that starts with the first failure; once the window ends, the next
failure starts a new one. Rows whose window ended a day ago are deleted as new failures come.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac

from django.conf import settings
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from gongzhi.web.models import Throttle

__all__ = ["client_key", "throttle_failed", "throttled"]

_KEEP = dt.timedelta(days=1)


def client_key(request: HttpRequest) -> str:
    """The client's address as a keyed hash: the count needs to recognise the client, not to
    keep its address."""
    address = request.META.get("REMOTE_ADDR", "")
    digest = hmac.new(settings.SECRET_KEY.encode(), address.encode(), hashlib.sha256)
    return digest.hexdigest()[:32]


def throttled(scope: str, key: str, *, limit: int, now: dt.datetime | None = None) -> bool:
    """Whether this client reached `limit` failures in its current window."""
    now = now or timezone.now()
    return Throttle.objects.filter(
        scope=scope, key=key, failures__gte=limit, window_ends_at__gt=now
    ).exists()


def throttle_failed(
    scope: str, key: str, *, window: dt.timedelta, now: dt.datetime | None = None
) -> int:
    """Count one failure (one transaction, the client's row locked); the count so far."""
    now = now or timezone.now()
    with transaction.atomic():
        row, created = Throttle.objects.select_for_update().get_or_create(
            scope=scope, key=key, defaults={"window_ends_at": now + window}
        )
        if not created and row.window_ends_at <= now:
            row.failures = 0
            row.window_ends_at = now + window
        row.failures += 1
        row.save(update_fields=["failures", "window_ends_at"])
        if created:
            Throttle.objects.filter(scope=scope, window_ends_at__lt=now - _KEEP).delete()
    return row.failures
