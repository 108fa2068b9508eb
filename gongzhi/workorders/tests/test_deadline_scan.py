"""The minute job: warnings before deadlines, overdue marks after them, never twice."""

from __future__ import annotations

import datetime as dt

import time_machine
from django.core.management import call_command

from gongzhi.notifications.models import Notification
from gongzhi.workorders import services
from gongzhi.workorders.models import EventKind, WorkOrder
from gongzhi.workorders.services.deadlines import CHECKS, _claim
from gongzhi.workorders.sla import SHANGHAI
from gongzhi.workorders.tests.factories import order_in

# Thu 9 Oct 2025; resolve due Fri 17 Oct 23:59:59 (10, 11 (Sat, worked), 13–17).
RECEIVED = dt.datetime(2025, 10, 9, 9, 0, tzinfo=SHANGHAI)


def _accepted(world) -> WorkOrder:
    with time_machine.travel(RECEIVED, tick=False):
        order = order_in(world, "accepted")
        return services.workorder_contact(order=order, by=world.person("property_staff_x"))


def test_it_warns_the_lead_unit_a_day_before_the_resolution_deadline(world):
    order = _accepted(world)

    result = services.deadlines_scan(now=dt.datetime(2025, 10, 17, 12, 0, tzinfo=SHANGHAI))

    order.refresh_from_db()
    assert result.warned == [order.number]
    assert order.resolve_warned_at is not None and not order.overdue
    assert order.events.filter(kind=EventKind.WARNED).count() == 1
    assert Notification.objects.filter(
        order=order, event="deadline_near", recipient_unit=world.units["property_x"]
    ).exists()


def test_it_marks_an_order_overdue_after_its_deadline(world):
    order = _accepted(world)

    services.deadlines_scan(now=dt.datetime(2025, 10, 18, 0, 0, tzinfo=SHANGHAI))

    order.refresh_from_db()
    assert order.overdue and order.resolve_overdue_at is not None
    assert order.events.filter(kind=EventKind.OVERDUE).count() == 1


def test_a_second_run_does_not_warn_or_mark_again(world):
    order = _accepted(world)
    later = dt.datetime(2025, 10, 18, 0, 0, tzinfo=SHANGHAI)

    services.deadlines_scan(now=later)
    again = services.deadlines_scan(now=later + dt.timedelta(minutes=1))

    assert again.total == 0
    assert order.events.filter(kind__in=[EventKind.WARNED, EventKind.OVERDUE]).count() == 2


def test_only_one_of_two_runners_claims_a_row(world):
    order = _accepted(world)
    now = dt.datetime(2025, 10, 18, 0, 0, tzinfo=SHANGHAI)
    overdue = next(c for c in CHECKS if c.name == "overdue")

    first = _claim(overdue, order.pk, now)
    second = _claim(overdue, order.pk, now)

    assert first is not None and second is None


def test_an_order_not_contacted_in_time_is_flagged_for_contact(world):
    with time_machine.travel(RECEIVED, tick=False):
        order = order_in(world, "accepted")

    result = services.deadlines_scan(now=RECEIVED + dt.timedelta(hours=25))

    assert result.contact_warned == [order.number]
    assert result.contact_overdue == [order.number]


def test_resolved_orders_are_left_alone(world):
    with time_machine.travel(RECEIVED, tick=False):
        order_in(world, "resolved")

    result = services.deadlines_scan(now=RECEIVED + dt.timedelta(days=30))

    assert result.total == 0


def test_the_command_runs_the_scan(world, capsys):
    order = _accepted(world)

    with time_machine.travel(dt.datetime(2025, 10, 18, 0, 0, tzinfo=SHANGHAI), tick=False):
        call_command("scan_deadlines")

    order.refresh_from_db()
    assert order.overdue
    assert "overdue 1" in capsys.readouterr().out
