"""办 act and 督 supervise: the practical-matter project made from the resolution, its units,
budget, milestones and deadline; progress, spending and supervision visits; completion."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from gongzhi.accounts.models import Person, Unit
from gongzhi.deliberation import rules
from gongzhi.deliberation.errors import (
    InvalidInput,
    InvalidPhoto,
    NotARepresentative,
    NotPermitted,
    OverBudget,
    StepNotAllowed,
)
from gongzhi.deliberation.models import (
    BudgetLine,
    Case,
    CaseEventKind,
    Milestone,
    ProgressUpdate,
    Project,
    ProjectKind,
    ProjectUnit,
    ResolutionStatus,
    Spending,
    SupervisionVisit,
    UnitRole,
    VisitPhoto,
)
from gongzhi.deliberation.services.guard import begin, lock_case, move, now_or, record, send
from gongzhi.deliberation.services.notice import current_resolution, require_notice_passed
from gongzhi.deliberation.transitions import Action, check
from gongzhi.workorders.errors import InvalidPhoto as WorkOrderInvalidPhoto
from gongzhi.workorders.models import WorkOrder
from gongzhi.workorders.photos import check_photos
from gongzhi.workorders.sla import SHANGHAI

CENT = Decimal("0.01")


@dataclass(frozen=True)
class BudgetItem:
    item: str
    planned: Decimal


@dataclass(frozen=True)
class MilestoneItem:
    title: str
    due_on: dt.date


def deadline_instants(deadline: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """(warn_at, due_at) for a deadline date: due at the end of that day in Shanghai, warned
    settings.GONGZHI_DELIBERATION_WARNING_DAYS days before."""
    due_at = dt.datetime.combine(deadline + dt.timedelta(days=1), dt.time(0, 0), tzinfo=SHANGHAI)
    warn_at = due_at - dt.timedelta(days=settings.GONGZHI_DELIBERATION_WARNING_DAYS)
    return warn_at, due_at


def _money(value: Decimal | int | str, field: str) -> Decimal:
    try:
        amount = Decimal(str(value)).quantize(CENT)
    except Exception as exc:
        raise InvalidInput(_("金额不正确"), field=field) from exc
    if amount < 0:
        raise InvalidInput(_("金额不能为负数"), field=field)
    return amount


def _lock_project(project: Project) -> tuple[Project, Case]:
    """Lock the case first, then the project (the same order everywhere)."""
    case = lock_case(project.case_id)
    locked = Project.objects.select_for_update(of=("self",)).get(pk=project.pk)
    locked.case = case
    return locked, case


def _act(project: Project, action: Action, by: Person) -> tuple[Project, Case, rules.Grant]:
    project, case = _lock_project(project)
    check(case, action)
    grant = rules.project_grant(by, action, project)
    if grant is None:
        raise NotPermitted(action=str(action), case=case.number)
    return project, case, grant


@transaction.atomic
def project_create(
    *,
    case: Case,
    by: Person,
    title: str,
    kind: str,
    deadline: dt.date,
    lead_unit: Unit,
    assist_units: Sequence[Unit] = (),
    budget: Sequence[BudgetItem] = (),
    milestones: Sequence[MilestoneItem] = (),
    work_orders: Iterable[WorkOrder] = (),
    year: int | None = None,
    at: dt.datetime | None = None,
) -> Project:
    """Turn the case's resolution into a practical-matter project (实事项目): the case moves from
    notice to act. Allowed only when the notice period has passed (NoticeNotOver) and every
    objection is answered (ObjectionsUnanswered). The case's work orders are linked to the
    project too. The responsible units are told after commit."""
    case, _grant, target = begin(case, Action.CREATE_PROJECT, by)
    now = now_or(at)
    resolution = current_resolution(case)
    if resolution is None:
        raise StepNotAllowed(_("该议事案没有公示中的决议"), case=case.number)
    require_notice_passed(resolution, now)
    if kind not in ProjectKind.values:
        raise InvalidInput(_("项目类别不正确"), field="kind")
    title = (title or "").strip()
    if not title:
        raise InvalidInput(_("请填写项目名称"), field="title")
    if lead_unit in assist_units:
        raise InvalidInput(_("牵头单位不能同时为配合单位"), field="assist_units")
    warn_at, due_at = deadline_instants(deadline)
    project = Project(
        case=case,
        resolution=resolution,
        title=title[:120],
        kind=kind,
        year=year or timezone.localtime(now).year,
        deadline=deadline,
        warn_at=warn_at,
        due_at=due_at,
        created_at=now,
    )
    project.set_place(case.place)
    project.save()
    ProjectUnit.objects.bulk_create(
        [ProjectUnit(project=project, unit=lead_unit, role=UnitRole.LEAD)]
        + [ProjectUnit(project=project, unit=u, role=UnitRole.ASSIST) for u in assist_units]
    )
    BudgetLine.objects.bulk_create(
        [
            BudgetLine(project=project, item=b.item, planned=_money(b.planned, "budget"))
            for b in budget
        ]
    )
    Milestone.objects.bulk_create(
        [Milestone(project=project, title=m.title, due_on=m.due_on) for m in milestones]
    )
    orders = list(case.work_orders.all()) + list(work_orders)
    if orders:
        project.work_orders.add(*orders)
    resolution.status = ResolutionStatus.ADOPTED
    resolution.save(update_fields=["status"])
    from_step = move(case, target, at=now)
    record(
        case,
        CaseEventKind.PROJECT_CREATED,
        at=now,
        by=by,
        from_step=from_step,
        to_step=target,
        data={"project": project.pk, "deadline": deadline.isoformat()},
    )
    _tell_units(
        project, case, [(lead_unit, UnitRole.LEAD)] + [(u, UnitRole.ASSIST) for u in assist_units]
    )
    return project


def _tell_units(project: Project, case: Case, units: Sequence[tuple[Unit, str]]) -> None:
    for unit, role in units:
        send(
            "dl_project_assigned",
            recipients=[unit],
            case=case,
            title=project.title,
            role=UnitRole(role).label,
            deadline=f"{project.deadline:%Y-%m-%d}",
        )


@transaction.atomic
def project_assign_unit(
    *, project: Project, by: Person, unit: Unit, role: str = UnitRole.ASSIST
) -> ProjectUnit:
    """Add a responsible unit (a second lead is refused by the database constraint)."""
    project, case, _grant = _act(project, Action.PLAN, by)
    if role not in UnitRole.values:
        raise InvalidInput(_("职责不正确"), field="role")
    if project.unit_links.filter(unit=unit).exists():
        raise InvalidInput(_("该单位已是责任单位"), field="unit")
    if role == UnitRole.LEAD and project.unit_links.filter(role=UnitRole.LEAD).exists():
        raise InvalidInput(_("已有牵头单位"), field="role")
    link = ProjectUnit.objects.create(project=project, unit=unit, role=role)
    _tell_units(project, case, [(unit, role)])
    return link


@transaction.atomic
def budget_line_add(*, project: Project, by: Person, item: str, planned: Decimal) -> BudgetLine:
    project, _case, _grant = _act(project, Action.PLAN, by)
    item = (item or "").strip()
    if not item:
        raise InvalidInput(_("请填写预算科目"), field="item")
    return BudgetLine.objects.create(project=project, item=item, planned=_money(planned, "planned"))


@transaction.atomic
def spending_record(
    *,
    line: BudgetLine,
    by: Person,
    amount: Decimal,
    on: dt.date,
    note: str = "",
    at: dt.datetime | None = None,
) -> Spending:
    """Record a payment against a budget line. A line may go over its plan by at most
    settings.GONGZHI_DELIBERATION_BUDGET_OVERRUN (OverBudget beyond); any overrun is flagged on
    the entry and shows on the line and the ledger."""
    _project, case, _grant = _act(line.project, Action.SPEND, by)
    line = BudgetLine.objects.select_for_update().get(pk=line.pk)
    amount = _money(amount, "amount")
    if amount <= 0:
        raise InvalidInput(_("金额须大于零"), field="amount")
    new_spent = line.spent + amount
    ceiling = (
        line.planned * (1 + Decimal(str(settings.GONGZHI_DELIBERATION_BUDGET_OVERRUN)))
    ).quantize(CENT)
    if new_spent > ceiling:
        raise OverBudget(planned=str(line.planned), spent=str(line.spent), ceiling=str(ceiling))
    now = now_or(at)
    entry = Spending.objects.create(
        line=line,
        amount=amount,
        on=on,
        note=note,
        over_plan=new_spent > line.planned,
        by=by,
        at=now,
    )
    BudgetLine.objects.filter(pk=line.pk).update(spent=F("spent") + amount)
    record(
        case,
        CaseEventKind.SPENDING,
        at=now,
        by=by,
        note=note,
        data={"line": line.item, "amount": str(amount), "over_plan": entry.over_plan},
    )
    return entry


@transaction.atomic
def milestone_add(*, project: Project, by: Person, title: str, due_on: dt.date) -> Milestone:
    project, _case, _grant = _act(project, Action.PLAN, by)
    title = (title or "").strip()
    if not title:
        raise InvalidInput(_("请填写节点名称"), field="title")
    return Milestone.objects.create(project=project, title=title, due_on=due_on)


@transaction.atomic
def milestone_update(
    *, milestone: Milestone, by: Person, progress: int, at: dt.datetime | None = None
) -> Milestone:
    """Set a milestone's progress (0–100); at 100 it is done (done_at set once)."""
    _project, case, _grant = _act(milestone.project, Action.REPORT_PROGRESS, by)
    if not 0 <= progress <= 100:
        raise InvalidInput(_("进度须在0到100之间"), field="progress")
    milestone = Milestone.objects.select_for_update().get(pk=milestone.pk)
    now = now_or(at)
    milestone.progress = progress
    milestone.done_at = (milestone.done_at or now) if progress == 100 else None
    milestone.save(update_fields=["progress", "done_at"])
    record(
        case,
        CaseEventKind.MILESTONE,
        at=now,
        by=by,
        note=milestone.title,
        data={"milestone": milestone.pk, "progress": progress},
    )
    return milestone


