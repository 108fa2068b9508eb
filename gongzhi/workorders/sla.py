"""Deadlines of a work order, computed once at intake (and on extension or reopening).

Definitions (what a district would publish):

- A limit in **hours** is clock time: received 10:15 with a 2-hour contact limit is due 12:15,
  nights, weekends and holidays included (emergencies do not wait for Monday).
- A limit of **N working days** ends at the end of the N-th working day after the day the order
  was received, 23:59:59 Asia/Shanghai. The day of receipt never counts, whatever the hour: an
  order received on Tuesday 30 September 2025 with 7 working days is due Thursday 16 October
  2025 23:59:59 (1–8 October is the National Day holiday; Saturday 11 October is a working day).
  Working days come from workcalendar.py (the official calendar with its adjusted working
  weekends); in a year the calendar does not cover, Mon–Fri, and the deadline is provisional.
- An extension of N working days moves the resolution deadline to the end of the N-th working
  day after the day of the current deadline.
- A warning is due `warning lead` before a deadline, but never earlier than half-way through
  the limit (so a 1-hour emergency contact limit warns after 30 minutes, not at once).
- Limits come from the TimeLimit row of the category (or of its nearest ancestor with one) for
  the urgency, else from settings.GONGZHI_TIME_LIMITS. The rows are read from this process's
  snapshot of the configuration (reference.py), not queried per order.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.conf import settings

from gongzhi.workorders import reference, workcalendar
from gongzhi.workorders.models import Category, LimitUnit, Priority, Urgency

SHANGHAI = ZoneInfo("Asia/Shanghai")
END_OF_DAY = dt.time(23, 59, 59)


@dataclass(frozen=True)
class Limit:
    amount: int
    unit: str  # LimitUnit value

    def __str__(self) -> str:
        return f"{self.amount} {LimitUnit(self.unit).label}"


@dataclass(frozen=True)
class Limits:
    contact: Limit
    resolve: Limit


@dataclass(frozen=True)
class Deadline:
    at: dt.datetime
    provisional: bool = False


@dataclass(frozen=True)
class Deadlines:
    contact_due_at: dt.datetime
    contact_warn_at: dt.datetime
    resolve_due_at: dt.datetime
    resolve_warn_at: dt.datetime
    provisional: bool


def default_limits(urgency: str) -> Limits:
    row = settings.GONGZHI_TIME_LIMITS.get(urgency) or settings.GONGZHI_TIME_LIMITS["normal"]
    return Limits(contact=Limit(*row["contact"]), resolve=Limit(*row["resolve"]))


def limits_for(category: Category, urgency: str) -> Limits:
    """The limits for this category and urgency: nearest TimeLimit row up the tree, else the
    defaults in settings."""
    rows = reference.current().limits
    for category_id in category.lineage_ids():
        row = rows.get((category_id, urgency))
        if row is not None:
            return Limits(
                contact=Limit(row.contact_amount, row.contact_unit),
                resolve=Limit(row.resolve_amount, row.resolve_unit),
            )
    return default_limits(urgency)


def end_of_working_day_after(start: dt.datetime, n: int) -> Deadline:
    """23:59:59 Asia/Shanghai of the n-th working day after the local day of `start`."""
    local_day = start.astimezone(SHANGHAI).date()
    found = workcalendar.add_working_days(local_day, n)
    return Deadline(dt.datetime.combine(found.day, END_OF_DAY, tzinfo=SHANGHAI), found.provisional)


def deadline(start: dt.datetime, limit: Limit) -> Deadline:
    if limit.unit == LimitUnit.HOURS:
        return Deadline(start + dt.timedelta(hours=limit.amount))
    return end_of_working_day_after(start, limit.amount)


def warn_time(start: dt.datetime, due: dt.datetime, lead: dt.timedelta) -> dt.datetime:
    """`lead` before `due`, but not before the half-way point between `start` and `due`."""
    return max(due - lead, start + (due - start) / 2)


def deadlines_for(*, start: dt.datetime, category: Category, urgency: str) -> Deadlines:
    limits = limits_for(category, urgency)
    contact = deadline(start, limits.contact)
    resolve = deadline(start, limits.resolve)
    return Deadlines(
        contact_due_at=contact.at,
        contact_warn_at=warn_time(start, contact.at, contact_warning_lead()),
        resolve_due_at=resolve.at,
        resolve_warn_at=warn_time(start, resolve.at, resolve_warning_lead()),
        provisional=contact.provisional or resolve.provisional,
    )


def resolve_deadline_for(*, start: dt.datetime, category: Category, urgency: str) -> Deadline:
    """A new resolution deadline counted from `start` (used when an order is reopened)."""
    return deadline(start, limits_for(category, urgency).resolve)


def extended(due: dt.datetime, working_days: int) -> Deadline:
    return end_of_working_day_after(due, working_days)


def contact_warning_lead() -> dt.timedelta:
    return dt.timedelta(minutes=settings.GONGZHI_CONTACT_WARNING_MINUTES)


def resolve_warning_lead() -> dt.timedelta:
    return dt.timedelta(hours=settings.GONGZHI_RESOLVE_WARNING_HOURS)


def is_lifted(category: Category) -> bool:
    """Is the category (or an ancestor) lifted to first priority by the emergency period?"""
    lifted = set(settings.GONGZHI_EMERGENCY_PERIOD_CATEGORIES)
    return bool(lifted) and any(c.code in lifted for c in category.lineage())


def priority_for(category: Category, urgency: str) -> Priority:
    if urgency == Urgency.EMERGENCY or is_lifted(category):
        return Priority.FIRST
    if urgency == Urgency.URGENT:
        return Priority.URGENT
    return Priority.NORMAL
