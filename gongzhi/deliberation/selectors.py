"""Reads of 共商共治 with their visibility rules.

Proposals, cases, resolutions, projects and the ledger are public to every signed-in person
(rules.can_view_public); an anonymous person sees nothing. The sign-in list and named votes of
a meeting are for the place's staff and representatives (rules.can_view_votes): the console
selector says so in its result.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Avg, Count, F, Prefetch, Q, QuerySet, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone

from gongzhi.accounts.models import Person
from gongzhi.deliberation import rules
from gongzhi.deliberation.errors import NotFound
from gongzhi.deliberation.models import (
    FIVE_STEPS,
    Attendance,
    BudgetLine,
    Case,
    CaseEvent,
    Hall,
    Meeting,
    Motion,
    Objection,
    Project,
    ProjectUnit,
    Proposal,
    Representative,
    Resolution,
    ResolutionStatus,
    Step,
)
from gongzhi.workorders.models import WorkOrder

ZERO = Decimal("0.00")


# --- Proposals and cases -------------------------------------------------------------------------


def visible_proposals(
    person: Person | None,
    *,
    status: str | None = None,
    subdistrict_id: int | None = None,
    community_id: int | None = None,
) -> QuerySet[Proposal]:
    qs = Proposal.objects.select_related("community", "compound", "building", "author", "case")
    if not rules.can_view_public(person):
        return qs.none()
    if status:
        qs = qs.filter(status=status)
    if subdistrict_id:
        qs = qs.filter(subdistrict_id=subdistrict_id)
    if community_id:
        qs = qs.filter(community_id=community_id)
    return qs


def proposal_get(person: Person | None, pk: int) -> Proposal:
    found = visible_proposals(person).filter(pk=pk).first()
    if found is None:
        raise NotFound(pk=pk)
    return found


def visible_cases(
    person: Person | None,
    *,
    step: str | None = None,
    subdistrict_id: int | None = None,
    community_id: int | None = None,
) -> QuerySet[Case]:
    qs = Case.objects.select_related("subdistrict", "community", "compound", "building")
    if not rules.can_view_public(person):
        return qs.none()
    if step:
        qs = qs.filter(step=step)
    if subdistrict_id:
        qs = qs.filter(subdistrict_id=subdistrict_id)
    if community_id:
        qs = qs.filter(community_id=community_id)
    return qs


def case_get(person: Person | None, pk: int) -> Case:
    found = visible_cases(person).filter(pk=pk).first()
    if found is None:
        raise NotFound(pk=pk)
    return found


def case_for_number(person: Person | None, number: str) -> Case:
    found = visible_cases(person).filter(number=number).first()
    if found is None:
        raise NotFound(number=number)
    return found


@dataclass(frozen=True)
class StepState:
    step: str
    label: str
    state: str  # "done", "current", "todo"
    entered_at: dt.datetime | None


# The position of each step on the five-step line (notice shows inside 议).
_POSITION: dict[str, int] = {
    Step.COLLECT: 0,
    Step.DELIBERATE: 1,
    Step.NOTICE: 1,
    Step.ACT: 2,
    Step.SUPERVISE: 3,
    Step.EVALUATE: 4,
    Step.CLOSED: 5,
}


def case_steps(case: Case) -> list[StepState]:
    """The five steps 集 议 办 督 评 with done / current / todo for the case page. A withdrawn
    case shows the steps it went through as done. Entered-at times come from the events (one
    query)."""
    entered: dict[str, dt.datetime] = {}
    for to_step, at in case.events.exclude(to_step="").values_list("to_step", "at"):
        entered.setdefault(to_step, at)  # the first time; a reopened case keeps its first
    position = _POSITION.get(case.step, 1)
    result = []
    for i, step in enumerate(FIVE_STEPS):
        if case.step == Step.WITHDRAWN:
            # The steps it went through (notice counts as 议) are done; it never reached the rest.
            reached = step in entered or (step == Step.DELIBERATE and Step.NOTICE in entered)
            state = "done" if reached else "todo"
        elif i < position:
            state = "done"
        elif i == position:
            state = "current"
        else:
            state = "todo"
        result.append(StepState(step, str(Step(step).label), state, entered.get(step)))
    return result


def case_events(case: Case) -> QuerySet[CaseEvent]:
    """The whole history, oldest first (public: names of residents are not shown by pages)."""
    return case.events.select_related("actor").order_by("at", "id")


# --- Meetings ------------------------------------------------------------------------------------


def halls_for_community(community_id: int) -> QuerySet[Hall]:
    return Hall.objects.filter(community_id=community_id, is_active=True).select_related(
        "compound", "building"
    )


def representatives_for_community(
    community_id: int, *, day: dt.date | None = None
) -> QuerySet[Representative]:
    day = day or timezone.localdate()
    return (
        Representative.objects.filter(
            community_id=community_id, is_active=True, term_start__lte=day
        )
        .filter(Q(term_end__isnull=True) | Q(term_end__gte=day))
        .select_related("person", "compound", "building", "substitute__person", "substitute_person")
    )


def meetings_for_case(case: Case) -> QuerySet[Meeting]:
    return case.meetings.select_related("hall").order_by("scheduled_at", "id")


def meeting_get(person: Person | None, pk: int) -> Meeting:
    if not rules.can_view_public(person):
        raise NotFound(pk=pk)
    found = (
        Meeting.objects.select_related("hall", "community", "compound", "building")
        .filter(pk=pk)
        .first()
    )
    if found is None:
        raise NotFound(pk=pk)
    return found


def meetings_to_run(person: Person | None) -> QuerySet[Meeting]:
    """Meetings not yet closed that the person may run (their community or subdistrict)."""
    qs = Meeting.objects.filter(status__in=["scheduled", "in_session"]).select_related("hall")
    memberships = rules.memberships_of(person)
    communities = {m.unit_community_id for m in memberships if m.role in rules.COMMUNITY_STAFF}
    subdistricts = {m.unit_subdistrict_id for m in memberships if m.role == "subdistrict_staff"}
    if not communities and not subdistricts:
        return qs.none()
    return qs.filter(Q(community_id__in=communities) | Q(subdistrict_id__in=subdistricts)).order_by(
        "scheduled_at"
    )


@dataclass
class SeatRow:
    representative: Representative
    attendance: Attendance | None


@dataclass
class MotionRow:
    motion: Motion
    votes_cast: int
    passed: bool | None


@dataclass
class MeetingConsole:
    """Everything the secretary's console shows, read in a fixed number of queries."""

    meeting: Meeting
    seats: list[SeatRow]
    eligible: int
    present: int
    needed: int
    quorum_met: bool
    motions: list[MotionRow]
    may_see_votes: bool
    cases: list[Case] = field(default_factory=list)


