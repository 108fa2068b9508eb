"""The hotspot scan (未诉先办): every place × category whose count in a window is above its
expected level, with the evidence that raised it. stats.py says how expected levels and
control limits are computed; this module gathers the counts and stores what it finds.

Places are scanned at two levels:

- **compound** — CompoundMonthCount (the orders that carry a compound);
- **community** — the roll-ups' MonthlyPlaceCategoryRollup (every order with a community).

Each level compares a place with the rest of the district *at that level*. A community whose
rise is already a compound hotspot of the same category is not reported again.

Windows: a calendar month (counts from the monthly tables, so the scan reads no raw orders
except the recount of the scanned month's compound counts), or a week / day (the window's
counts from the orders received in it; the shares still come from the monthly baseline, since
a share does not depend on the window's length). A month still in progress is scanned as far
as it has gone: the rest of the district so far is what the place is compared with.

The baseline is the GONGZHI_HOTSPOT_BASELINE_MONTHS months before the window's month; a
category needs GONGZHI_HOTSPOT_MIN_BASELINE_MONTHS months with orders in it to be scanned
(it is listed as skipped otherwise), and a place needs some orders in the baseline (a place
with none has nothing to be compared with).
"""

from __future__ import annotations

import datetime as dt
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

import numpy as np
from django.conf import settings
from django.db import connection, connections, transaction
from django.utils import timezone

from gongzhi.insights.hotspots import stats
from gongzhi.insights.hotspots.cells import Cells, Period, gather, period_of, series
from gongzhi.insights.hotspots.counts import add_months, compound_counts_rebuild, local_bounds
from gongzhi.insights.hotspots.models import Hotspot, HotspotScan, Level, Window
from gongzhi.places.models import Community, Compound

__all__ = ["Period", "ScanResult", "bench_scan", "hotspots_scan", "period_of"]


@dataclass
class ScanResult:
    period: Period
    tested: int = 0
    hotspots: list[Hotspot] = field(default_factory=list)  # flagged by this scan
    new: int = 0  # of which first found now
    skipped_categories: list[int] = field(default_factory=list)
    seconds: dict[str, float] = field(default_factory=dict)
    scan: HotspotScan | None = None


def _gather_levels(period: Period, b_lo: dt.date, same: list[dt.date]) -> list[Cells]:
    """Both levels' cells. On PostgreSQL outside a transaction the community level is read on
    a second connection while this one reads the compounds (two server processes instead of
    one: the reads are most of a scan's time); inside a transaction (the tests) a second
    connection would not see uncommitted rows, so the levels are read one after the other."""
    if connection.vendor != "postgresql" or connection.in_atomic_block:
        return [gather(level, period, b_lo, same) for level in (Level.COMPOUND, Level.COMMUNITY)]

    def community() -> Cells:
        try:
            return gather(Level.COMMUNITY, period, b_lo, same)
        finally:
            connections.close_all()  # this thread's connection only

    with ThreadPoolExecutor(max_workers=1) as pool:
        other = pool.submit(community)
        return [gather(Level.COMPOUND, period, b_lo, same), other.result()]


@dataclass
class _Flag:
    level: str
    place: int
    category: int
    observed: int
    expected: float
    variance: float
    limit: int
    z: float
    p: float
    evidence: dict[str, object]


