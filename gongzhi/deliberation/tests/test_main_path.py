"""One case from proposal to closure through the services, step by step."""

from __future__ import annotations

import pytest

from gongzhi.deliberation.models import CaseEvent, Step
from gongzhi.deliberation.tests.factories import STEP_ORDER, Deliberation, case_at, project_of

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("step", STEP_ORDER)
def test_it_brings_a_case_to_each_step(d: Deliberation, step: str) -> None:
    case = case_at(d, step)
    assert case.step == step


def test_a_closed_case_keeps_its_whole_history(d: Deliberation) -> None:
    case = case_at(d, Step.CLOSED)
    kinds = list(CaseEvent.objects.filter(case=case).values_list("kind", flat=True))
    assert kinds[0] == "opened"
    assert kinds[-1] == "closed"
    assert {
        "meeting_scheduled",
        "motion_decided",
        "resolution_published",
        "project_created",
        "project_launched",
        "completed",
        "rated",
    } <= set(kinds)
    assert project_of(case).score == 5
