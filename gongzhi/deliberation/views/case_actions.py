"""The actions a person may take on a case page, as small forms: which guard (rules.can_*)
offers each, which form parses it, which one service it calls. Whether an action is offered is
the rules' answer; whether it succeeds is the service's (its error is shown as a message)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gongzhi.accounts.models import Person
from gongzhi.deliberation import rules, selectors, services
from gongzhi.deliberation.errors import NotFound
from gongzhi.deliberation.forms.case import (
    AnswerForm,
    BudgetLineForm,
    EmptyForm,
    LinkOrdersForm,
    MilestoneForm,
    MilestoneProgressForm,
    ObjectionForm,
    ProgressForm,
    ProjectBundle,
    PublishForm,
    RateForm,
    ReasonForm,
    ScheduleMeetingForm,
    SpendForm,
    VisitForm,
)
from gongzhi.deliberation.forms.fields import units_for_place
from gongzhi.deliberation.models import Motion, MotionStatus
from gongzhi.deliberation.transitions import Action
from gongzhi.deliberation.views.case_page import CasePage
from gongzhi.workorders.errors import NotFound as OrderNotFound
from gongzhi.workorders.selectors import order_get_for

Guard = Callable[[Person, CasePage], bool]
FormOf = Callable[[CasePage, Any, str], Any]
Call = Callable[[CasePage, Person, dict[str, Any]], Any]


@dataclass(frozen=True)
class CaseAction:
    name: str
    label: Any
    section: str  # collect, deliberate, notice, act, supervise, evaluate
    guard: Guard
    form: FormOf
    call: Call
    done: Any
    quick: bool = False  # no fields: one button
    danger: bool = False
    files: bool = False
    per_row: bool = False  # rendered beside each row (objections, milestones), not in the list


def _plain(cls: type[forms.Form]) -> FormOf:
    return lambda page, data, prefix: cls(data, prefix=prefix)


def _project(page: CasePage) -> Any:
    assert page.project is not None
    return page.project.project


def _has_project(check: Callable[[Person, Any], bool]) -> Guard:
    return lambda person, page: page.project is not None and check(person, _project(page))


def _passed_motions(page: CasePage) -> Any:
    """The case's passed motions not yet published as a resolution."""
    return Motion.objects.filter(
        case=page.case, status=MotionStatus.PASSED, resolution__isnull=True
    ).order_by("-decided_at", "-id")


def _orders(person: Person, numbers: list[str]) -> list[Any]:
    """The work orders by number, each through the work-order selectors (a number the person
    may not see reads as unknown)."""
    found = []
    for number in numbers:
        try:
            found.append(order_get_for(person, number))
        except OrderNotFound as exc:
            raise NotFound(
                str(_("工单 %(number)s 不存在或您无权查看")) % {"number": number}
            ) from exc
    return found


def _schedule(page: CasePage, by: Person, d: dict[str, Any]) -> Any:
    return services.meeting_schedule(
        hall=d["hall"],
        cases=[page.case],
        by=by,
        title=d["title"],
        scheduled_at=d["scheduled_at"],
        agenda=d["agenda"],
    )


def _schedule_form(page: CasePage, data: Any, prefix: str) -> Any:
    initial = {
        "title": str(_("%(title)s议事会")) % {"title": page.case.title},
        "agenda": page.case.title,
        "scheduled_at": (timezone.localtime() + dt.timedelta(days=3)).replace(
            hour=19, minute=0, second=0, microsecond=0
        ),
    }
    halls = selectors.halls_for_community(page.case.community_id)
    invited: dict[int, int] = {}
    if data is None:  # shown, not posted: say whom each hall's meeting invites
        invited = {h.pk: rules.serving_count(h.place) for h in halls}
        initial["hall"] = next(iter(invited), None)
    return ScheduleMeetingForm(data, prefix=prefix, halls=halls, initial=initial, invited=invited)


def _create_project_form(page: CasePage, data: Any, prefix: str) -> Any:
    case = page.case
    units = units_for_place(subdistrict_id=case.subdistrict_id, community_id=case.community_id)
    return ProjectBundle(data, prefix=prefix, units=units, initial={"title": case.title})


