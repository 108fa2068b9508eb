"""The dashboards' reads beyond insights.selectors.dashboard_summary: the month to show, a
community's summary, the categories with last month's figures, the map's values, and the one
read of raw orders (a community's orders of a month, paginated by the caller).

Everything but `community_orders` reads the monthly roll-ups (and the hotspot table), so the
pages cost the same at ten thousand and at ten million orders. The caller has checked that
the person may see the scope (dashboard/rules.py).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, F, Max, Q, QuerySet, Sum
from django.db.models.functions import Coalesce

from gongzhi.accounts.models import Person
from gongzhi.insights.hotspots.models import Window
from gongzhi.insights.hotspots.selectors import hotspot_counts_by_community, visible_hotspots
from gongzhi.insights.models import (
    COUNTERS,
    MonthlyCategoryRollup,
    MonthlyLevelRollup,
    MonthlyPlaceCategoryRollup,
)
from gongzhi.insights.rankings import month_start, previous_month, rate_figures
from gongzhi.insights.selectors import (
    TREND_MONTHS,
    AreaFigures,
    DashboardSummary,
    Scope,
    rollups_as_of,
)
from gongzhi.places.models import Community, Subdistrict
from gongzhi.workorders.models import WorkOrder
from gongzhi.workorders.selectors import orders_visible_to
from gongzhi.workorders.sla import SHANGHAI

Level = MonthlyLevelRollup.Level


def next_month(month: dt.date) -> dt.date:
    return (month_start(month) + dt.timedelta(days=32)).replace(day=1)


def last_complete_month(today: dt.date) -> dt.date:
    return previous_month(today)


def default_month(today: dt.date) -> dt.date:
    """The last complete month that has roll-up rows (the last complete month when none has):
    one indexed MAX over the subdistrict rows."""
    last = last_complete_month(today)
    found = MonthlyLevelRollup.objects.filter(
        level=Level.SUBDISTRICT, month__lte=last, received__gt=0
    ).aggregate(m=Max("month"))["m"]
    return found or last


def parse_month(raw: str | None) -> dt.date | None:
    """ "YYYY-MM" → its first day; None for anything else (years 2000–2100)."""
    if not raw:
        return None
    try:
        year_s, month_s = raw.strip().split("-")
        if len(year_s) != 4 or len(month_s) != 2:
            return None
        year, month = int(year_s), int(month_s)
        if not 2000 <= year <= 2100:
            return None
        return dt.date(year, month, 1)
    except ValueError:
        return None


def _months_back(month: dt.date, n: int) -> list[dt.date]:
    months = [month_start(month)]
    while len(months) < n:
        months.append(previous_month(months[-1]))
    return list(reversed(months))


def _figures(key: int | None, name: str, counts: dict[str, int]) -> AreaFigures:
    return AreaFigures(key, name, counts, rate_figures(counts))


def community_summary(community: Community, month: dt.date) -> DashboardSummary:
    """A community's month, last month and 13-month trend (one query over its
    MonthlyLevelRollup rows), in the shape of dashboard_summary (no areas below it, no
    categories: see `top_categories`)."""
    month = month_start(month)
    months = _months_back(month, TREND_MONTHS)
    rows = {
        values[0]: dict(zip(COUNTERS, values[1:], strict=True))
        for values in MonthlyLevelRollup.objects.filter(
            level=Level.COMMUNITY, key=community.pk, month__gte=months[0], month__lte=month
        ).values_list("month", *COUNTERS)
    }
    zero = dict.fromkeys(COUNTERS, 0)
    trend = [(m, _figures(None, f"{m:%Y-%m}", rows.get(m, zero))) for m in months]
    return DashboardSummary(
        scope=Scope(community.subdistrict_id),
        month=month,
        as_of=rollups_as_of(),
        totals=trend[-1][1],
        previous=trend[-2][1],
        trend=trend,
    )


@dataclass(frozen=True)
class CategoryFigures:
    """A top-level category's orders this month and last."""

    key: int
    name: str
    received: int
    previous: int
    resolved: int

    @property
    def change(self) -> int:
        return self.received - self.previous

    @property
    def change_pct(self) -> float | None:
        return round(100.0 * self.change / self.previous, 1) if self.previous else None