@transaction.atomic
def project_set_deadline(
    *, project: Project, by: Person, deadline: dt.date, reason: str, at: dt.datetime | None = None
) -> Project:
    """Move the deadline (e.g. after a reopening); the warnings start over."""
    project, case, _grant = _act(project, Action.PLAN, by)
    reason = (reason or "").strip()
    if not reason:
        raise InvalidInput(_("请填写调整理由"), field="reason")
    old = project.deadline
    project.deadline = deadline
    project.warn_at, project.due_at = deadline_instants(deadline)
    project.warned_at = project.overdue_at = None
    project.overdue = False
    project.save(
        update_fields=["deadline", "warn_at", "due_at", "warned_at", "overdue_at", "overdue"]
    )
    record(
        case,
        CaseEventKind.DEADLINE_CHANGED,
        at=now_or(at),
        by=by,
        note=reason,
        data={"from": old.isoformat(), "to": deadline.isoformat()},
    )
    return project


@transaction.atomic
def project_link_orders(*, project: Project, by: Person, orders: Iterable[WorkOrder]) -> Project:
    """Link work orders to the project (the order page then shows the project)."""
    project, _case, _grant = _act(project, Action.PLAN, by)
    orders = list(orders)
    if any(o.community_id != project.community_id for o in orders):
        raise InvalidInput(_("关联工单须属于本社区"), field="orders")
    project.work_orders.add(*orders)
    return project


