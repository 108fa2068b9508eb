"""What the insights benchmark times, on whatever database Django is connected to:

- the monthly ranking from the roll-ups (rankings.ranking), p95 over repeated runs, for
  subdistricts (the headline figure), communities and units;
- the same ranking the naive way, over raw rows (workorders/rates.monthly_rates: the
  GROUP BY over the month's orders with their first contact and latest callback), and that
  both give the same rows;
- the dashboard's query set (selectors.dashboard_summary), district and one subdistrict, p95;
- the dashboard pages themselves (district and one subdistrict, and map.json): a GET through
  Django's whole request stack (middleware, session, view, templates), signed in as a district
  leader, p95 — what a leader waits for apart from the network;
- a month's hotspot scan: the function given with `--hotspot-scan module:function` (a
  function of the month; the command's default is the real scan,
  hotspots.scan:bench_scan), or `hotspot_scan_proxy` below, which reads what a scan needs
  from the roll-ups (per community × category: the month's total and busiest day, and 12
  baseline months) and applies a plain control limit.
"""

from __future__ import annotations

import datetime as dt
import functools
import importlib
import math
import statistics
import time
from collections.abc import Callable
from typing import Any

from gongzhi.insights.models import DailyRollup, MonthlyRollup, OrderContribution
from gongzhi.insights.rankings import previous_month, ranking
from gongzhi.insights.selectors import (
    Scope,
    dashboard_summary,
    place_category_month_stats,
    rollups_as_of,
)
from gongzhi.workorders import rates


def p95(samples: list[float]) -> float:
    ordered = sorted(samples)
    return ordered[max(0, math.ceil(0.95 * len(ordered)) - 1)]


def timed(fn: Callable[[], Any]) -> tuple[float, Any]:
    started = time.perf_counter()
    value = fn()
    return (time.perf_counter() - started) * 1000.0, value


def repeat_ms(fn: Callable[[], Any], repeats: int) -> list[float]:
    fn()  # warm: plans, caches
    return [timed(fn)[0] for _ in range(repeats)]


def hotspot_scan_proxy(month: dt.date) -> int:
    """Places × categories whose month is above mean + 3 σ of their previous 12 months (a
    stand-in for the real scan: the same reads from the roll-ups, plainer statistics).
    Returns how many."""
    baseline_months = []
    m = month.replace(day=1)
    for _ in range(12):
        m = previous_month(m)
        baseline_months.append(m)
    return sum(
        1
        for s in place_category_month_stats(month, baseline_months)
        if s.total > s.baseline_mean + 3 * max(s.baseline_sd, 1.0)
    )


def load_hook(dotted: str) -> Callable[[dt.date], Any]:
    module, _sep, name = dotted.partition(":")
    hook: Callable[[dt.date], Any] = getattr(importlib.import_module(module), name)
    return hook


def _same(month: dt.date, level: str, as_of: dt.datetime) -> bool:
    naive = {
        r.key: (r.orders, r.composite)
        for r in rates.monthly_rates(year=month.year, month=month.month, level=level, as_of=as_of)
    }
    fast = {r.key: (r.counts["counted"], r.rates.composite) for r in ranking(level, month)}
    return naive == fast


def sizes() -> dict[str, int]:
    """Rows in the roll-up tables."""
    return {
        "contributions": OrderContribution.objects.count(),
        "daily_rows": DailyRollup.objects.count(),
        "monthly_rows": MonthlyRollup.objects.count(),
    }


def page_timings(month: dt.date, repeats: int, *, subdistrict: int | None) -> dict[str, float]:
    """p95 of the rendered dashboard pages (status 200 checked), signed in as a district
    staff member created for the bench (a membership of the hotline centre's kind of unit
    when the registry has one)."""
    from django.test import Client
    from django.urls import reverse

    from gongzhi.accounts.models import Membership, Person, Role, Unit

    leader, _created = Person.objects.get_or_create(username="bench-leader")
    unit = Unit.objects.filter(kind=Unit.Kind.HOTLINE_CENTRE).first()
    Membership.objects.get_or_create(person=leader, unit=unit, role=Role.DISTRICT_STAFF)
    client = Client()
    client.force_login(leader)
    query = {"month": f"{month:%Y-%m}"}
    pages = {
        "dashboard_page": reverse("insights:dashboard"),
        "map_json": reverse("insights:map_values"),
    }
    if subdistrict is not None:
        pages["dashboard_subdistrict_page"] = reverse("insights:subdistrict", args=[subdistrict])
    out: dict[str, float] = {}
    for name, url in pages.items():

        def get(url: str = url) -> None:
            response = client.get(url, query, HTTP_HOST="127.0.0.1")
            assert response.status_code == 200, (url, response.status_code)

        samples = repeat_ms(get, repeats)
        out[f"{name}_p95_ms"] = round(p95(samples), 2)
        out[f"{name}_median_ms"] = round(statistics.median(samples), 2)
    return out


def measure(
    *, month: dt.date, repeats: int, hotspot_scan: Callable[[dt.date], Any]
) -> dict[str, Any]:
    out: dict[str, Any] = {"month": f"{month:%Y-%m}"}
    as_of = rollups_as_of()
    assert as_of is not None, "build the roll-ups first"
    for level in ("subdistrict", "community", "unit"):
        samples = repeat_ms(functools.partial(ranking, level, month), repeats)
        key = "ranking" if level == "subdistrict" else f"ranking_{level}"
        out[f"{key}_p95_ms"] = round(p95(samples), 2)
        out[f"{key}_median_ms"] = round(statistics.median(samples), 2)
    out["ranking_rows"] = len(ranking("subdistrict", month))

    def naive_fn() -> list[rates.Rates]:
        return rates.monthly_rates(
            year=month.year, month=month.month, level="subdistrict", as_of=as_of
        )

    first_ms, _rows = timed(naive_fn)
    naive_runs = [timed(naive_fn)[0] for _ in range(2 if first_ms < 20_000 else 1)]
    out["naive_ranking_ms"] = round(statistics.median(naive_runs), 1)
    out["naive_ranking_cold_ms"] = round(first_ms, 1)
    out["speedup"] = round(out["naive_ranking_ms"] / out["ranking_p95_ms"], 1)
    out["ranking_matches_naive"] = _same(month, "subdistrict", as_of)

    district = repeat_ms(lambda: dashboard_summary(Scope.district(), month), repeats)
    out["dashboard_p95_ms"] = round(p95(district), 2)
    top = dashboard_summary(Scope.district(), month).areas
    if top:
        scope = Scope(top[0].key)
        sub = repeat_ms(lambda: dashboard_summary(scope, month), repeats)
        out["dashboard_subdistrict_p95_ms"] = round(p95(sub), 2)
    out.update(page_timings(month, repeats, subdistrict=top[0].key if top else None))
    started = time.perf_counter()
    found = hotspot_scan(month)
    out["hotspot_scan_s"] = round(time.perf_counter() - started, 3)
    out["hotspot_found"] = found if isinstance(found, int) else None
    return out