def top_categories(
    month: dt.date,
    *,
    subdistrict_id: int | None = None,
    community_id: int | None = None,
    limit: int = 8,
) -> list[CategoryFigures]:
    """The top-level categories with the most orders in the month, with last month's count:
    one query over the month × subdistrict × category roll-up (a community: the month ×
    community × category one), leaves summed into their top-level category."""
    this, last = month_start(month), previous_month(month)
    qs: QuerySet[Any]
    if community_id is not None:
        qs = MonthlyPlaceCategoryRollup.objects.filter(community_id=community_id)
    else:
        qs = MonthlyCategoryRollup.objects.all()
        if subdistrict_id is not None:
            qs = qs.filter(subdistrict_id=subdistrict_id)
    rows = (
        qs.filter(month__in=[this, last])
        .values("month")
        .annotate(
            top=Coalesce(F("category__parent_id"), F("category_id")),
            top_name=Coalesce(F("category__parent__name"), F("category__name")),
        )
        .values("month", "top", "top_name")
        .annotate(received=Sum("received"), resolved=Sum("resolved"))
        .order_by()
    )
    now: dict[int, tuple[str, int, int]] = {}
    before: dict[int, int] = {}
    for r in rows:
        if r["month"] == this:
            now[r["top"]] = (r["top_name"], int(r["received"] or 0), int(r["resolved"] or 0))
        else:
            before[r["top"]] = int(r["received"] or 0)
    figures = [
        CategoryFigures(k, name, received, before.get(k, 0), resolved)
        for k, (name, received, resolved) in now.items()
        if received
    ]
    figures.sort(key=lambda c: (-c.received, c.name))
    return figures[:limit]


def month_categories(month: dt.date, community_id: int) -> list[tuple[int, str]]:
    """The leaf categories with orders at the community in the month, for the order list's
    filter (from the roll-up, not the orders)."""
    return list(
        MonthlyPlaceCategoryRollup.objects.filter(
            community_id=community_id, month=month_start(month), received__gt=0
        )
        .values_list("category_id", "category__name")
        .order_by("category__name")
        .distinct()
    )


def flagged_hotspots(person: Person, month: dt.date, *, subdistrict_id: int | None = None) -> int:
    """How many hotspots the person may see were above their limit in the month."""
    qs = visible_hotspots(person).filter(
        window=Window.MONTH, period_start=month_start(month), flagged=True
    )
    if subdistrict_id is not None:
        qs = qs.filter(subdistrict_id=subdistrict_id)
    return qs.count()


@dataclass(frozen=True)
class MapArea:
    id: int
    name: str
    orders: int
    response: float | None
    resolution: float | None
    satisfaction: float | None
    composite: float | None
    hotspots: int
    generated: bool

    def as_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "name": self.name,
            "orders": self.orders,
            "response": self.response,
            "resolution": self.resolution,
            "satisfaction": self.satisfaction,
            "composite": self.composite,
            "hotspots": self.hotspots,
        }


def map_areas(person: Person, month: dt.date, *, subdistrict_id: int | None) -> list[MapArea]:
    """Every subdistrict (subdistrict_id None) or every community of one subdistrict, with its
    month's orders received, rates and flagged hotspots (areas without orders: 0 and None):
    the month's MonthlyLevelRollup rows, the places' names, and one count of hotspots."""
    month = month_start(month)
    rows = MonthlyLevelRollup.objects.filter(month=month, key__isnull=False)
    if subdistrict_id is None:
        rows = rows.filter(level=Level.SUBDISTRICT)
        places: QuerySet[Any] = Subdistrict.objects.all()
        hotspots = {
            r["subdistrict_id"]: r["n"]
            for r in visible_hotspots(person)
            .filter(window=Window.MONTH, period_start=month, flagged=True)
            .values("subdistrict_id")
            .annotate(n=Count("id"))
            .order_by()
        }
    else:
        rows = rows.filter(level=Level.COMMUNITY, subdistrict_id=subdistrict_id)
        places = Community.objects.filter(subdistrict_id=subdistrict_id)
        hotspots = hotspot_counts_by_community(person, period_start=month)
    counts = {
        values[0]: dict(zip(COUNTERS, values[1:], strict=True))
        for values in rows.values_list("key", *COUNTERS)
    }
    out = []
    for pk, name, generated in places.values_list("pk", "name", "generated").order_by("pk"):
        c = counts.get(pk)
        rates = rate_figures(c) if c else None
        out.append(
            MapArea(
                id=pk,
                name=name,
                orders=c["received"] if c else 0,
                response=rates.response if rates else None,
                resolution=rates.resolution if rates else None,
                satisfaction=rates.satisfaction if rates else None,
                composite=rates.composite if rates else None,
                hotspots=hotspots.get(pk, 0),
                generated=generated,
            )
        )
    return out


def month_bounds(month: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """[first day, first day of the next month) in Asia/Shanghai, as the roll-ups count."""
    first = month_start(month)
    return (
        dt.datetime.combine(first, dt.time(), tzinfo=SHANGHAI),
        dt.datetime.combine(next_month(first), dt.time(), tzinfo=SHANGHAI),
    )


def community_orders(
    person: Person,
    community_id: int,
    month: dt.date,
    *,
    category_id: int | None = None,
    status: str | None = None,
) -> QuerySet[WorkOrder]:
    """The orders the person may see received at the community in the month (through the
    (community, received_at) index), newest first; `category_id` a leaf or a top-level
    category (its leaves)."""
    start, end = month_bounds(month)
    qs = orders_visible_to(person).filter(
        community_id=community_id, received_at__gte=start, received_at__lt=end
    )
    if category_id is not None:
        qs = qs.filter(Q(category_id=category_id) | Q(category__parent_id=category_id))
    if status:
        qs = qs.filter(status=status)
    return qs.order_by("-received_at", "-pk")
