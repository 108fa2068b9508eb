"""公示: the case moves on to act only after the notice period and when every objection has
been answered. Time moves with time-machine; the services read the clock themselves."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
import time_machine

from gongzhi.deliberation import selectors, services
from gongzhi.deliberation.errors import (
    NoticeNotOver,
    NotPermitted,
    ObjectionsUnanswered,
    StepNotAllowed,
)
from gongzhi.deliberation.models import Case, Project, Resolution, Step
from gongzhi.deliberation.tests.factories import Deliberation, case_at, resolution_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def on_notice(d: Deliberation) -> Case:
    return case_at(d, Step.NOTICE)


def _create(d: Deliberation, case: Case) -> Project:
    return services.project_create(
        case=case,
        by=d.secretary,
        title="南门照明改造",
        kind="facilities",
        deadline=dt.date(2025, 12, 31),
        lead_unit=d.world.units["cc_a1"],
        budget=[services.BudgetItem("路灯", Decimal("12000"))],
    )


def test_the_notice_period_is_five_days_by_default(on_notice: Case) -> None:
    resolution = resolution_of(on_notice)
    assert resolution.notice_ends_at - resolution.published_at == dt.timedelta(days=5)


def test_it_refuses_to_act_before_the_notice_period_ends(d: Deliberation, on_notice: Case) -> None:
    ends = resolution_of(on_notice).notice_ends_at
    with (
        time_machine.travel(ends - dt.timedelta(minutes=1), tick=False),
        pytest.raises(NoticeNotOver),
    ):
        _create(d, on_notice)
    assert Case.objects.get(pk=on_notice.pk).step == Step.NOTICE


def test_it_acts_once_the_period_has_passed(d: Deliberation, on_notice: Case) -> None:
    ends = resolution_of(on_notice).notice_ends_at
    with time_machine.travel(ends, tick=False):
        _create(d, on_notice)
    case = Case.objects.get(pk=on_notice.pk)
    assert (case.step, resolution_of(case).status) == (Step.ACT, "adopted")


def test_it_refuses_to_act_while_an_objection_waits_for_its_answer(
    d: Deliberation, on_notice: Case
) -> None:
    resolution = resolution_of(on_notice)
    with time_machine.travel(resolution.published_at + dt.timedelta(days=1), tick=False):
        services.objection_raise(resolution=resolution, by=d.residents[1], text="路灯太亮会扰民")
    with (
        time_machine.travel(resolution.notice_ends_at + dt.timedelta(days=3), tick=False),
        pytest.raises(ObjectionsUnanswered),
    ):
        _create(d, on_notice)


def test_an_answered_objection_lets_the_case_move_on(d: Deliberation, on_notice: Case) -> None:
    resolution = resolution_of(on_notice)
    with time_machine.travel(resolution.published_at + dt.timedelta(days=1), tick=False):
        objection = services.objection_raise(
            resolution=resolution, by=d.residents[1], text="路灯太亮会扰民"
        )
    with time_machine.travel(resolution.notice_ends_at + dt.timedelta(days=1), tick=False):
        services.objection_answer(
            objection=objection, by=d.secretary, answer="选用暖光、加装遮光罩，不直射窗户。"
        )
        _create(d, on_notice)
    assert Case.objects.get(pk=on_notice.pk).step == Step.ACT


def test_the_notice_state_tells_the_page_when_the_case_may_move_on(
    d: Deliberation, on_notice: Case
) -> None:
    resolution = resolution_of(on_notice)
    with time_machine.travel(resolution.published_at + dt.timedelta(days=1), tick=False):
        objection = services.objection_raise(
            resolution=resolution, by=d.residents[1], text="请公开预算明细"
        )
        during = selectors.notice_state(on_notice)
    with time_machine.travel(resolution.notice_ends_at, tick=False):
        waiting = selectors.notice_state(on_notice)
        services.objection_answer(objection=objection, by=d.secretary, answer="预算明细已公示")
        ready = selectors.notice_state(on_notice)
    assert [s.may_proceed for s in (during, waiting, ready)] == [False, False, True]
    assert (waiting.objections, waiting.unanswered, ready.unanswered) == (1, 1, 0)


def test_objections_close_with_the_notice_period(d: Deliberation, on_notice: Case) -> None:
    resolution = resolution_of(on_notice)
    with time_machine.travel(resolution.notice_ends_at, tick=False), pytest.raises(StepNotAllowed):
        services.objection_raise(resolution=resolution, by=d.residents[1], text="太晚了")


def test_only_residents_of_the_place_may_object(d: Deliberation, on_notice: Case) -> None:
    resolution = resolution_of(on_notice)
    outsider = d.world.person("secretary_b1")
    with time_machine.travel(resolution.published_at, tick=False), pytest.raises(NotPermitted):
        services.objection_raise(resolution=resolution, by=outsider, text="反对")


def test_only_a_passed_motion_becomes_a_resolution(d: Deliberation) -> None:
    case = case_at(d, Step.DELIBERATE)
    from gongzhi.deliberation.errors import MotionNotPassed
    from gongzhi.deliberation.tests.factories import sign_in

    meeting = d.extra["meeting"]
    at = meeting.opened_at
    sign_in(d, meeting, 5, at=at)
    motion = services.motion_propose(
        meeting=meeting,
        case=case,
        by=d.secretary,
        text="同意",
        at=at,
    )
    motion = services.motion_hand_count(
        motion=motion, by=d.secretary, yes=2, no=3, abstain=0, at=at
    )
    with pytest.raises(MotionNotPassed):
        services.resolution_publish(motion=motion, by=d.secretary, at=at)
    assert not Resolution.objects.filter(case=case).exists()
