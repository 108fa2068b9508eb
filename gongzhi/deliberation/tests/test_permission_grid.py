"""Who may do what at which step: the `can_<verb>` guards as a full role × action × step grid,
and the services refusing the same people with the same answer.

The expected grid is written out here by hand (from the table in rules.py's docstring and the
step table in transitions.py), not computed from the code under test.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import cast

import pytest

from gongzhi.accounts.models import Person
from gongzhi.deliberation import rules, services
from gongzhi.deliberation.errors import NotPermitted, StepNotAllowed
from gongzhi.deliberation.models import Case, Project, Step
from gongzhi.deliberation.tests.factories import (
    START,
    Deliberation,
    case_at,
    project_of,
    resolution_of,
)

pytestmark = pytest.mark.django_db

ROLES = [
    "resident_a1",  # lives in compound A1 of community A1
    "rep",  # a serving representative of community A1 (rep_a1_1)
    "social_worker_a1",
    "secretary_a1",
    "secretary_b1",  # another subdistrict's community
    "subdistrict_staff_a",
    "district_staff",
    "property_staff_x",  # staff of the project's assisting unit
    "dispatcher",
    "admin",
]

LEADERS = {"secretary_a1", "subdistrict_staff_a"}
RUNNERS = LEADERS | {"social_worker_a1"}
# The project's lead unit is community A1's committee (secretary_a1, social_worker_a1); the
# assisting unit is property company X (property_staff_x).
PROGRESS = LEADERS | {"social_worker_a1", "property_staff_x"}

ALL_STEPS = [
    Step.COLLECT,
    Step.DELIBERATE,
    Step.NOTICE,
    Step.ACT,
    Step.SUPERVISE,
    Step.EVALUATE,
    Step.CLOSED,
    Step.WITHDRAWN,
]

# action: (who may, at which steps)
GRID: dict[str, tuple[set[str], set[str]]] = {
    "schedule_meeting": (RUNNERS, {Step.COLLECT, Step.DELIBERATE}),
    "publish_resolution": (LEADERS, {Step.DELIBERATE}),
    "withdraw": (LEADERS, {Step.COLLECT, Step.DELIBERATE}),
    "object": ({"resident_a1"}, {Step.NOTICE}),
    "answer_objection": (RUNNERS, {Step.NOTICE}),
    "create_project": (LEADERS, {Step.NOTICE}),
    "launch_project": (LEADERS, {Step.ACT}),
    "report_progress": (PROGRESS, {Step.ACT, Step.SUPERVISE}),
    "spend": (PROGRESS, {Step.ACT, Step.SUPERVISE, Step.EVALUATE}),
    "complete_project": (LEADERS | {"social_worker_a1"}, {Step.SUPERVISE}),
    "visit": ({"rep"}, {Step.ACT, Step.SUPERVISE, Step.EVALUATE}),
    "rate": ({"resident_a1", "rep"}, {Step.EVALUATE}),
    "close_evaluation": (LEADERS, {Step.EVALUATE}),
}

CASE_GUARDS: dict[str, Callable[[Person, Case], bool]] = {
    "schedule_meeting": rules.can_schedule_meeting,
    "publish_resolution": rules.can_publish_resolution,
    "withdraw": lambda p, c: rules.can_case(p, rules.Action.WITHDRAW, c),
    "object": rules.can_object,
    "answer_objection": rules.can_answer_objection,
    "create_project": rules.can_create_project,
    "launch_project": rules.can_launch_project,
    "close_evaluation": rules.can_close_evaluation,
}
PROJECT_GUARDS: dict[str, Callable[[Person, Project], bool]] = {
    "report_progress": rules.can_report_progress,
    "spend": rules.can_spend,
    "complete_project": rules.can_complete_project,
    "visit": rules.can_visit,
    "rate": rules.can_rate,
}


def _person(d: Deliberation, role: str) -> Person:
    if role == "rep":
        return Person.objects.get(pk=d.reps[0].person_id)
    return Person.objects.get(username=role)


@pytest.mark.parametrize("step", ALL_STEPS)
def test_the_guards_follow_the_grid_at_each_step(d: Deliberation, step: str) -> None:
    case = case_at(d, step)
    project = Project.objects.filter(case=case).select_related("case").first()
    wrong = []
    for role in ROLES:
        for action, (who, steps) in GRID.items():
            expected = role in who and step in steps
            person = _person(d, role)  # fresh object: no cached memberships between cells
            if action in CASE_GUARDS:
                got = CASE_GUARDS[action](person, case)
            elif project is None:
                got = False  # no project before act: nothing to act on
            else:
                got = PROJECT_GUARDS[action](person, project)
            if got != expected:
                wrong.append((role, action, step, got))
    assert wrong == []


def test_everyone_signed_in_reads_the_public_parts(d: Deliberation) -> None:
    readers = [_person(d, role) for role in ROLES]
    assert all(rules.can_view_public(p) for p in readers)


def test_an_anonymous_visitor_reads_nothing() -> None:
    from django.contrib.auth.models import AnonymousUser

    assert rules.can_view_public(AnonymousUser()) is False  # type: ignore[arg-type]


# --- The services refuse the same people ------------------------------------------------------


def _screen(d: Deliberation, person: Person) -> object:
    proposal = services.proposal_submit(
        by=d.residents[0], place=d.place, title="加装扶手", body="单元门口台阶没有扶手。", at=START
    )
    return services.proposal_decline(proposal=proposal, by=person, reason="已纳入年度计划")


def _publish(d: Deliberation, person: Person) -> object:
    case_at(d, Step.DELIBERATE)
    from gongzhi.deliberation.tests.factories import sign_in

    meeting = d.extra["meeting"]
    sign_in(d, meeting, 5, at=START)
    motion = services.motion_propose(
        meeting=meeting,
        case=meeting.cases.get(),
        by=d.secretary,
        text="同意",
    )
    motion = services.motion_hand_count(motion=motion, by=d.secretary, yes=5, no=0, abstain=0)
    return services.resolution_publish(motion=motion, by=person)


def _create_project(d: Deliberation, person: Person) -> object:
    case = case_at(d, Step.NOTICE)
    after = resolution_of(case).notice_ends_at
    return services.project_create(
        case=case,
        by=person,
        title="南门照明",
        kind="facilities",
        deadline=after.date().replace(year=after.year + 1),
        lead_unit=d.world.units["cc_a1"],
        budget=[services.BudgetItem("路灯", Decimal("1000"))],
        at=after,
    )


def _report(d: Deliberation, person: Person) -> object:
    case = case_at(d, Step.SUPERVISE)
    return services.progress_report(
        project=project_of(case), by=person, text="施工中", progress=40, at=d.extra["t"]
    )


def _rate(d: Deliberation, person: Person) -> object:
    case = case_at(d, Step.EVALUATE)
    return services.rating_submit(project=project_of(case), by=person, score=4)


SERVICE_GRID: dict[str, tuple[Callable[[Deliberation, Person], object], set[str]]] = {
    "screen": (_screen, LEADERS),
    "publish_resolution": (_publish, LEADERS),
    "create_project": (_create_project, LEADERS),
    "report_progress": (_report, PROGRESS),
    "rate": (_rate, {"resident_a1", "rep"}),
}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("action", list(SERVICE_GRID))
def test_the_services_let_exactly_the_grid_through(d: Deliberation, action: str, role: str) -> None:
    call, who = SERVICE_GRID[action]
    person = _person(d, role)
    if role in who:
        assert call(d, person) is not None
    else:
        with pytest.raises(NotPermitted):
            call(d, person)


WRONG_STEP: list[tuple[str, str]] = [
    (Step.COLLECT, "create_project"),
    (Step.DELIBERATE, "create_project"),
    (Step.NOTICE, "withdraw"),
    (Step.ACT, "complete"),
    (Step.SUPERVISE, "rate"),
    (Step.EVALUATE, "launch"),
    (Step.CLOSED, "report"),
    (Step.WITHDRAWN, "schedule_meeting"),
]


@pytest.mark.parametrize("step,action", WRONG_STEP)
def test_the_services_refuse_an_action_at_the_wrong_step(
    d: Deliberation, step: str, action: str
) -> None:
    case = case_at(d, step)
    # Only the actions that need a project are called at steps that have one.
    project = cast(Project, Project.objects.filter(case=case).first())
    secretary = d.secretary
    calls: dict[str, Callable[[], object]] = {
        "create_project": lambda: services.project_create(
            case=case,
            by=secretary,
            title="x",
            kind="other",
            deadline=START.date(),
            lead_unit=d.world.units["cc_a1"],
        ),
        "withdraw": lambda: services.case_withdraw(case=case, by=secretary, reason="x"),
        "schedule_meeting": lambda: services.meeting_schedule(
            hall=d.hall, cases=[case], by=secretary, title="会", scheduled_at=START
        ),
        "launch": lambda: services.project_launch(project=project, by=secretary),
        "complete": lambda: services.project_complete(project=project, by=secretary),
        "rate": lambda: services.rating_submit(project=project, by=d.residents[0], score=5),
        "report": lambda: services.progress_report(
            project=project, by=secretary, text="x", progress=10
        ),
    }
    with pytest.raises(StepNotAllowed):
        calls[action]()
