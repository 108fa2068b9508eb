"""Working days on China's official calendar (the `chinesecalendar` package).

The package lists the State Council's public holidays and the adjusted working weekends (调休)
for each year it covers (2004–2026 in chinesecalendar 1.11). For a year it does not cover yet,
Monday to Friday count as working days and every answer touching that year is flagged
*provisional*: a deadline computed that way is shown as 暂定 until the package is updated.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import cache, lru_cache

import chinese_calendar
from chinese_calendar import constants


@cache
def covered_years() -> frozenset[int]:
    """The years the installed calendar has official data for."""
    years = {d.year for d in constants.holidays} | {d.year for d in constants.workdays}
    return frozenset(years)


def is_covered(day: dt.date) -> bool:
    return day.year in covered_years()


def is_working_day(day: dt.date) -> bool:
    """A working day on the official calendar; Mon–Fri for a year it does not cover."""
    if is_covered(day):
        return bool(chinese_calendar.is_workday(day))
    return day.weekday() < 5


@dataclass(frozen=True)
class WorkingDay:
    day: dt.date
    provisional: bool  # some day counted lies in a year the calendar does not cover


@lru_cache(maxsize=4096)  # every order received on a day asks the same few questions
def add_working_days(start: dt.date, n: int) -> WorkingDay:
    """The n-th working day after `start` (`start` itself is never counted; n ≥ 1).

    `add_working_days(Tue 2025-09-30, 1)` is Thu 2025-10-09: Oct 1–8 is the National Day
    holiday. With n = 0, `start` itself is returned.
    """
    if n < 0:
        raise ValueError("n must be ≥ 0")
    day = start
    provisional = not is_covered(start) and n > 0
    remaining = n
    while remaining > 0:
        day += dt.timedelta(days=1)
        if not is_covered(day):
            provisional = True
        if is_working_day(day):
            remaining -= 1
    return WorkingDay(day, provisional)


def working_days_between(start: dt.date, end: dt.date) -> int:
    """How many working days lie after `start` up to and including `end` (0 if end ≤ start)."""
    count = 0
    day = start
    while day < end:
        day += dt.timedelta(days=1)
        if is_working_day(day):
            count += 1
    return count