def _judge(lv: Cells, *, alpha_cell: float, evidence: dict[str, object]) -> list[_Flag]:
    """The statistics of one level's cells (stats.py); the flagged cells."""
    if not len(lv.place):
        return []
    b = lv.baseline
    categories, groups = np.unique(lv.category, return_inverse=True)
    excess, e2 = stats.dispersion_terms(b)
    fit = lv.tested & (b.s1 > 0)
    phi_by_category = stats.dispersion(excess[fit], e2[fit], groups[fit], len(categories))
    phi = phi_by_category[groups]
    exp = stats.expectation(
        b,
        n_now=lv.n_now,
        f_now=lv.f_now,
        phi=phi,
        prior_years=settings.GONGZHI_HOTSPOT_SEASON_PRIOR_YEARS,
    )
    candidates = np.flatnonzero(
        lv.tested & (lv.n_now >= settings.GONGZHI_HOTSPOT_MIN_COUNT) & (exp.mean > 0)
    )
    if not len(candidates):
        return []
    p = stats.upper_p(lv.n_now[candidates], exp.mean[candidates], exp.variance[candidates])
    hit = candidates[p <= alpha_cell]
    p = p[p <= alpha_cell]
    if not len(hit):
        return []
    limits = stats.upper_limit(alpha_cell, exp.mean[hit], exp.variance[hit])
    z = stats.z_score(lv.n_now[hit], exp.mean[hit], exp.variance[hit])
    flags = []
    for j, i in enumerate(hit):
        place, category = int(lv.place[i]), int(lv.category[i])
        same = exp.share_same[i]
        flags.append(
            _Flag(
                level=lv.level,
                place=place,
                category=category,
                observed=int(lv.n_now[i]),
                expected=float(exp.mean[i]),
                variance=float(exp.variance[i]),
                limit=int(limits[j]),
                z=float(z[j]),
                p=float(p[j]),
                evidence={
                    **evidence,
                    "district_count": int(lv.f_now[i]),
                    "rest_count": int(exp.rest_now[i]),
                    "baseline_count": int(b.s1[i]),
                    "baseline_district_count": int(b.a1[i]),
                    "same_month_count": int(b.s_same[i]),
                    "same_month_district_count": int(b.a_same[i]),
                    "same_month_years": int(b.years[i]),
                    "share_all": float(exp.share_all[i]),
                    "share_same": None if np.isnan(same) else float(same),
                    "share": float(exp.share[i]),
                    "dispersion": float(phi[i]),
                    "variance": float(exp.variance[i]),
                },
            )
        )
    return flags