def meeting_console(person: Person | None, meeting: Meeting) -> MeetingConsole:
    reps = rules.representatives_of(meeting.place)
    attendances = {
        a.representative_id: a
        for a in Attendance.objects.filter(meeting=meeting).select_related("attendee")
    }
    # Representatives no longer serving who signed in still count (they were present).
    seats = [SeatRow(r, attendances.get(r.pk)) for r in reps]
    present = len(attendances)
    eligible = meeting.eligible_count if meeting.opened_at else len(reps)
    needed = rules.quorum_needed(eligible) if eligible else 0
    motions = [
        MotionRow(
            m,
            m.n_votes,
            None if m.status == "open" else m.status == "passed",
        )
        for m in Motion.objects.filter(meeting=meeting)
        .annotate(n_votes=Count("votes"))
        .select_related("case")
    ]
    return MeetingConsole(
        meeting=meeting,
        seats=seats,
        eligible=eligible,
        present=present,
        needed=needed,
        quorum_met=rules.quorum_met(present, eligible),
        motions=motions,
        may_see_votes=rules.can_view_votes(person, meeting),
        cases=list(meeting.cases.all()),
    )


# --- Public notice -------------------------------------------------------------------------------


@dataclass(frozen=True)
class NoticeState:
    resolution: Resolution | None
    ends_at: dt.datetime | None
    period_over: bool
    objections: int
    unanswered: int

    @property
    def may_proceed(self) -> bool:
        """The case may move on to act: the period has passed and every objection is answered."""
        return self.resolution is not None and self.period_over and self.unanswered == 0


