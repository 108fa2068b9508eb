"""Background sending. The task is safe to run twice: notification_send skips sent rows."""

from __future__ import annotations

from django_tasks import task

from gongzhi.notifications.services import notification_send


@task()
def send_notifications(notification_ids: list[int]) -> int:
    """Send each notification; returns how many are sent after this run."""
    sent = 0
    for notification_id in notification_ids:
        n = notification_send(notification_id=notification_id)
        if n is not None and n.state == "sent":
            sent += 1
    return sent
