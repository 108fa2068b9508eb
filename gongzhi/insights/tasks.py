"""Background work of the insights (django-tasks). Each task is safe to run twice and
concurrently with itself."""

from __future__ import annotations

from django_tasks import task

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
