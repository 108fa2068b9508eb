"""Background work of the insights (django-tasks). Each task is safe to run twice and
concurrently with itself."""

from __future__ import annotations

from django.utils import timezone
from django_tasks import task

from gongzhi.insights.clusters import clusters_scan
from gongzhi.insights.hotspots.counts import add_months, local_bounds
from gongzhi.insights.hotspots.scan import hotspots_scan
from gongzhi.insights.hotspots.selectors import latest_scan
from gongzhi.insights.rollups import rollups_refresh


@task()
def refresh_rollups() -> dict[str, int | bool]:
    """The roll-ups' periodic job (every few seconds to a minute): apply the events appended
    since the last run. A run that finds another one in progress returns busy at once."""
    result = rollups_refresh()
    return {
        "events": result.events,
        "orders": result.orders,
        "changed": result.changed,
        "busy": result.busy,
        "event_id": result.event_id,
        "gaps": result.gaps,
    }


@task()
def scan_hotspots() -> dict[str, object]:
    """The hotspot job (hourly, say): this month so far — its compound counts recounted, its
    hotspots and its clusters — and last month once more if it has not been scanned since it
    ended (its last days' orders). Idempotent: a rescan updates what it finds again."""
    now = timezone.now()
    month = timezone.localdate(now).replace(day=1)
    out: dict[str, object] = {}
    previous = add_months(month, -1)
    last = latest_scan(period_start=previous)
    if last is None or last.scanned_at < local_bounds(month, month)[0]:
        done = hotspots_scan(day=previous, now=now)
        out["previous_month"] = {"hotspots": len(done.hotspots), "new": done.new}
        clusters_scan(start=previous, now=now)
    result = hotspots_scan(day=month, now=now)
    found = clusters_scan(start=month, now=now)
    out.update(hotspots=len(result.hotspots), new=result.new, clusters=len(found.clusters))
    return out
