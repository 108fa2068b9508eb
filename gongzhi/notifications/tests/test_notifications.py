"""Notifications: stored with the change, sent only after commit, retried, sent once."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.db import transaction

from gongzhi.notifications.channels import CHANNELS, Message, register_channel
from gongzhi.notifications.models import Notification
from gongzhi.notifications.selectors import inbox_for, unread_count
from gongzhi.notifications.services import (
    notification_send,
    notifications_send_due,
    notify,
)
from gongzhi.workorders import services
from gongzhi.workorders.models import Status
from gongzhi.workorders.tests.factories import order_in


def _send(pk: int) -> Notification:
    sent = notification_send(notification_id=pk)
    assert sent is not None
    return sent


IMMEDIATE = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


class RecordingChannel:
    """A stand-in SMS gateway that remembers what it was handed."""

    name = "recording"

    def __init__(self) -> None:
        self.sent: list[Message] = []

    def send(self, message: Message) -> None:
        self.sent.append(message)


@pytest.fixture
def gateway(settings):
    channel = RecordingChannel()
    register_channel(channel)
    settings.GONGZHI_SMS_CHANNEL = "recording"
    settings.TASKS = IMMEDIATE
    yield channel
    CHANNELS.pop("recording", None)


def test_a_dispatch_lands_in_the_lead_units_inbox(world):
    order = order_in(world, Status.DISPATCHED)

    note = Notification.objects.get(event="dispatched")
    assert (note.channel, note.recipient_unit, note.state) == (
        "in_app",
        world.units["property_x"],
        "sent",
    )
    assert order.number in note.subject
    assert list(inbox_for(world.person("property_staff_x"))) == [note]
    assert unread_count(world.person("secretary_a1")) == 0


def test_the_requester_is_told_by_sms_after_the_resolution_commits(
    world, gateway, django_capture_on_commit_callbacks
):
    order = order_in(world, Status.CONTACTED)

    with django_capture_on_commit_callbacks(execute=True):
        services.workorder_resolve(
            order=order, by=world.person("property_staff_x"), feedback="电梯已修复"
        )

    note = Notification.objects.get(event="resolved")
    (message,) = gateway.sent
    assert (message.phone, message.template) == ("13912341234", "WO_RESOLVED")
    assert message.params["number"] == order.number
    assert (note.state, note.attempts) == ("sent", 1)


def test_nothing_is_sent_or_stored_when_the_change_rolls_back(
    world, gateway, django_capture_on_commit_callbacks
):
    order = order_in(world, Status.CONTACTED)

    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        services.workorder_resolve(
            order=order, by=world.person("property_staff_x"), feedback="电梯已修复"
        )
        raise RuntimeError("the request failed after the service")

    assert callbacks == []
    assert gateway.sent == []
    assert not Notification.objects.filter(event="resolved").exists()


def test_a_failed_send_is_retried_with_backoff_until_the_limit(world, settings):
    settings.GONGZHI_SMS_CHANNEL = "failing"
    settings.GONGZHI_NOTIFY_MAX_ATTEMPTS = 3
    settings.GONGZHI_NOTIFY_BACKOFF_SECONDS = 30
    start = dt.datetime(2025, 10, 9, 9, 0, tzinfo=dt.UTC)
    with time_machine.travel(start, tick=False):
        (note,) = notify(recipients=["13800000000"], event="callback_due", params={"number": "1"})
        note = _send(note.pk)
        assert (note.state, note.attempts) == ("queued", 1)
        assert note.next_attempt_at == start + dt.timedelta(seconds=30)
        assert "ConnectionError" in note.error
        assert _send(note.pk).attempts == 1  # not yet due

    with time_machine.travel(start + dt.timedelta(seconds=31), tick=False):
        note = _send(note.pk)
        assert note.next_attempt_at == start + dt.timedelta(seconds=31 + 60)  # doubled
    with time_machine.travel(start + dt.timedelta(seconds=200), tick=False):
        note = _send(note.pk)

    assert (note.state, note.attempts, note.next_attempt_at) == ("failed", 3, None)


def test_the_periodic_sweep_sends_what_is_due_once(world, gateway):
    (note,) = notify(recipients=["13800000000"], event="callback_due", params={"number": "1"})
    Notification.objects.filter(pk=note.pk).update(
        next_attempt_at=dt.datetime(2025, 1, 1, tzinfo=dt.UTC)
    )

    assert notifications_send_due() == 1
    assert notifications_send_due() == 0
    assert len(gateway.sent) == 1


def test_a_sent_notification_is_not_sent_again(world, gateway):
    (note,) = notify(recipients=["13800000000"], event="callback_due", params={"number": "1"})

    notification_send(notification_id=note.pk)
    notification_send(notification_id=note.pk)

    assert len(gateway.sent) == 1


def test_duplicate_and_empty_recipients_are_skipped(world):
    unit = world.units["so_a"]

    rows = notify(recipients=[unit, unit, None, ""], event="callback_due", params={"number": "1"})

    assert len(rows) == 1