def notice_state(case: Case, *, now: dt.datetime | None = None) -> NoticeState:
    now = now or timezone.now()
    resolution = (
        Resolution.objects.filter(case=case)
        .exclude(status=ResolutionStatus.WITHDRAWN)
        .order_by("-published_at", "-id")
        .first()
    )
    if resolution is None:
        return NoticeState(None, None, False, 0, 0)
    counts = resolution.objections.aggregate(
        n=Count("id"), open=Count("id", filter=Q(answered_at__isnull=True))
    )
    return NoticeState(
        resolution,
        resolution.notice_ends_at,
        now >= resolution.notice_ends_at,
        counts["n"],
        counts["open"],
    )


def objections_for(resolution: Resolution) -> QuerySet[Objection]:
    return resolution.objections.select_related("answered_by").order_by("at", "id")


# --- Projects ------------------------------------------------------------------------------------


def visible_projects(
    person: Person | None,
    *,
    year: int | None = None,
    kind: str | None = None,
    subdistrict_id: int | None = None,
    community_id: int | None = None,
) -> QuerySet[Project]:
    qs = Project.objects.select_related("case", "community", "subdistrict", "compound", "building")
    if not rules.can_view_public(person):
        return qs.none()
    if year:
        qs = qs.filter(year=year)
    if kind:
        qs = qs.filter(kind=kind)
    if subdistrict_id:
        qs = qs.filter(subdistrict_id=subdistrict_id)
    if community_id:
        qs = qs.filter(community_id=community_id)
    return qs


def project_get(person: Person | None, pk: int) -> Project:
    found = (
        visible_projects(person)
        .prefetch_related(
            Prefetch("unit_links", queryset=ProjectUnit.objects.select_related("unit")),
            "budget_lines",
            "milestones",
        )
        .filter(pk=pk)
        .first()
    )
    if found is None:
        raise NotFound(pk=pk)
    return found


def projects_for_order(order: WorkOrder) -> QuerySet[Project]:
    """The practical-matter projects a work order is linked to (for the order page)."""
    return Project.objects.filter(work_orders=order).select_related("case").order_by("-created_at")


def orders_for_project(project: Project) -> QuerySet[WorkOrder]:
    """The work orders linked to a project, newest first (for the project page)."""
    return project.work_orders.select_related("category", "community").order_by("-received_at")


@dataclass(frozen=True)
class Budget:
    planned: Decimal
    spent: Decimal
    over_plan: bool


def project_budget(project: Project) -> Budget:
    row = BudgetLine.objects.filter(project=project).aggregate(
        planned=Coalesce(Sum("planned"), ZERO), spent=Coalesce(Sum("spent"), ZERO)
    )
    over = BudgetLine.objects.filter(project=project, spent__gt=F("planned")).exists()
    return Budget(row["planned"], row["spent"], over)


def late_projects(
    person: Person | None,
    *,
    now: dt.datetime | None = None,
    subdistrict_id: int | None = None,
    community_id: int | None = None,
) -> QuerySet[Project]:
    """Projects past their deadline and not finished (the supervision view), most late first."""
    now = now or timezone.now()
    return (
        visible_projects(person, subdistrict_id=subdistrict_id, community_id=community_id)
        .filter(
            completed_at__isnull=True, due_at__lte=now, case__step__in=[Step.ACT, Step.SUPERVISE]
        )
        .order_by("due_at")
    )


