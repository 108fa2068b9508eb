"""Background work of 共商共治 (django-tasks). Each task is safe to run twice."""

from __future__ import annotations

from django_tasks import task

from gongzhi.deliberation.services.scan import projects_scan


@task()
def scan_projects() -> dict[str, int]:
    """The hourly job: deadline warnings, overdue marks, and evaluations whose window ended."""
    result = projects_scan()
    return {
        "warned": len(result.warned),
        "overdue": len(result.overdue),
        "closed": len(result.closed),
        "reopened": len(result.reopened),
        "waiting_for_ratings": len(result.waiting_for_ratings),
    }
