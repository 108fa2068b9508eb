"""Notifying people: create the rows now, send them after the transaction commits.

`notify()` is called inside a service's transaction. It stores one Notification per recipient.
In-app rows are the inbox and are delivered by being stored (they commit or roll back with the
service). Rows for other channels are queued and, with transaction.on_commit, one task is
enqueued to send them. If the transaction rolls
back, the rows vanish with it and nothing is sent. Sending is idempotent and retried:
`notification_send()` locks the row, skips it when already sent, counts the attempt, and on
failure schedules the next attempt with exponential backoff until GONGZHI_NOTIFY_MAX_ATTEMPTS.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from gongzhi.accounts.models import Person, Unit
from gongzhi.notifications.channels import Message, get_channel
from gongzhi.notifications.messages import render
from gongzhi.notifications.models import Notification

logger = logging.getLogger("gongzhi.notifications")

Recipient = Person | Unit | str  # a str is a phone number


def notify(
    *,
    recipients: Iterable[Recipient | None],
    event: str,
    order: Any = None,
    params: dict[str, Any] | None = None,
) -> list[Notification]:
    """Queue `event` for each recipient (None and duplicates skipped); send after commit.

    People and units get the in-app channel; a phone number gets the SMS channel
    (settings.GONGZHI_SMS_CHANNEL, the console stand-in by default).
    """
    return notify_all([Notice(recipients, event, params)], order=order)


@dataclass(frozen=True)
class Notice:
    """One event for some recipients, as `notify` takes it."""

    recipients: Iterable[Recipient | None]
    event: str
    params: dict[str, Any] | None = None


def notify_all(notices: Iterable[Notice], *, order: Any = None) -> list[Notification]:
    """`notify` for several events of one step (a dispatch tells the lead unit and the
    assisting units different things): one INSERT for all their rows, one task after commit."""
    rows = notification_rows(notices, order=order)
    if not rows:
        return []
    created = Notification.objects.bulk_create(rows)
    notifications_written(created)
    return created


def notification_rows(notices: Iterable[Notice], *, order: Any = None) -> list[Notification]:
    """The rows `notify_all` writes, not yet written: for a caller that writes them with its
    own rows (intake's one statement), then calls `notifications_written`."""
    rows: list[Notification] = []
    for notice in notices:
        rows += _rows(notice, order)
    now = timezone.now()
    for row in rows:
        if row.channel == "in_app":
            # The row is the inbox: storing it is delivering it, no task needed.
            row.state, row.sent_at, row.attempts = Notification.State.SENT, now, 1
    return rows


def notifications_written(rows: Iterable[Notification]) -> None:
    """After `rows` are written (in the current transaction): send the queued ones once it
    commits."""
    ids = [n.pk for n in rows if n.state == Notification.State.QUEUED]
    if ids:
        transaction.on_commit(lambda: _enqueue(ids))


def _rows(notice: Notice, order: Any) -> list[Notification]:
    values: dict[str, Any] = {}
    if order is not None:
        values["number"] = order.number
    values.update(notice.params or {})
    template, subject, body = render(notice.event, values)
    rows: list[Notification] = []
    seen: set[tuple[str, object]] = set()
    for r in notice.recipients:
        if r is None or r == "":
            continue
        row = Notification(
            event=notice.event,
            template=template,
            params={k: str(v) for k, v in values.items()},
            subject=subject[:128],
            body=body,
            order=order,
        )
        if isinstance(r, Unit):
            key: tuple[str, object] = ("unit", r.pk)
            row.channel, row.recipient_unit = "in_app", r
        elif isinstance(r, str):
            key = ("phone", r)
            row.channel, row.recipient_phone = settings.GONGZHI_SMS_CHANNEL, r
        else:
            key = ("person", r.pk)
            row.channel, row.recipient_person = "in_app", r
        if key in seen:
            continue
        seen.add(key)
        rows.append(row)
    return rows


def _enqueue(ids: list[int], *, run_after: dt.datetime | None = None) -> None:
    from gongzhi.notifications.tasks import send_notifications

    task = send_notifications
    if run_after is not None and task.get_backend().supports_defer:
        task = task.using(run_after=run_after)
    try:
        task.enqueue(ids)
    except Exception:
        # The queue being down must not lose the message: the rows stay queued and the
        # periodic sweep (notifications_send_due) picks them up.
        logger.exception("could not enqueue notifications %s", ids)


def backoff(attempts: int) -> dt.timedelta:
    """Delay before the next attempt after `attempts` failed ones: base × 2^(attempts−1)."""
    return dt.timedelta(seconds=settings.GONGZHI_NOTIFY_BACKOFF_SECONDS * 2 ** max(0, attempts - 1))


def notification_send(*, notification_id: int) -> Notification | None:
    """Send one notification. Idempotent: a sent or finally failed row is left alone.

    Locks the row for the duration of the send so that two workers cannot both send it.
    Returns the row, or None if it no longer exists.
    """
    with transaction.atomic():
        n = (
            Notification.objects.select_for_update(of=("self",))
            .select_related("recipient_person", "recipient_unit")
            .filter(pk=notification_id)
            .first()
        )
        if n is None or n.state != Notification.State.QUEUED:
            return n
        now = timezone.now()
        if n.next_attempt_at is not None and n.next_attempt_at > now:
            return n  # not yet due; the backoff has not passed
        n.attempts += 1
        try:
            get_channel(n.channel).send(
                Message(
                    notification_id=n.pk,
                    subject=n.subject,
                    body=n.body,
                    template=n.template,
                    params=n.params,
                    phone=n.recipient_phone,
                    person_id=n.recipient_person_id,
                    unit_id=n.recipient_unit_id,
                )
            )
        except Exception as exc:
            n.error = f"{type(exc).__name__}: {exc}"[:2000]
            if n.attempts >= settings.GONGZHI_NOTIFY_MAX_ATTEMPTS:
                n.state = Notification.State.FAILED
                n.next_attempt_at = None
                logger.warning("notification %s failed for good: %s", n.pk, n.error)
            else:
                n.next_attempt_at = now + backoff(n.attempts)
                retry_at = n.next_attempt_at
                transaction.on_commit(lambda: _enqueue([notification_id], run_after=retry_at))
        else:
            n.state = Notification.State.SENT
            n.sent_at = now
            n.next_attempt_at = None
            n.error = ""
        n.save(update_fields=["state", "attempts", "next_attempt_at", "sent_at", "error"])
        return n


def notifications_send_due(*, limit: int = 500) -> int:
    """Send queued notifications whose next attempt is due (or never tried). The periodic
    sweep that catches retries a queue without deferred tasks cannot schedule, and rows whose
    enqueue failed. Returns how many were attempted."""
    now = timezone.now()
    ids = list(
        Notification.objects.filter(state=Notification.State.QUEUED, next_attempt_at__lte=now)
        .order_by("next_attempt_at")
        .values_list("id", flat=True)[:limit]
    )
    # Rows never attempted and older than a minute: their task was lost.
    ids += list(
        Notification.objects.filter(
            state=Notification.State.QUEUED,
            next_attempt_at__isnull=True,
            attempts=0,
            created_at__lte=now - dt.timedelta(minutes=1),
        ).values_list("id", flat=True)[:limit]
    )
    for notification_id in ids:
        notification_send(notification_id=notification_id)
    return len(ids)


def notification_mark_read(*, notification: Notification, by: Person) -> Notification:
    """Mark an inbox row read (for its person, or any staff member of its unit)."""
    if notification.read_at is None:
        Notification.objects.filter(pk=notification.pk, read_at__isnull=True).update(
            read_at=timezone.now()
        )
        notification.refresh_from_db(fields=["read_at"])
    return notification


def notifications_mark_all_read(*, person: Person) -> int:
    """Mark every unread row of the person's inbox read (their own and their units'); returns
    how many. One conditional UPDATE: a row read meanwhile by a colleague is left as it is."""
    from gongzhi.notifications.selectors import inbox_filter

    return Notification.objects.filter(inbox_filter(person), read_at__isnull=True).update(
        read_at=timezone.now()
    )