def _create_project(page: CasePage, by: Person, d: dict[str, Any]) -> Any:
    return services.project_create(
        case=page.case,
        by=by,
        title=d["title"],
        kind=d["kind"],
        deadline=d["deadline"],
        lead_unit=d["lead_unit"],
        assist_units=list(d["assist_units"]),
        budget=d["budget"],
        milestones=d["milestones"],
    )


def _object(page: CasePage, by: Person, d: dict[str, Any]) -> Any:
    resolution = page.notice.resolution
    if resolution is None:  # the guard offers the action only with a resolution on notice
        raise NotFound(str(_("没有公示中的决议")))
    return services.objection_raise(resolution=resolution, by=by, text=d["text"])


def _visit_form(page: CasePage, data: Any, prefix: str) -> Any:
    post, files = data if data is not None else (None, None)
    return VisitForm(post, files, prefix=prefix)


def _rate(page: CasePage, by: Person, d: dict[str, Any]) -> Any:
    return services.rating_submit(
        project=_project(page), by=by, satisfaction=d["satisfaction"], comment=d["comment"]
    )


def _close_evaluation(page: CasePage, by: Person, d: dict[str, Any]) -> Any:
    outcome = services.evaluation_close(project=_project(page), by=by)
    if outcome.closed:
        return _("评价结束：满意度 %(score)s 分，达到标准，项目办结") % {"score": outcome.score}
    return _("评价结束：满意度 %(score)s 分，未达标准，项目退回重办") % {"score": outcome.score}


