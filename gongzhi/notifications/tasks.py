"""Background sending. The tasks are safe to run twice: notification_send locks the row and
skips sent ones."""

from __future__ import annotations

from django_tasks import task

from gongzhi.notifications.services import notification_send, notifications_send_due


@task()
def send_notifications(notification_ids: list[int]) -> int:
    """Send each notification; returns how many are sent after this run."""
    sent = 0
    for notification_id in notification_ids:
        n = notification_send(notification_id=notification_id)
        if n is not None and n.state == "sent":
            sent += 1
    return sent


@task()
def send_due_notifications() -> int:
    """The periodic sweep (gongzhi.web.scheduler): queued notifications whose retry is due, or
    whose sending task was lost. Returns how many were attempted."""
    return notifications_send_due()
