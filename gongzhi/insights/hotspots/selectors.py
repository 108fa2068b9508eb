"""Reads of hotspots and clusters for the pages (dashboards) and the services, with the
person's visibility applied: staff see the hotspots and clusters of the places in their scope
(accounts.selectors.person_scope: district-wide roles everything, a subdistrict's staff its
subdistrict, a community's its community, a property company its compounds); residents,
riders and volunteers none.
"""

from __future__ import annotations

import datetime as dt

from django.db.models import Count, Q, QuerySet

from gongzhi.accounts.models import Person
from gongzhi.accounts.selectors import Scope, person_scope
from gongzhi.insights.hotspots.counts import local_bounds
from gongzhi.insights.hotspots.models import (
    Cluster,
    Hotspot,
    HotspotScan,
    Level,
    SignalStatus,
    Window,
)
from gongzhi.workorders.models import WorkOrder


def _scope_filter(scope: Scope) -> Q | None:
    """None: everything; Q(pk__in=[]) for a scope with nothing in it."""
    if scope.everything:
        return None
    if not scope.is_staff_scope:
        return Q(pk__in=[])
    return (
        Q(subdistrict_id__in=scope.subdistrict_ids)
        | Q(community_id__in=scope.community_ids)
        | Q(compound_id__in=scope.compound_ids)
    )


def visible_hotspots(person: Person) -> QuerySet[Hotspot]:
    qs = Hotspot.objects.select_related(
        "category", "community", "compound", "subdistrict", "work_order", "proposal"
    )
    q = _scope_filter(person_scope(person))
    return qs if q is None else qs.filter(q)


def visible_clusters(person: Person) -> QuerySet[Cluster]:
    qs = Cluster.objects.select_related(
        "category",
        "community",
        "compound",
        "subdistrict",
        "representative",
        "work_order",
        "proposal",
    )
    q = _scope_filter(person_scope(person))
    return qs if q is None else qs.filter(q)


def hotspot_list(
    person: Person,
    *,
    window: str = Window.MONTH,
    period_start: dt.date | None = None,
    subdistrict_id: int | None = None,
    status: str | None = None,
    include_fallen: bool = False,
) -> QuerySet[Hotspot]:
    """The hotspots the person may see, strongest first (smallest p-value). By default those
    still above their limit at the last scan, plus any already acted on; `period_start` the
    first day of the window (a month's first day for window month)."""
    qs = visible_hotspots(person).filter(window=window)
    if period_start is not None:
        qs = qs.filter(period_start=period_start)
    if subdistrict_id is not None:
        qs = qs.filter(subdistrict_id=subdistrict_id)
    if status is not None:
        qs = qs.filter(status=status)
    if not include_fallen:
        qs = qs.filter(Q(flagged=True) | ~Q(status=SignalStatus.OPEN))
    return qs.order_by("p_value", "-observed", "pk")


def hotspot_detail(person: Person, pk: int) -> Hotspot | None:
    """One hotspot with its event log prefetched, or None when absent or out of scope."""
    return visible_hotspots(person).filter(pk=pk).prefetch_related("events__actor").first()


def hotspot_orders(hotspot: Hotspot) -> QuerySet[WorkOrder]:
    """The orders the hotspot counted: its category at its place, received in its window
    (Asia/Shanghai). Not scoped: call it for a hotspot the person may see."""
    start, end = local_bounds(hotspot.period_start, hotspot.period_end)
    qs = WorkOrder.objects.filter(
        category_id=hotspot.category_id, received_at__gte=start, received_at__lt=end
    )
    if hotspot.level == Level.COMPOUND and hotspot.compound_id is not None:
        qs = qs.filter(compound_id=hotspot.compound_id)
    else:
        qs = qs.filter(community_id=hotspot.community_id)
    return qs.select_related("lead_unit").order_by("received_at", "pk")


def hotspot_counts_by_community(
    person: Person, *, window: str = Window.MONTH, period_start: dt.date
) -> dict[int, int]:
    """{community id: hotspots flagged in the window} for colouring a map."""
    rows = (
        visible_hotspots(person)
        .filter(window=window, period_start=period_start, flagged=True)
        .values("community_id")
        .annotate(n=Count("id"))
        .order_by()
    )
    return {r["community_id"]: r["n"] for r in rows}


def latest_scan(
    *, window: str = Window.MONTH, period_start: dt.date | None = None
) -> HotspotScan | None:
    """The last scan (of a window), for 'last looked for at …'."""
    qs = HotspotScan.objects.filter(window=window)
    if period_start is not None:
        qs = qs.filter(period_start=period_start)
    return qs.order_by("-scanned_at", "-id").first()


def cluster_list(
    person: Person,
    *,
    period_start: dt.date | None = None,
    subdistrict_id: int | None = None,
    status: str | None = None,
) -> QuerySet[Cluster]:
    """The clusters the person may see, largest first."""
    qs = visible_clusters(person)
    if period_start is not None:
        qs = qs.filter(period_start=period_start)
    if subdistrict_id is not None:
        qs = qs.filter(subdistrict_id=subdistrict_id)
    if status is not None:
        qs = qs.filter(status=status)
    return qs.order_by("-size", "-cohesion", "pk")


def cluster_detail(person: Person, pk: int) -> Cluster | None:
    """One cluster with its members (and their orders) and event log prefetched."""
    return (
        visible_clusters(person)
        .filter(pk=pk)
        .prefetch_related("members__order", "events__actor")
        .first()
    )