ACTIONS: list[CaseAction] = [
    # 集 collect
    CaseAction(
        "schedule",
        _("召集议事会"),
        "collect",
        lambda person, page: rules.can_schedule_meeting(person, page.case),
        _schedule_form,
        _schedule,
        _("已召集议事会，已通知议事代表"),
    ),
    CaseAction(
        "link_case_orders",
        _("关联工单"),
        "collect",
        # Before the project exists; afterwards orders are linked to the project.
        lambda person, page: (
            page.project is None and rules.can_case(person, Action.LINK_ORDERS, page.case)
        ),
        _plain(LinkOrdersForm),
        lambda page, by, d: services.case_link_orders(
            case=page.case, orders=_orders(by, d["numbers"]), by=by
        ),
        _("已关联工单"),
    ),
    CaseAction(
        "withdraw",
        _("终止议题"),
        "collect",
        lambda person, page: rules.can_case(person, Action.WITHDRAW, page.case),
        _plain(ReasonForm),
        lambda page, by, d: services.case_withdraw(case=page.case, by=by, reason=d["reason"]),
        _("议题已终止，理由已公开"),
        danger=True,
    ),
    # 议 deliberate → 公示
    CaseAction(
        "publish",
        _("发布决议公示"),
        "deliberate",
        lambda person, page: (
            rules.can_publish_resolution(person, page.case) and _passed_motions(page).exists()
        ),
        lambda page, data, prefix: PublishForm(data, prefix=prefix, motions=_passed_motions(page)),
        lambda page, by, d: services.resolution_publish(motion=d["motion"], by=by, text=d["text"]),
        _("决议已公示"),
    ),
    CaseAction(
        "object",
        _("对决议提出异议"),
        "notice",
        lambda person, page: (
            rules.can_object(person, page.case)
            and page.notice.resolution is not None
            and not page.notice.period_over
        ),
        _plain(ObjectionForm),
        _object,
        _("您的异议已提交，将公开答复"),
    ),
    CaseAction(
        "answer",
        _("答复"),
        "notice",
        lambda person, page: rules.can_answer_objection(person, page.case),
        lambda page, data, prefix: AnswerForm(
            data,
            prefix=prefix,
            objections=page.notice.resolution.objections.all() if page.notice.resolution else None,
        ),
        lambda page, by, d: services.objection_answer(
            objection=d["objection"], by=by, answer=d["answer"]
        ),
        _("已答复异议"),
        per_row=True,
    ),
    CaseAction(
        "create_project",
        _("转为实事项目"),
        "notice",
        lambda person, page: rules.can_create_project(person, page.case),
        _create_project_form,
        _create_project,
        _("已转为实事项目，已通知责任单位"),
    ),
    # 办 act
    CaseAction(
        "add_budget",
        _("增加预算科目"),
        "act",
        lambda person, page: (
            page.project is not None and rules.can_case(person, Action.PLAN, page.case)
        ),
        _plain(BudgetLineForm),
        lambda page, by, d: services.budget_line_add(
            project=_project(page), by=by, item=d["item"], planned=d["planned"]
        ),
        _("已增加预算科目"),
    ),
    CaseAction(
        "add_milestone",
        _("增加进度节点"),
        "act",
        lambda person, page: (
            page.project is not None and rules.can_case(person, Action.PLAN, page.case)
        ),
        _plain(MilestoneForm),
        lambda page, by, d: services.milestone_add(
            project=_project(page), by=by, title=d["title"], due_on=d["due_on"]
        ),
        _("已增加进度节点"),
    ),
    CaseAction(
        "link_orders",
        _("关联工单"),
        "act",
        lambda person, page: (
            page.project is not None and rules.can_case(person, Action.PLAN, page.case)
        ),
        _plain(LinkOrdersForm),
        lambda page, by, d: services.project_link_orders(
            project=_project(page), by=by, orders=_orders(by, d["numbers"])
        ),
        _("已关联工单"),
    ),
    CaseAction(
        "launch",
        _("开始实施"),
        "act",
        lambda person, page: (
            page.project is not None and rules.can_launch_project(person, page.case)
        ),
        _plain(EmptyForm),
        lambda page, by, d: services.project_launch(project=_project(page), by=by),
        _("项目已开始实施"),
        quick=True,
    ),
    # 督 supervise
    CaseAction(
        "progress",
        _("报告进展"),
        "supervise",
        _has_project(rules.can_report_progress),
        _plain(ProgressForm),
        lambda page, by, d: services.progress_report(
            project=_project(page), by=by, text=d["text"], progress=d["progress"]
        ),
        _("已报告进展"),
    ),
    CaseAction(
        "milestone",
        _("更新节点进度"),
        "supervise",
        _has_project(rules.can_report_progress),
        lambda page, data, prefix: MilestoneProgressForm(
            data, prefix=prefix, milestones=_project(page).milestones.all()
        ),
        lambda page, by, d: services.milestone_update(
            milestone=d["milestone"], by=by, progress=d["progress"]
        ),
        _("已更新节点进度"),
        per_row=True,
    ),
    CaseAction(
        "spend",
        _("登记支出"),
        "supervise",
        _has_project(rules.can_spend),
        lambda page, data, prefix: SpendForm(
            data,
            prefix=prefix,
            lines=_project(page).budget_lines.all(),
            initial={"on": timezone.localdate()},
        ),
        lambda page, by, d: services.spending_record(
            line=d["line"], by=by, amount=d["amount"], on=d["on"], note=d["note"]
        ),
        _("已登记支出"),
    ),
    CaseAction(
        "visit",
        _("记录监督走访"),
        "supervise",
        _has_project(rules.can_visit),
        _visit_form,
        lambda page, by, d: services.visit_record(
            project=_project(page),
            by=by,
            findings=d["findings"],
            visited_at=d["visited_at"],
            photos=d["photos"],
        ),
        _("已记录监督走访"),
        files=True,
    ),
    CaseAction(
        "complete",
        _("完工，提请评价"),
        "supervise",
        _has_project(rules.can_complete_project),
        _plain(EmptyForm),
        lambda page, by, d: services.project_complete(project=_project(page), by=by),
        _("项目已完工，居民和代表可以评价了"),
        quick=True,
    ),
    # 评 evaluate
    CaseAction(
        "rate",
        _("评价"),
        "evaluate",
        _has_project(rules.can_rate),
        _plain(RateForm),
        _rate,
        _("感谢您的评价"),
    ),
    CaseAction(
        "close_evaluation",
        _("结束评价"),
        "evaluate",
        lambda person, page: (
            page.project is not None and rules.can_close_evaluation(person, page.case)
        ),
        _plain(EmptyForm),
        _close_evaluation,
        _("评价已结束"),
        quick=True,
    ),
]
BY_NAME = {a.name: a for a in ACTIONS}