def hotspots_scan(
    *,
    window: str = Window.MONTH,
    day: dt.date | None = None,
    recount: bool = True,
    now: dt.datetime | None = None,
) -> ScanResult:
    """Scan the window (month, week or day) containing `day` (default: today) and store its
    hotspots. With `recount`, a month's compound counts are first recounted from the orders
    (hotspots.counts); the community counts are the roll-ups as of their last refresh.

    Idempotent: a rescan of the same window updates the evidence of the hotspots it finds
    again (their status and links are kept), adds the new ones, and marks those no longer
    above their limit (`flagged` False); it never deletes one."""
    now = now or timezone.now()
    period = period_of(window, day or timezone.localdate(now))
    result = ScanResult(period)
    clock = time.perf_counter()
    started = clock

    def lap(name: str) -> None:
        nonlocal clock
        t = time.perf_counter()
        result.seconds[name] = round(t - clock, 3)
        clock = t

    if recount and window == Window.MONTH:
        compound_counts_rebuild(month=period.month)
        lap("recount")
    span = settings.GONGZHI_HOTSPOT_BASELINE_MONTHS
    b_lo = add_months(period.month, -span)
    same = [add_months(period.month, -12 * k) for k in range(1, span // 12 + 1)]
    levels = _gather_levels(period, b_lo, same)
    lap("read")
    result.tested = sum(int(lv.tested.sum()) for lv in levels)
    alpha = settings.GONGZHI_HOTSPOT_ALPHA
    alpha_cell = alpha / max(result.tested, 1)
    start, end = local_bounds(period.start, period.end)
    evidence: dict[str, object] = {
        "method": "share_of_rest_of_district",
        "baseline_months": [f"{add_months(b_lo, i):%Y-%m}" for i in range(span)],
        "same_months": [f"{m:%Y-%m}" for m in same],
        "alpha": alpha,
        "tests": result.tested,
        "alpha_cell": alpha_cell,
        "min_count": settings.GONGZHI_HOTSPOT_MIN_COUNT,
        "received_from": start.isoformat(),
        "received_to": end.isoformat(),
    }
    flags = [f for lv in levels for f in _judge(lv, alpha_cell=alpha_cell, evidence=evidence)]
    min_months = settings.GONGZHI_HOTSPOT_MIN_BASELINE_MONTHS
    skipped = {
        c
        for lv in levels
        for c, n in lv.totals_now.items()
        if n > 0 and lv.months_with_orders.get(c, 0) < min_months
    }
    result.skipped_categories = sorted(skipped)
    lap("judge")
    _store(flags, period, b_lo, now, result)
    lap("store")
    result.scan = HotspotScan.objects.create(
        window=period.window,
        period_start=period.start,
        period_end=period.end,
        scanned_at=now,
        tested=result.tested,
        flagged=len(result.hotspots),
        seconds=round(time.perf_counter() - started, 3),
        summary={"seconds": result.seconds, "skipped_categories": result.skipped_categories},
    )
    return result


def _store(
    flags: list[_Flag], period: Period, b_lo: dt.date, now: dt.datetime, result: ScanResult
) -> None:
    compounds = {
        pk: (community, subdistrict)
        for pk, community, subdistrict in Compound.objects.filter(
            pk__in={f.place for f in flags if f.level == Level.COMPOUND}
        ).values_list("pk", "community_id", "community__subdistrict_id")
    }
    # A community's rise that a compound hotspot of the same category already shows.
    covered = {(compounds[f.place][0], f.category) for f in flags if f.level == Level.COMPOUND}
    flags = [f for f in flags if f.level == Level.COMPOUND or (f.place, f.category) not in covered]
    communities = dict(
        Community.objects.filter(
            pk__in={f.place for f in flags if f.level == Level.COMMUNITY}
        ).values_list("pk", "subdistrict_id")
    )
    hi = period.month if period.window == Window.MONTH else add_months(period.month, -1)
    monthly: dict[str, dict[tuple[int, int], dict[str, int]]] = {
        level: series(level, b_lo, hi, [(f.place, f.category) for f in flags if f.level == level])
        for level in (Level.COMPOUND, Level.COMMUNITY)
    }
    with transaction.atomic():
        existing = {
            (h.level, h.place_key, h.category_id): h
            for h in Hotspot.objects.select_for_update().filter(
                window=period.window, period_start=period.start
            )
        }
        seen = set()
        for f in flags:
            if f.level == Level.COMPOUND:
                community, subdistrict = compounds[f.place]
                compound: int | None = f.place
            else:
                community, subdistrict, compound = f.place, communities[f.place], None
            values = {
                "subdistrict_id": subdistrict,
                "community_id": community,
                "compound_id": compound,
                "period_end": period.end,
                "observed": f.observed,
                "expected": round(f.expected, 3),
                "limit": f.limit,
                "z": round(f.z, 3),
                "p_value": f.p,
                "evidence": {**f.evidence, "series": monthly[f.level].get((f.place, f.category))},
                "flagged": True,
                "scanned_at": now,
            }
            key = (f.level, f.place, f.category)
            seen.add(key)
            row = existing.get(key)
            if row is None:
                row = Hotspot.objects.create(
                    level=f.level,
                    window=period.window,
                    period_start=period.start,
                    place_key=f.place,
                    category_id=f.category,
                    first_flagged_at=now,
                    **values,
                )
                result.new += 1
            else:
                for name, value in values.items():
                    setattr(row, name, value)
                row.save()
            result.hotspots.append(row)
        gone = [h.pk for key, h in existing.items() if key not in seen and h.flagged]
        if gone:
            Hotspot.objects.filter(pk__in=gone).update(flagged=False, scanned_at=now)


def bench_scan(month: dt.date) -> int:
    """`gongzhi bench insights`' hook: scan a month from the counts as they stand (the bench
    builds the compound counts with the roll-ups, before the timings) and return how many
    hotspots were flagged."""
    return len(hotspots_scan(day=month, recount=False).hotspots)
