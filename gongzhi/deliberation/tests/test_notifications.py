"""Notifications through gongzhi.notifications: supporters, representatives and responsible
units are told at each step — only when the service's transaction commits."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import transaction

from gongzhi.deliberation import services
from gongzhi.deliberation.models import Step
from gongzhi.deliberation.tests.factories import (
    START,
    Deliberation,
    case_at,
    project_of,
    proposal,
)
from gongzhi.notifications.models import Notification

pytestmark = pytest.mark.django_db


def _to(event: str) -> set[str]:
    rows = Notification.objects.filter(event=event).select_related(
        "recipient_person", "recipient_unit"
    )
    return {
        (n.recipient_person.username if n.recipient_person else n.recipient_unit.code)  # type: ignore[union-attr]
        for n in rows
    }


def test_the_author_and_supporters_hear_that_their_proposal_was_accepted(
    d: Deliberation,
) -> None:
    p = proposal(d)
    services.proposal_support(proposal=p, by=d.residents[1])
    services.proposal_accept(proposal=p, by=d.secretary)
    assert _to("dl_proposal_accepted") == {"resident_a1", "resident_a1_b"}


def test_the_supporters_hear_the_public_reason_of_a_decline(d: Deliberation) -> None:
    p = proposal(d)
    services.proposal_support(proposal=p, by=d.residents[2])
    services.proposal_decline(proposal=p, by=d.secretary, reason="已列入明年计划")
    bodies = set(
        Notification.objects.filter(event="dl_proposal_declined").values_list("body", flat=True)
    )
    assert bodies == {"议题“小区南门加装照明”未被采纳，理由：已列入明年计划"}
    assert _to("dl_proposal_declined") == {"resident_a1", "resident_a1_c"}


def test_the_representatives_are_called_to_the_meeting(d: Deliberation) -> None:
    case_at(d, Step.DELIBERATE)
    assert _to("dl_meeting_called") == {f"rep_a1_{i}" for i in range(1, 6)}


def test_the_representatives_and_supporters_hear_of_the_notice(d: Deliberation) -> None:
    case_at(d, Step.NOTICE)
    assert _to("dl_resolution_notice") == {f"rep_a1_{i}" for i in range(1, 6)} | {"resident_a1"}


def test_the_responsible_units_hear_of_their_project(d: Deliberation) -> None:
    case_at(d, Step.ACT)
    assert _to("dl_project_assigned") == {"cc-a1", "property-x"}


def test_nothing_is_sent_when_the_transaction_rolls_back(d: Deliberation) -> None:
    p = proposal(d)
    with pytest.raises(RuntimeError), transaction.atomic():
        services.proposal_accept(proposal=p, by=d.secretary)
        raise RuntimeError("the caller's transaction fails after the service")
    assert not Notification.objects.filter(event="dl_proposal_accepted").exists()


def test_the_responsible_units_are_warned_when_the_project_is_late(d: Deliberation) -> None:
    project = project_of(case_at(d, Step.SUPERVISE))
    services.projects_scan(now=project.due_at + dt.timedelta(hours=1))
    assert _to("dl_project_overdue") == {"cc-a1", "property-x"}


def test_the_event_texts_name_the_case(d: Deliberation) -> None:
    case = case_at(d, Step.ACT, start=START)
    n = Notification.objects.filter(event="dl_project_assigned", recipient_unit__code="cc-a1").get()
    assert n.subject == "实事项目任务：南门照明改造"
    assert case.number in n.body