# --- The public ledger of practical matters ------------------------------------------------------


@dataclass(frozen=True)
class LedgerYear:
    year: int
    projects: int
    closed: int
    planned: Decimal
    spent: Decimal
    satisfaction: Decimal | None  # mean score 1–5 of the closed projects' last evaluation


@dataclass(frozen=True)
class LedgerRow:
    project_id: int
    case_number: str
    year: int
    title: str
    kind: str
    kind_label: str
    subdistrict: str
    community: str
    step: str
    step_label: str
    deadline: dt.date
    overdue: bool
    planned: Decimal
    spent: Decimal
    score: Decimal | None
    lead_unit: str


def _ledger_qs(
    person: Person | None,
    *,
    year: int | None,
    kind: str | None,
    subdistrict_id: int | None,
    community_id: int | None,
) -> QuerySet[Project]:
    return visible_projects(
        person, year=year, kind=kind, subdistrict_id=subdistrict_id, community_id=community_id
    )


def ledger_years(
    person: Person | None,
    *,
    year: int | None = None,
    kind: str | None = None,
    subdistrict_id: int | None = None,
    community_id: int | None = None,
) -> list[LedgerYear]:
    """Per year: projects, closed, budget planned and spent, mean satisfaction. Two queries."""
    qs = _ledger_qs(
        person, year=year, kind=kind, subdistrict_id=subdistrict_id, community_id=community_id
    )
    counts = {
        r["year"]: r
        for r in qs.order_by()
        .values("year")
        .annotate(
            n=Count("id"),
            closed=Count("id", filter=Q(case__step=Step.CLOSED)),
            satisfaction=Avg("score", filter=Q(case__step=Step.CLOSED)),
        )
    }
    money = {
        r["project__year"]: r
        for r in BudgetLine.objects.filter(project__in=qs.order_by().values("pk"))
        .values("project__year")
        .annotate(planned=Sum("planned"), spent=Sum("spent"))
        .order_by()
    }
    result = []
    for y in sorted(counts, reverse=True):
        c = counts[y]
        m = money.get(y)
        sat = c["satisfaction"]
        result.append(
            LedgerYear(
                year=y,
                projects=c["n"],
                closed=c["closed"],
                planned=(m["planned"] if m else None) or ZERO,
                spent=(m["spent"] if m else None) or ZERO,
                satisfaction=None if sat is None else Decimal(str(sat)).quantize(Decimal("0.01")),
            )
        )
    return result


def ledger_rows(
    person: Person | None,
    *,
    year: int | None = None,
    kind: str | None = None,
    subdistrict_id: int | None = None,
    community_id: int | None = None,
) -> list[LedgerRow]:
    """One row per project (for the ledger table and its Excel export). Three queries."""
    qs = (
        _ledger_qs(
            person, year=year, kind=kind, subdistrict_id=subdistrict_id, community_id=community_id
        )
        .annotate(
            planned_sum=Coalesce(Sum("budget_lines__planned"), ZERO),
            spent_sum=Coalesce(Sum("budget_lines__spent"), ZERO),
        )
        .order_by("-year", "subdistrict__name", "community__name", "id")
    )
    projects = list(qs)
    leads = dict(
        ProjectUnit.objects.filter(project__in=[p.pk for p in projects], role="lead").values_list(
            "project_id", "unit__name"
        )
    )
    return [
        LedgerRow(
            project_id=p.pk,
            case_number=p.case.number,
            year=p.year,
            title=p.title,
            kind=p.kind,
            kind_label=str(p.get_kind_display()),
            subdistrict=p.subdistrict.name,
            community=p.community.name,
            step=p.case.step,
            step_label=str(p.case.get_step_display()),
            deadline=p.deadline,
            overdue=p.overdue,
            planned=p.planned_sum,
            spent=p.spent_sum,
            score=p.score,
            lead_unit=leads.get(p.pk, ""),
        )
        for p in projects
    ]