@transaction.atomic
def project_launch(*, project: Project, by: Person, at: dt.datetime | None = None) -> Project:
    """Start the work (办 → 督): the project needs a lead unit and at least one budget line."""
    project, case, _grant = _act(project, Action.LAUNCH_PROJECT, by)
    target = check(case, Action.LAUNCH_PROJECT)
    if not project.unit_links.filter(role=UnitRole.LEAD).exists():
        raise InvalidInput(_("请先确定牵头单位"), field="units")
    if not project.budget_lines.exists():
        raise InvalidInput(_("请先填写预算"), field="budget")
    now = now_or(at)
    project.launched_at = project.launched_at or now
    project.save(update_fields=["launched_at"])
    from_step = move(case, target, at=now)
    record(
        case,
        CaseEventKind.PROJECT_LAUNCHED,
        at=now,
        by=by,
        from_step=from_step,
        to_step=target,
    )
    return project


@transaction.atomic
def progress_report(
    *, project: Project, by: Person, text: str, progress: int, at: dt.datetime | None = None
) -> ProgressUpdate:
    """Append a progress report (overall %). Responsible units or the place's leaders."""
    project, case, grant = _act(project, Action.REPORT_PROGRESS, by)
    text = (text or "").strip()
    if not text:
        raise InvalidInput(_("请填写进展情况"), field="text")
    if not 0 <= progress <= 100:
        raise InvalidInput(_("进度须在0到100之间"), field="progress")
    now = now_or(at)
    update = ProgressUpdate.objects.create(
        project=project, at=now, by=by, unit_id=grant.unit_id, text=text, progress=progress
    )
    project.progress = progress
    project.save(update_fields=["progress"])
    record(case, CaseEventKind.PROGRESS, at=now, by=by, note=text, data={"progress": progress})
    return update


