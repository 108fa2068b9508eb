"""What the case page shows: the five steps and, for each, its details — proposals, meetings
with their outcome and votes, the resolution on notice with objections and answers, the
project with units, budget, milestones and linked work orders, progress, spending, visits, and
the evaluation. Everything is read through the domain's selectors; the work orders through the
work-order selectors, so that a person sees only the orders they may see."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db.models import Count, Prefetch
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gongzhi.accounts.models import Person
from gongzhi.deliberation import selectors
from gongzhi.deliberation.models import (
    Case,
    Motion,
    Project,
    Spending,
    Step,
    SupervisionVisit,
    UnitRole,
)
from gongzhi.deliberation.services import tally
from gongzhi.deliberation.services.evaluation import threshold
from gongzhi.workorders.models import WorkOrder
from gongzhi.workorders.selectors import orders_visible_to

# What each step is about, beside its one-character name.
STEP_NAMES: dict[str, Any] = {
    Step.COLLECT: _("征集议题"),
    Step.DELIBERATE: _("协商议事"),
    Step.NOTICE: _("决议公示"),
    Step.ACT: _("实事立项"),
    Step.SUPERVISE: _("实施监督"),
    Step.EVALUATE: _("居民评价"),
    Step.CLOSED: _("已办结"),
    Step.WITHDRAWN: _("议题终止"),
}

# Which of the five sections a step's details live in (notice is shown inside 议).
SECTION_OF_STEP: dict[str, str] = {
    Step.COLLECT: "collect",
    Step.DELIBERATE: "deliberate",
    Step.NOTICE: "deliberate",
    Step.ACT: "act",
    Step.SUPERVISE: "supervise",
    Step.EVALUATE: "evaluate",
}


@dataclass
class ProjectView:
    project: Project
    budget: selectors.Budget
    spent_pct: int
    lines: list[Any]
    milestones: list[Any]
    units: list[Any]
    updates: list[Any]
    spendings: list[Spending]
    visits: list[SupervisionVisit]
    orders: list[WorkOrder]
    hidden_orders: int
    late: bool
    days_left: int | None
    ratings: int = 0
    mean: Any = None
    threshold: Any = None
    min_ratings: int = 0


@dataclass
class CasePage:
    case: Case
    steps: list[selectors.StepState]
    current_section: str
    proposals: list[Any]
    meetings: list[Any]
    notice: selectors.NoticeState
    objections: list[Any]
    project: ProjectView | None
    events: list[Any]
    case_orders: int
    extra: dict[str, Any] = field(default_factory=dict)


def _project_view(person: Person, case: Case) -> ProjectView | None:
    pk = selectors.visible_projects(person).filter(case=case).values_list("pk", flat=True).first()
    if pk is None:
        return None
    project = selectors.project_get(person, pk)
    project.case = case
    budget = selectors.project_budget(project)
    linked = selectors.orders_for_project(project)
    visible_ids = orders_visible_to(person).order_by().values("pk")
    orders = list(linked.filter(pk__in=visible_ids))
    total = linked.count()
    now = timezone.now()
    days_left = None
    if project.completed_at is None:
        days_left = (project.deadline - timezone.localdate(now)).days
    result = tally(project)
    return ProjectView(
        project=project,
        budget=budget,
        spent_pct=min(100, int(budget.spent * 100 / budget.planned)) if budget.planned else 0,
        lines=list(project.budget_lines.all()),
        milestones=list(project.milestones.all()),
        units=sorted(project.unit_links.all(), key=lambda u: u.role != UnitRole.LEAD),
        updates=list(project.updates.select_related("by", "unit").order_by("-at", "-id")),
        spendings=list(
            Spending.objects.filter(line__project=project)
            .select_related("line")
            .order_by("-on", "-id")
        ),
        visits=list(
            project.visits.select_related("representative__person")
            .prefetch_related("photos")
            .order_by("-visited_at", "-id")
        ),
        orders=orders,
        hidden_orders=total - len(orders),
        late=project.completed_at is None and project.due_at <= now,
        days_left=days_left,
        ratings=result.ratings,
        mean=result.mean,
        threshold=threshold(),
        min_ratings=settings.GONGZHI_DELIBERATION_EVALUATION_MIN_RATINGS,
    )


def case_page(person: Person, case: Case) -> CasePage:
    steps = selectors.case_steps(case)
    notice = selectors.notice_state(case)
    meetings = list(
        selectors.meetings_for_case(case)
        .annotate(present_count=Count("attendances", distinct=True))
        .prefetch_related(
            Prefetch("motions", queryset=Motion.objects.filter(case=case).order_by("id")),
            "photos",
        )
    )
    return CasePage(
        case=case,
        steps=steps,
        current_section=SECTION_OF_STEP.get(case.step, ""),
        proposals=list(case.proposals.order_by("submitted_at", "id")),
        meetings=meetings,
        notice=notice,
        objections=list(selectors.objections_for(notice.resolution)) if notice.resolution else [],
        project=_project_view(person, case),
        events=list(selectors.case_events(case)),
        case_orders=case.work_orders.count(),
    )
