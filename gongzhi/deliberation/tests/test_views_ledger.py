"""The public ledger page (years, rows, filters, pinned queries) and the supervision view of
late and near-deadline projects."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
import time_machine
from django.test import Client

from gongzhi.deliberation import services
from gongzhi.deliberation.models import Project, Step
from gongzhi.deliberation.services.projects import deadline_instants
from gongzhi.deliberation.tests.factories import Deliberation, case_at, project_of
from gongzhi.workorders.sla import SHANGHAI

pytestmark = pytest.mark.django_db


@pytest.fixture
def ledger(d: Deliberation) -> list[Project]:
    """2025: a closed facilities project (12,000 planned, score 5) and a parking project at
    work with 3,000 spent, moved to community B1 of subdistrict B."""
    closed = project_of(case_at(d, Step.CLOSED))
    acting = project_of(case_at(d, Step.SUPERVISE))
    line = acting.budget_lines.get()
    services.spending_record(line=line, by=d.secretary, amount=Decimal("3000"), on=acting.deadline)
    Project.objects.filter(pk=acting.pk).update(
        kind="parking", subdistrict=d.world.sd_b, community=d.world.comm_b1
    )
    return [closed, acting]


def page(d: Deliberation, client: Client, query: str = "", name: str = "resident_a1") -> str:
    client.force_login(d.person(name))
    return client.get(f"/deliberation/ledger/{query}").content.decode()


def test_the_ledger_shows_a_year_and_each_project(
    d: Deliberation, client: Client, ledger: list[Project]
) -> None:
    html = page(d, client)

    assert '<tr data-year="2025">' in html
    assert 'id="total-projects">2<' in html and 'id="total-closed">1<' in html
    assert 'id="total-planned">24000.00<' in html and 'id="total-spent">3000.00<' in html
    for project in ledger:
        assert f'href="/deliberation/cases/{project.case.number}/"' in html


def test_the_ledger_filters_by_kind(d: Deliberation, client: Client, ledger: list[Project]) -> None:
    html = page(d, client, "?kind=parking")

    assert f'data-case="{ledger[1].case.number}"' in html
    assert f'data-case="{ledger[0].case.number}"' not in html


def test_the_ledger_filters_by_subdistrict_and_community(
    d: Deliberation, client: Client, ledger: list[Project]
) -> None:
    by_subdistrict = page(d, client, f"?subdistrict={d.world.sd_a.pk}")
    by_community = page(d, client, f"?subdistrict={d.world.sd_b.pk}&community={d.world.comm_b1.pk}")

    assert f'data-case="{ledger[0].case.number}"' in by_subdistrict
    assert f'data-case="{ledger[1].case.number}"' not in by_subdistrict
    assert f'data-case="{ledger[1].case.number}"' in by_community
    assert f'data-case="{ledger[0].case.number}"' not in by_community


def test_the_export_link_keeps_the_filters(
    d: Deliberation, client: Client, ledger: list[Project]
) -> None:
    html = page(d, client, "?year=2025&kind=parking")

    assert 'href="/deliberation/ledger.xlsx?year=2025&amp;kind=parking"' in html


def test_an_anonymous_visitor_is_sent_to_sign_in(d: Deliberation, client: Client) -> None:
    assert client.get("/deliberation/ledger/").status_code == 302


def test_the_ledger_costs_a_bounded_number_of_queries(
    d: Deliberation, client: Client, ledger: list[Project], django_assert_max_num_queries: Any
) -> None:
    for step in (Step.ACT, Step.EVALUATE, Step.CLOSED):
        case_at(d, step)
    client.force_login(d.person("resident_a1"))

    # session, user, the filter's years and subdistricts, ledger_years (2), ledger_rows (2),
    # the navigation's memberships and the person's posts: the same for 2 projects or 200.
    with django_assert_max_num_queries(10):
        response = client.get("/deliberation/ledger/?year=2025")

    assert response.content.decode().count('data-case="') == 5


# --- Supervision -------------------------------------------------------------------------------


def test_supervision_lists_a_late_project(d: Deliberation, client: Client) -> None:
    project = project_of(case_at(d, Step.SUPERVISE))
    noon = dt.datetime.combine(project.deadline, dt.time(12), tzinfo=SHANGHAI)

    client.force_login(d.person("secretary_a1"))
    with time_machine.travel(noon + dt.timedelta(days=3)):  # three days after the deadline day
        html = client.get("/deliberation/supervision/").content.decode()

    late = html[html.index('id="late"') : html.index('id="near"')]
    assert f'data-case="{project.case.number}"' in late
    assert "超期 3 天" in late


def test_supervision_lists_a_project_near_its_deadline(d: Deliberation, client: Client) -> None:
    project = project_of(case_at(d, Step.SUPERVISE))
    _warn, due = deadline_instants(project.deadline)

    client.force_login(d.person("secretary_a1"))
    with time_machine.travel(due - dt.timedelta(days=2, hours=12)):
        html = client.get("/deliberation/supervision/").content.decode()

    near = html[html.index('id="near"') :]
    assert f'data-case="{project.case.number}"' in near
    assert f'data-case="{project.case.number}"' not in html[: html.index('id="near"')]


def test_supervision_leaves_out_finished_projects(d: Deliberation, client: Client) -> None:
    case = case_at(d, Step.EVALUATE)

    client.force_login(d.person("secretary_a1"))
    html = client.get("/deliberation/supervision/").content.decode()

    assert case.number not in html