@transaction.atomic
def visit_record(
    *,
    project: Project,
    by: Person,
    findings: str,
    visited_at: dt.datetime | None = None,
    photos: Iterable[Any] = (),
    at: dt.datetime | None = None,
) -> SupervisionVisit:
    """A representative of the case's community records a supervision visit (督)."""
    project, case = _lock_project(project)
    check(case, Action.VISIT)
    now = now_or(at)
    rep = rules.is_representative_in(by, project.community_id, day=timezone.localdate(now))
    if rep is None:
        raise NotARepresentative()
    findings = (findings or "").strip()
    if not findings:
        raise InvalidInput(_("请填写走访发现"), field="findings")
    try:
        checked = check_photos(photos)
    except WorkOrderInvalidPhoto as exc:
        raise InvalidPhoto(exc.message, **exc.details) from exc
    visit = SupervisionVisit.objects.create(
        project=project,
        representative=rep,
        visited_at=now_or(visited_at) if visited_at else now,
        findings=findings,
        recorded_at=now,
    )
    for i, photo in enumerate(checked, start=1):
        row = VisitPhoto(visit=visit, seq=i, content_type=photo.content_type, size=photo.size)
        row.file.save(f"{i}", ContentFile(photo.file.read()), save=False)
        row.save()
    record(case, CaseEventKind.VISIT, at=now, by=by, note=findings, data={"visit": visit.pk})
    return visit


@transaction.atomic
def project_complete(*, project: Project, by: Person, at: dt.datetime | None = None) -> Project:
    """The lead unit (or the place's leaders) reports the work done (督 → 评): the evaluation
    window opens for settings.GONGZHI_DELIBERATION_EVALUATION_DAYS; the representatives and the
    proposals' supporters are asked to rate."""
    project, case, _grant = _act(project, Action.COMPLETE_PROJECT, by)
    target = check(case, Action.COMPLETE_PROJECT)
    now = now_or(at)
    project.completed_at = now
    project.progress = 100
    project.evaluation_ends_at = now + dt.timedelta(
        days=settings.GONGZHI_DELIBERATION_EVALUATION_DAYS
    )
    project.save(update_fields=["completed_at", "progress", "evaluation_ends_at"])
    from_step = move(case, target, at=now)
    record(
        case,
        CaseEventKind.COMPLETED,
        at=now,
        by=by,
        from_step=from_step,
        to_step=target,
        data={"evaluation_ends": project.evaluation_ends_at.isoformat()},
    )
    recipients: list[Person] = [r.person for r in rules.representatives_of(case.place)]
    for proposal in case.proposals.select_related("author"):
        recipients.append(proposal.author)
        recipients += [s.person for s in proposal.supports.select_related("person")]
    send(
        "dl_evaluation_open",
        recipients=recipients,
        case=case,
        title=project.title,
        ends=f"{timezone.localtime(project.evaluation_ends_at):%Y-%m-%d}",
    )
    return project
