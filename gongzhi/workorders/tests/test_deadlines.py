"""Deadlines in working time on the official calendar (sla.py, workcalendar.py)."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from gongzhi.workorders import sla, workcalendar
from gongzhi.workorders.models import TimeLimit, Urgency
from gongzhi.workorders.tests.factories import category, order_in, receive

CST = sla.SHANGHAI


def at(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> dt.datetime:
    return dt.datetime(year, month, day, hour, minute, tzinfo=CST)


def end_of(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(23, 59, 59), tzinfo=CST)


# --- The calendar ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "working"),
    [
        (dt.date(2025, 9, 28), True),  # Sunday, worked in lieu of National Day
        (dt.date(2025, 10, 1), False),
        (dt.date(2025, 10, 8), False),  # the last day of the 2025 National Day holiday
        (dt.date(2025, 10, 9), True),
        (dt.date(2025, 10, 11), True),  # Saturday, worked in lieu
        (dt.date(2025, 10, 12), False),  # an ordinary Sunday
        (dt.date(2026, 2, 14), True),  # Saturday, worked in lieu of the Spring Festival
        (dt.date(2026, 2, 16), False),  # 除夕 (New Year's Eve)
        (dt.date(2026, 2, 23), False),  # the last day of the 2026 Spring Festival holiday
        (dt.date(2026, 2, 24), True),
        (dt.date(2026, 2, 28), True),  # Saturday, worked in lieu
    ],
)
def test_it_follows_the_official_calendar_with_its_adjusted_weekends(day, working):
    assert workcalendar.is_working_day(day) is working


def test_it_covers_2025_and_2026_but_not_2027():
    assert {2025, 2026} <= workcalendar.covered_years()
    assert 2027 not in workcalendar.covered_years()


# --- Working-day deadlines -------------------------------------------------------------------


def test_seven_working_days_from_the_eve_of_national_day_2025_skip_the_holiday():
    # Received Tue 30 Sep: 9, 10, 11 (Sat, worked), 13, 14, 15, 16 October.
    due = sla.deadline(at(2025, 9, 30, 15, 0), sla.Limit(7, "working_days"))
    assert due == sla.Deadline(end_of(dt.date(2025, 10, 16)), provisional=False)


def test_the_adjusted_working_sunday_before_national_day_counts():
    due = sla.deadline(at(2025, 9, 27, 10, 0), sla.Limit(1, "working_days"))  # a Saturday
    assert due.at == end_of(dt.date(2025, 9, 28))


def test_an_order_received_during_the_holiday_waits_for_the_first_working_day():
    due = sla.deadline(at(2025, 10, 3, 9, 0), sla.Limit(1, "working_days"))
    assert due.at == end_of(dt.date(2025, 10, 9))


def test_seven_working_days_across_spring_festival_2026():
    # Received Fri 13 Feb: 14 (Sat, worked), 24, 25, 26, 27, 28 (Sat, worked), 2 March.
    due = sla.deadline(at(2026, 2, 13, 11, 0), sla.Limit(7, "working_days"))
    assert due == sla.Deadline(end_of(dt.date(2026, 3, 2)), provisional=False)


def test_the_day_of_receipt_never_counts_even_at_dawn():
    due = sla.deadline(at(2025, 10, 9, 0, 5), sla.Limit(1, "working_days"))
    assert due.at == end_of(dt.date(2025, 10, 10))


def test_a_year_the_calendar_does_not_cover_falls_back_to_monday_to_friday_provisionally():
    due = sla.deadline(at(2027, 1, 4, 9, 0), sla.Limit(5, "working_days"))  # a Monday
    assert due == sla.Deadline(end_of(dt.date(2027, 1, 11)), provisional=True)


def test_a_deadline_that_runs_into_an_uncovered_year_is_provisional():
    due = sla.deadline(at(2026, 12, 30, 9, 0), sla.Limit(3, "working_days"))
    assert due.provisional is True


def test_hour_limits_are_clock_hours_through_holidays():
    due = sla.deadline(at(2025, 10, 1, 22, 30), sla.Limit(2, "hours"))
    assert due == sla.Deadline(at(2025, 10, 2, 0, 30))


def test_the_warning_comes_the_lead_time_before_but_not_before_half_way():
    start = at(2025, 10, 9, 10, 0)
    assert sla.warn_time(start, at(2025, 10, 16, 23, 59), dt.timedelta(hours=24)) == at(
        2025, 10, 15, 23, 59
    )
    assert sla.warn_time(start, at(2025, 10, 9, 11, 0), dt.timedelta(hours=2)) == at(
        2025, 10, 9, 10, 30
    )


# --- Deadlines set at intake -----------------------------------------------------------------


@time_machine.travel(at(2025, 9, 30, 15, 0), tick=False)
def test_intake_sets_both_deadlines_from_the_default_limits(world, settings):
    order = receive(world)

    assert order.contact_due_at == at(2025, 10, 1, 15, 0)  # 24 clock hours
    assert order.resolve_due_at == end_of(dt.date(2025, 10, 16))  # 7 working days
    assert order.deadline_provisional is False


@time_machine.travel(at(2027, 3, 1, 9, 0), tick=False)
def test_intake_flags_a_deadline_in_an_uncovered_year_as_provisional(world):
    assert receive(world).deadline_provisional is True


@time_machine.travel(at(2026, 2, 13, 11, 0), tick=False)
def test_a_time_limit_row_of_a_parent_category_applies_to_its_children(world):
    TimeLimit.objects.create(
        category=category("property"),
        urgency=Urgency.NORMAL,
        contact_amount=4,
        contact_unit="hours",
        resolve_amount=3,
        resolve_unit="working_days",
    )

    order = receive(world, category=category("property-elevator"))

    assert order.contact_due_at == at(2026, 2, 13, 15, 0)
    assert order.resolve_due_at == end_of(dt.date(2026, 2, 25))  # 14 (Sat), 24, 25


@time_machine.travel(at(2025, 10, 9, 9, 0), tick=False)
def test_an_emergency_gets_hour_limits_and_first_priority(world):
    order = receive(world, urgency=Urgency.EMERGENCY)

    assert order.contact_due_at == at(2025, 10, 9, 10, 0)
    assert order.resolve_due_at == at(2025, 10, 10, 9, 0)
    assert order.priority == 0


def test_an_emergency_period_lifts_a_category_to_first_priority(world, settings):
    settings.GONGZHI_EMERGENCY_PERIOD_CATEGORIES = ["heating"]

    lifted = receive(world, category=category("heating-cold"))
    ordinary = receive(world, category=category("noise-neighbour"))

    assert (lifted.priority, ordinary.priority) == (0, 2)


def test_an_approved_extension_counts_working_days_after_the_current_deadline(world):
    from gongzhi.workorders import services

    with time_machine.travel(at(2025, 9, 30, 15, 0), tick=False):
        order = order_in(world, "accepted")
        services.workorder_extension_request(
            order=order, by=world.person("property_staff_x"), working_days=2, reason="等待配件"
        )
        services.workorder_extension_decide(
            order=order, by=world.person("dispatcher"), approve=True
        )

    order.refresh_from_db()
    # Was Thu 16 October; two working days after it: Fri 17, Mon 20.
    assert order.resolve_due_at == end_of(dt.date(2025, 10, 20))
    assert order.extended_days == 2
