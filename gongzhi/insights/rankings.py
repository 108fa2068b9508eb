"""The monthly ranking (月度排名) of subdistricts, communities and units by the three rates and
the composite, from the roll-ups in two queries: the month's and the month before's rows of
MonthlyLevelRollup (one per key), then the names.

The rates are those of workorders/rates.py, from the same counters: response =
contacted_in_time ÷ response_due, resolution = callbacks_resolved ÷ callbacks, satisfaction =
(satisfied + w·basically + 0·unsatisfied) ÷ callbacks (GONGZHI_SATISFACTION_WEIGHTS), composite
= 100 × the weighted sum (GONGZHI_RATE_WEIGHTS) of the unrounded rates, all rounded to two
decimals once. `response_due` counts passed contact deadlines up to the roll-ups' `as_of`
(RollupState), so the ranking equals rates.monthly_rates(as_of=that time).

Grades (Grade) and the bottom of the list are given by the composite, whatever the sort:

- Only rows with at least GONGZHI_INSIGHTS_MIN_ORDERS counted orders and a composite are
  *eligible*: graded, and marked at the bottom. Others get no grade.
- **Bottom of the list** (`is_bottom`): the last GONGZHI_INSIGHTS_BOTTOM_SIZE[level] eligible
  rows by composite.
- **治理类** (govern): composite below GONGZHI_INSIGHTS_GOVERN_BELOW, or at the bottom this
  month and last month (repeatedly low).
- **整改** (rectify): otherwise, composite below GONGZHI_INSIGHTS_RECTIFY_BELOW, or at the
  bottom this month.
- **先进** (advanced): otherwise, composite at least GONGZHI_INSIGHTS_ADVANCED_MIN and within
  the first GONGZHI_INSIGHTS_ADVANCED_SHARE of the eligible rows (at least one row).
- **进步** (improved): otherwise, composite up by GONGZHI_INSIGHTS_IMPROVED_MIN_DELTA points or
  more on last month (both months eligible), among the GONGZHI_INSIGHTS_IMPROVED_SHARE most
  improved eligible rows (at least one row).
- Everything else: no grade (一般).

`delta` is the change of the sorted-by figure against last month (percentage points), None
when either month has none; `previous_rank` the row's rank last month by the same figure.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Sum
from django.utils.translation import gettext_lazy as _

from gongzhi.accounts.models import Unit
from gongzhi.insights.models import COUNTERS, MonthlyLevelRollup, MonthlyRollup
from gongzhi.places.models import Community, Subdistrict


class Level(StrEnum):
    SUBDISTRICT = "subdistrict"
    COMMUNITY = "community"
    UNIT = "unit"


class By(StrEnum):
    COMPOSITE = "composite"
    RESPONSE = "response"
    RESOLUTION = "resolution"
    SATISFACTION = "satisfaction"


class Grade(models.TextChoices):
    ADVANCED = "advanced", _("先进")
    IMPROVED = "improved", _("进步")
    RECTIFY = "rectify", _("整改")
    GOVERN = "govern", _("治理类")


@dataclass(frozen=True)
class RateFigures:
    """Percentages 0–100, two decimals; None when the denominator is zero (composite: when
    any rate is None)."""

    response: float | None
    resolution: float | None
    satisfaction: float | None
    composite: float | None

    def get(self, by: By) -> float | None:
        return getattr(self, str(by))


def rate_figures(counts: Mapping[str, int]) -> RateFigures:
    """The three rates and the composite from roll-up counters (rates.py's formulas)."""
    w_sat = settings.GONGZHI_SATISFACTION_WEIGHTS
    due, callbacks = counts["response_due"], counts["callbacks"]
    response = counts["contacted_in_time"] / due if due else None
    resolution = counts["callbacks_resolved"] / callbacks if callbacks else None
    satisfaction = (
        (
            counts["satisfied"] * w_sat["satisfied"]
            + counts["basically"] * w_sat["basically"]
            + counts["unsatisfied"] * w_sat["unsatisfied"]
        )
        / callbacks
        if callbacks
        else None
    )
    composite = None
    if response is not None and resolution is not None and satisfaction is not None:
        w = settings.GONGZHI_RATE_WEIGHTS
        composite = round(
            100.0
            * (
                response * w["response"]
                + resolution * w["resolution"]
                + satisfaction * w["satisfaction"]
            ),
            2,
        )

    def pct(x: float | None) -> float | None:
        return round(100.0 * x, 2) if x is not None else None

    return RateFigures(pct(response), pct(resolution), pct(satisfaction), composite)


@dataclass(frozen=True)
class RankingRow:
    level: str
    key: int
    name: str
    subdistrict_id: int | None  # the community's subdistrict (community level), else None
    counts: dict[str, int]  # every roll-up counter (models.COUNTERS) of the month
    rates: RateFigures
    value: float | None  # the figure sorted by
    rank: int | None  # 1 = best by `value`; equal values share a rank; None without a value
    previous_value: float | None
    previous_rank: int | None
    delta: float | None  # value − previous_value, percentage points
    composite_delta: float | None
    grade: Grade | None
    is_bottom: bool

    @property
    def response_rate(self) -> float | None:
        return self.rates.response

    @property
    def resolution_rate(self) -> float | None:
        return self.rates.resolution

    @property
    def satisfaction_rate(self) -> float | None:
        return self.rates.satisfaction

    @property
    def composite(self) -> float | None:
        return self.rates.composite


def month_start(month: dt.date) -> dt.date:
    return month.replace(day=1)


def previous_month(month: dt.date) -> dt.date:
    first = month.replace(day=1)
    return (first - dt.timedelta(days=1)).replace(day=1)


def _ranks(values: dict[int, float | None]) -> dict[int, int]:
    """Competition ranks (1, 2, 2, 4) of the keys with a value, highest first."""
    ordered = sorted((v, k) for k, v in values.items() if v is not None)
    ordered.reverse()
    ranks: dict[int, int] = {}
    last: float | None = None
    for position, (value, key) in enumerate(ordered, start=1):
        if value != last:
            rank, last = position, value
        ranks[key] = rank
    return ranks


def _eligible(counts: dict[int, dict[str, int]], figures: dict[int, RateFigures]) -> list[int]:
    """Keys that may be graded, best composite first."""
    minimum = settings.GONGZHI_INSIGHTS_MIN_ORDERS
    keys = [
        k for k, f in figures.items() if f.composite is not None and counts[k]["counted"] >= minimum
    ]
    return sorted(keys, key=lambda k: (-(figures[k].composite or 0.0), k))


def _bottom(eligible: list[int], level: Level) -> set[int]:
    size = int(settings.GONGZHI_INSIGHTS_BOTTOM_SIZE.get(str(level), 0))
    return set(eligible[-size:]) if size > 0 else set()


def _share(n: int, share: float) -> int:
    return max(1, math.ceil(n * share)) if n else 0


def grades(
    level: Level,
    now: dict[int, RateFigures],
    now_counts: dict[int, dict[str, int]],
    before: dict[int, RateFigures],
    before_counts: dict[int, dict[str, int]],
) -> tuple[dict[int, Grade], set[int]]:
    """The grade of each graded key and the keys at the bottom of the list (see module)."""
    eligible = _eligible(now_counts, now)
    eligible_before = set(_eligible(before_counts, before))
    bottom = _bottom(eligible, level)
    bottom_before = _bottom(_eligible(before_counts, before), level)
    advanced_top = set(eligible[: _share(len(eligible), settings.GONGZHI_INSIGHTS_ADVANCED_SHARE)])
    improvements = {
        k: (now[k].composite or 0.0) - (before[k].composite or 0.0)
        for k in eligible
        if k in eligible_before
    }
    improved = sorted(
        (k for k, d in improvements.items() if d >= settings.GONGZHI_INSIGHTS_IMPROVED_MIN_DELTA),
        key=lambda k: (-improvements[k], k),
    )[: _share(len(eligible), settings.GONGZHI_INSIGHTS_IMPROVED_SHARE)]
    result: dict[int, Grade] = {}
    for k in eligible:
        composite = now[k].composite or 0.0
        if composite < settings.GONGZHI_INSIGHTS_GOVERN_BELOW or (
            k in bottom and k in bottom_before
        ):
            result[k] = Grade.GOVERN
        elif composite < settings.GONGZHI_INSIGHTS_RECTIFY_BELOW or k in bottom:
            result[k] = Grade.RECTIFY
        elif composite >= settings.GONGZHI_INSIGHTS_ADVANCED_MIN and k in advanced_top:
            result[k] = Grade.ADVANCED
        elif k in improved:
            result[k] = Grade.IMPROVED
    return result, bottom


def _names(level: Level, keys: list[int]) -> dict[int, tuple[str, int | None]]:
    if level is Level.UNIT:
        return {
            pk: (name, None)
            for pk, name in Unit.objects.filter(pk__in=keys).values_list("pk", "name")
        }
    if level is Level.COMMUNITY:
        return {
            pk: (name, sd)
            for pk, name, sd in Community.objects.filter(pk__in=keys).values_list(
                "pk", "name", "subdistrict_id"
            )
        }
    return {
        pk: (name, None)
        for pk, name in Subdistrict.objects.filter(pk__in=keys).values_list("pk", "name")
    }


def monthly_counts(
    level: Level, months: list[dt.date], *, within: int | None = None
) -> dict[dt.date, dict[int, dict[str, int]]]:
    """The counters of each key of `level` in each of `months` (first days), in one query:
    the rows of MonthlyLevelRollup (a unit ranking within one subdistrict sums that
    subdistrict's MonthlyRollup rows instead, a unit's level row being district-wide).
    Only keys with orders that count are ranked (as in rates.py)."""
    out: dict[dt.date, dict[int, dict[str, int]]] = {m: {} for m in months}
    if level is Level.UNIT and within is not None:
        sums: dict[str, Any] = {f"total_{c}": Sum(c) for c in COUNTERS}
        having: dict[str, Any] = {"total_counted__gt": 0}
        rows: Any = (
            MonthlyRollup.objects.filter(
                month__in=months, unit__isnull=False, subdistrict_id=within
            )
            .values("month", "unit_id")
            .annotate(**sums)
            .filter(**having)
            .order_by()
        )
        for row in rows:
            out[row["month"]][row["unit_id"]] = {c: int(row[f"total_{c}"] or 0) for c in COUNTERS}
        return out
    qs = MonthlyLevelRollup.objects.filter(
        month__in=months, level=str(level), key__isnull=False, counted__gt=0
    )
    if within is not None:
        qs = qs.filter(subdistrict_id=within)
    for values in qs.values_list("month", "key", *COUNTERS):
        out[values[0]][values[1]] = dict(zip(COUNTERS, values[2:], strict=True))
    return out


def ranking(
    level: str,
    month: dt.date,
    *,
    by: str = By.COMPOSITE,
    within: int | None = None,
) -> list[RankingRow]:
    """The rows of `level` ("subdistrict", "community" or "unit") with orders received in the
    month of `month`, best first by `by` ("composite", "response", "resolution",
    "satisfaction"; rows without that figure last, then by name). `within` keeps the rows of
    one subdistrict (community and unit levels: the roll-up rows of its places). Two
    queries: the two months' counters, then the names."""
    level, by = Level(level), By(by)
    this, last = month_start(month), previous_month(month)
    counts = monthly_counts(level, [this, last], within=within)
    now_counts, before_counts = counts[this], counts[last]
    now = {k: rate_figures(c) for k, c in now_counts.items()}
    before = {k: rate_figures(c) for k, c in before_counts.items()}
    graded, bottom = grades(level, now, now_counts, before, before_counts)
    ranks = _ranks({k: f.get(by) for k, f in now.items()})
    previous_ranks = _ranks({k: f.get(by) for k, f in before.items()})
    names = _names(level, list(now_counts))
    rows = []
    for k, figures in now.items():
        name, subdistrict_id = names.get(k, ("", None))
        value = figures.get(by)
        prev = before.get(k)
        previous_value = prev.get(by) if prev else None
        prev_composite = prev.composite if prev else None
        rows.append(
            RankingRow(
                level=str(level),
                key=k,
                name=name,
                subdistrict_id=subdistrict_id,
                counts=now_counts[k],
                rates=figures,
                value=value,
                rank=ranks.get(k),
                previous_value=previous_value,
                previous_rank=previous_ranks.get(k),
                delta=_diff(value, previous_value),
                composite_delta=_diff(figures.composite, prev_composite),
                grade=graded.get(k),
                is_bottom=k in bottom,
            )
        )
    rows.sort(key=lambda r: (r.value is None, -(r.value or 0.0), r.name, r.key))
    return rows


def _diff(a: float | None, b: float | None) -> float | None:
    return round(a - b, 2) if a is not None and b is not None else None


def as_dict(row: RankingRow) -> dict[str, Any]:
    """A row as plain data (JSON exports, the report)."""
    return {
        "level": row.level,
        "key": row.key,
        "name": row.name,
        "counts": row.counts,
        "response_rate": row.rates.response,
        "resolution_rate": row.rates.resolution,
        "satisfaction_rate": row.rates.satisfaction,
        "composite": row.rates.composite,
        "rank": row.rank,
        "delta": row.delta,
        "grade": str(row.grade) if row.grade else None,
        "is_bottom": row.is_bottom,
    }
