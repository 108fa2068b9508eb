"""Reads: the five steps of a case page, the meeting console, the public ledger by year, place
and kind, and who sees what."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.contrib.auth.models import AnonymousUser

from gongzhi.deliberation import selectors, services
from gongzhi.deliberation.errors import NotFound
from gongzhi.deliberation.models import Project, Step
from gongzhi.deliberation.tests.factories import (
    Deliberation,
    case_at,
    project_of,
    sign_in,
)

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "step,states",
    [
        (Step.COLLECT, ["current", "todo", "todo", "todo", "todo"]),
        (Step.NOTICE, ["done", "current", "todo", "todo", "todo"]),
        (Step.SUPERVISE, ["done", "done", "done", "current", "todo"]),
        (Step.CLOSED, ["done", "done", "done", "done", "done"]),
        (Step.WITHDRAWN, ["done", "todo", "todo", "todo", "todo"]),
    ],
)
def test_the_case_page_shows_five_steps(d: Deliberation, step: str, states: list[str]) -> None:
    steps = selectors.case_steps(case_at(d, step))
    assert [s.label for s in steps] == ["集", "议", "办", "督", "评"]
    assert [s.state for s in steps] == states


def test_a_step_shows_when_it_was_entered(d: Deliberation) -> None:
    case = case_at(d, Step.ACT)
    entered = {s.step: s.entered_at for s in selectors.case_steps(case)}
    assert entered[Step.ACT] == case.events.get(kind="project_created").at


def test_an_anonymous_visitor_finds_no_case(d: Deliberation) -> None:
    case = case_at(d, Step.COLLECT)
    with pytest.raises(NotFound):
        selectors.case_get(AnonymousUser(), case.pk)  # type: ignore[arg-type]


def test_a_resident_of_another_subdistrict_reads_the_case(d: Deliberation) -> None:
    case = case_at(d, Step.COLLECT)
    assert selectors.case_get(d.world.person("secretary_b1"), case.pk) == case


def test_the_meeting_console_counts_quorum(d: Deliberation, django_assert_max_num_queries) -> None:
    case_at(d, Step.DELIBERATE)
    meeting = d.extra["meeting"]
    sign_in(d, meeting, 3, at=meeting.opened_at)
    with django_assert_max_num_queries(8):
        console = selectors.meeting_console(d.secretary, meeting)
    assert (console.eligible, console.present, console.needed, console.quorum_met) == (
        5,
        3,
        4,
        False,
    )
    assert [s.attendance is not None for s in console.seats] == [True, True, True, False, False]
    assert console.may_see_votes is True


def test_a_resident_does_not_see_the_named_votes(d: Deliberation) -> None:
    case_at(d, Step.DELIBERATE)
    console = selectors.meeting_console(d.residents[0], d.extra["meeting"])
    assert console.may_see_votes is False


def test_meetings_to_run_are_the_secretarys_own(d: Deliberation) -> None:
    case_at(d, Step.DELIBERATE)
    mine = list(selectors.meetings_to_run(d.secretary))
    others = list(selectors.meetings_to_run(d.world.person("secretary_b1")))
    subdistrict = list(selectors.meetings_to_run(d.world.person("subdistrict_staff_a")))
    assert (mine, others, subdistrict) == ([d.extra["meeting"]], [], [d.extra["meeting"]])


# --- The ledger ---------------------------------------------------------------------------------


@pytest.fixture
def ledger(d: Deliberation) -> list[Project]:
    closed = project_of(case_at(d, Step.CLOSED))  # 2025, facilities, 12,000 planned, score 5
    acting = project_of(case_at(d, Step.SUPERVISE))
    line = acting.budget_lines.get()
    services.spending_record(
        line=line, by=d.secretary, amount=Decimal("3000"), on=line.project.deadline
    )
    Project.objects.filter(pk=acting.pk).update(kind="parking")
    return [closed, acting]


def test_the_ledger_sums_a_year(
    d: Deliberation, ledger: list[Project], django_assert_num_queries
) -> None:
    with django_assert_num_queries(2):
        years = selectors.ledger_years(d.residents[0])
    assert [(y.year, y.projects, y.closed, y.planned, y.spent, y.satisfaction) for y in years] == [
        (2025, 2, 1, Decimal("24000.00"), Decimal("3000.00"), Decimal("5.00"))
    ]


def test_the_ledger_filters_by_kind(d: Deliberation, ledger: list[Project]) -> None:
    years = selectors.ledger_years(d.residents[0], kind="parking")
    assert [(y.projects, y.closed, y.spent, y.satisfaction) for y in years] == [
        (1, 0, Decimal("3000.00"), None)
    ]


def test_the_ledger_filters_by_place(d: Deliberation, ledger: list[Project]) -> None:
    here = selectors.ledger_years(d.residents[0], subdistrict_id=d.world.sd_a.pk)
    there = selectors.ledger_years(d.residents[0], subdistrict_id=d.world.sd_b.pk)
    community = selectors.ledger_rows(d.residents[0], community_id=d.world.comm_a2.pk)
    assert ([y.projects for y in here], there, community) == ([2], [], [])


def test_the_ledger_rows_carry_what_the_export_needs(
    d: Deliberation, ledger: list[Project], django_assert_num_queries
) -> None:
    with django_assert_num_queries(2):
        rows = selectors.ledger_rows(d.residents[0])
    closed = next(r for r in rows if r.project_id == ledger[0].pk)
    assert (
        closed.case_number,
        closed.kind_label,
        closed.community,
        closed.step_label,
        closed.planned,
        closed.spent,
        closed.score,
        closed.lead_unit,
    ) == (
        ledger[0].case.number,
        "设施改造",
        "永安里社区",
        "已办结",
        Decimal("12000.00"),
        Decimal("0.00"),
        Decimal("5.00"),
        "永安里社区居委会",
    )
