"""The periodic project scan: warnings before a project's deadline and after it, and the
evaluations whose window has ended.

Run by `gongzhi scan_projects` or the `scan_projects` task (hourly is plenty). Each due project
is *claimed* with a conditional UPDATE (`… WHERE id = %s AND warned_at IS NULL`): only the
runner whose UPDATE changed the row appends the event and notifies, so overlapping runs never
warn twice. Rows are found through the partial indexes on warn_at / due_at of open projects.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone

from gongzhi.deliberation.errors import TooFewRatings
from gongzhi.deliberation.models import CaseEventKind, Project, Step
from gongzhi.deliberation.services.evaluation import evaluation_close
from gongzhi.deliberation.services.guard import lock_case, record, send

_WORKING = (Step.ACT, Step.SUPERVISE)


@dataclass
class ProjectScanResult:
    warned: list[int] = field(default_factory=list)
    overdue: list[int] = field(default_factory=list)
    closed: list[int] = field(default_factory=list)
    reopened: list[int] = field(default_factory=list)
    waiting_for_ratings: list[int] = field(default_factory=list)

    @property
    def total(self) -> int:
        return len(self.warned) + len(self.overdue) + len(self.closed) + len(self.reopened)


def _claim(project_id: int, flag: str, time_field: str, now: dt.datetime, **also: object) -> bool:
    return (
        Project.objects.filter(
            pk=project_id,
            completed_at__isnull=True,
            case__step__in=_WORKING,
            **{f"{flag}__isnull": True, f"{time_field}__lte": now},
        ).update(**{flag: now, **also})
        == 1
    )


def _warn(project_id: int, *, overdue: bool, now: dt.datetime) -> bool:
    flag, time_field = ("overdue_at", "due_at") if overdue else ("warned_at", "warn_at")
    extra = {"overdue": True} if overdue else {}
    with transaction.atomic():
        if not _claim(project_id, flag, time_field, now, **extra):
            return False
        project = Project.objects.select_related("case").get(pk=project_id)
        case = lock_case(project.case_id)
        record(
            case,
            CaseEventKind.OVERDUE if overdue else CaseEventKind.WARNED,
            at=now,
            data={"deadline": project.deadline.isoformat(), "progress": project.progress},
        )
        send(
            "dl_project_overdue" if overdue else "dl_project_deadline_near",
            recipients=[link.unit for link in project.unit_links.select_related("unit")],
            case=case,
            title=project.title,
            deadline=f"{project.deadline:%Y-%m-%d}",
            progress=project.progress,
        )
    return True


def projects_scan(*, now: dt.datetime | None = None, batch: int = 500) -> ProjectScanResult:
    """Warn before and after deadlines, and decide evaluations whose window has ended.
    Idempotent and safe to run concurrently with itself; each project commits on its own."""
    now = now or timezone.now()
    result = ProjectScanResult()
    open_projects = Project.objects.filter(completed_at__isnull=True, case__step__in=_WORKING)
    for project_id in (
        open_projects.filter(warned_at__isnull=True, warn_at__lte=now, due_at__gt=now)
        .order_by("warn_at")
        .values_list("pk", flat=True)[:batch]
    ):
        if _warn(project_id, overdue=False, now=now):
            result.warned.append(project_id)
    for project_id in (
        open_projects.filter(overdue_at__isnull=True, due_at__lte=now)
        .order_by("due_at")
        .values_list("pk", flat=True)[:batch]
    ):
        if _warn(project_id, overdue=True, now=now):
            result.overdue.append(project_id)
    ended = Project.objects.filter(
        case__step=Step.EVALUATE, evaluation_ends_at__lte=now
    ).values_list("pk", flat=True)[:batch]
    for project_id in list(ended):
        project = Project.objects.get(pk=project_id)
        try:
            outcome = evaluation_close(project=project, by=None, at=now)
        except TooFewRatings:
            result.waiting_for_ratings.append(project_id)
            continue
        (result.closed if outcome.closed else result.reopened).append(project_id)
    return result
