"""The case list and the case page: who may open them, which actions each person is offered
at each step, how an action and a domain error come back, the project ↔ work-order links, and
pinned query counts."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
import time_machine
from django.test import Client

from gongzhi.deliberation import services
from gongzhi.deliberation.models import Case, Objection, Rating, Step
from gongzhi.deliberation.tests.factories import (
    Deliberation,
    case_at,
    project_of,
    resolution_of,
)
from gongzhi.workorders.models import Status, WorkOrder
from gongzhi.workorders.tests.factories import order_in

pytestmark = pytest.mark.django_db
HTMX = {"HX-Request": "true"}


def as_(d: Deliberation, client: Client, name: str) -> Client:
    person = d.reps[0].person if name == "rep" else d.person(name)
    client.force_login(person)
    return client


def url(case: Case, action: str = "") -> str:
    base = f"/deliberation/cases/{case.number}/"
    return f"{base}act/{action}/" if action else base


def offered(client: Client, case: Case) -> set[str]:
    page = client.get(url(case)).content.decode()
    names = [
        "schedule",
        "withdraw",
        "publish",
        "object",
        "answer",
        "create_project",
        "launch",
        "progress",
        "spend",
        "visit",
        "complete",
        "rate",
        "close_evaluation",
    ]
    return {n for n in names if f'data-action="{n}"' in page}


def act(client: Client, case: Case, action: str, **fields: Any) -> Any:
    data = {f"{action}-{name}": value for name, value in fields.items()}
    return client.post(url(case, action), data, headers=HTMX)


# --- Who sees the page --------------------------------------------------------------------------


def test_an_anonymous_visitor_is_sent_to_sign_in(d: Deliberation, client: Client) -> None:
    case = case_at(d, Step.COLLECT)

    response = client.get(url(case))

    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


@pytest.mark.parametrize(
    "name", ["resident_a1", "secretary_b1", "district_staff", "property_staff_x", "rider"]
)
def test_every_signed_in_person_may_follow_a_case(
    d: Deliberation, client: Client, name: str
) -> None:
    case = case_at(d, Step.SUPERVISE)

    response = as_(d, client, name).get(url(case))

    assert response.status_code == 200
    assert "南门照明改造" in response.content.decode()


def test_an_unknown_case_is_not_found(d: Deliberation, client: Client) -> None:
    assert as_(d, client, "resident_a1").get("/deliberation/cases/YS1999000001/").status_code == 404


def test_the_page_shows_the_five_steps_with_the_current_one(
    d: Deliberation, client: Client
) -> None:
    case = case_at(d, Step.SUPERVISE)

    page = as_(d, client, "resident_a1").get(url(case)).content.decode()

    states = [
        (step, state)
        for step in ("collect", "deliberate", "act", "supervise", "evaluate")
        for state in ("done", "current", "todo")
        if f'<li class="{state}" data-step="{step}">' in page
    ]
    assert states == [
        ("collect", "done"),
        ("deliberate", "done"),
        ("act", "done"),
        ("supervise", "current"),
        ("evaluate", "todo"),
    ]


def test_the_page_shows_the_meeting_outcome_and_the_resolution(
    d: Deliberation, client: Client
) -> None:
    case = case_at(d, Step.NOTICE)

    page = as_(d, client, "resident_a1").get(url(case)).content.decode()

    assert '<b class="t-yes">4</b>' in page and '<b class="t-no">1</b>' in page
    assert 'id="resolution-text">同意加装路灯' in page


# --- Which actions are offered to whom, at which step ------------------------------------------


@pytest.mark.parametrize(
    ("step", "name", "expected"),
    [
        (Step.COLLECT, "secretary_a1", {"schedule", "withdraw"}),
        (Step.COLLECT, "subdistrict_staff_a", {"schedule", "withdraw"}),
        (Step.COLLECT, "resident_a1", set()),
        (Step.COLLECT, "secretary_b1", set()),  # another community
        (Step.ACT, "secretary_a1", {"launch", "progress", "spend"}),
        (Step.SUPERVISE, "secretary_a1", {"progress", "spend", "complete"}),
        (Step.SUPERVISE, "property_staff_x", {"progress", "spend"}),  # an assisting unit
        (Step.SUPERVISE, "rep", {"visit"}),
        (Step.SUPERVISE, "resident_a1", set()),
        (Step.EVALUATE, "resident_a1", {"rate"}),
        (Step.EVALUATE, "secretary_a1", {"close_evaluation", "spend"}),
        (Step.EVALUATE, "district_staff", set()),  # reads everything, acts for no community
        (Step.CLOSED, "secretary_a1", set()),
    ],
)
def test_the_actions_offered_follow_the_step_and_the_person(
    d: Deliberation, client: Client, step: str, name: str, expected: set[str]
) -> None:
    case = case_at(d, step)

    assert offered(as_(d, client, name), case) == expected


def test_a_resident_is_offered_an_objection_only_during_the_notice_period(
    d: Deliberation, client: Client
) -> None:
    case = case_at(d, Step.NOTICE)
    resident = as_(d, client, "resident_a1")
    ends = resolution_of(case).notice_ends_at

    with time_machine.travel(ends - dt.timedelta(hours=1)):
        during = offered(resident, case)
    with time_machine.travel(ends + dt.timedelta(hours=1)):
        after = offered(resident, case)

    assert ("object" in during, "object" in after) == (True, False)


# --- Actions and domain errors -----------------------------------------------------------------


def test_scheduling_a_meeting_re_renders_the_body_in_the_next_step(
    d: Deliberation, client: Client
) -> None:
    case = case_at(d, Step.COLLECT)

    response = act(
        as_(d, client, "secretary_a1"),
        case,
        "schedule",
        hall=d.hall.pk,
        title="路灯议事会",
        scheduled_at="2026-12-01T19:00",
        agenda="南门照明",
    )

    body = response.content.decode()
    assert response.status_code == 200
    assert body.lstrip().startswith('<div id="case-body">')
    assert 'data-step="deliberate"' in body and "已召集议事会" in body
    case.refresh_from_db()
    assert case.step == Step.DELIBERATE
    meeting = case.meetings.get()
    assert meeting.scheduled_at == dt.datetime(
        2026, 12, 1, 19, 0, tzinfo=dt.timezone(dt.timedelta(hours=8))
    )


def test_a_form_error_comes_back_with_the_form_open(d: Deliberation, client: Client) -> None:
    case = case_at(d, Step.COLLECT)

    response = act(as_(d, client, "secretary_a1"), case, "withdraw", reason="")

    body = response.content.decode()
    assert response.status_code == 400
    assert '<details data-action="withdraw" open' in body
    case.refresh_from_db()
    assert case.step == Step.COLLECT


def test_creating_the_project_during_the_notice_period_shows_the_domains_message(
    d: Deliberation, client: Client
) -> None:
    case = case_at(d, Step.NOTICE)
    ends = resolution_of(case).notice_ends_at

    with time_machine.travel(ends - dt.timedelta(hours=1)):
        response = act(
            as_(d, client, "secretary_a1"),
            case,
            "create_project",
            title="南门照明",
            kind="facilities",
            deadline="2025-06-30",
            lead_unit=d.world.units["cc_a1"].pk,
            **{
                "budget-TOTAL_FORMS": "1",
                "budget-INITIAL_FORMS": "0",
                "budget-0-item": "路灯",
                "budget-0-planned": "9000",
                "ms-TOTAL_FORMS": "0",
                "ms-INITIAL_FORMS": "0",
            },
        )

    assert response.status_code == 409
    assert "决议公示期未满" in response.content.decode()
    case.refresh_from_db()
    assert case.step == Step.NOTICE


def test_creating_the_project_after_the_notice_period_moves_the_case_to_act(
    d: Deliberation, client: Client
) -> None:
    case = case_at(d, Step.NOTICE)

    response = act(
        as_(d, client, "secretary_a1"),
        case,
        "create_project",
        title="南门照明",
        kind="facilities",
        deadline="2025-06-30",
        lead_unit=d.world.units["cc_a1"].pk,
        assist_units=[d.world.units["property_x"].pk],
        **{
            "budget-TOTAL_FORMS": "3",
            "budget-INITIAL_FORMS": "0",
            "budget-0-item": "路灯",
            "budget-0-planned": "9000",
            "budget-1-item": "施工",
            "budget-1-planned": "3000.50",
            "ms-TOTAL_FORMS": "1",
            "ms-INITIAL_FORMS": "0",
            "ms-0-title": "安装",
            "ms-0-due_on": "2025-06-01",
        },
    )

    assert response.status_code == 200
    project = project_of(case)
    assert [(b.item, b.planned) for b in project.budget_lines.all()] == [
        ("路灯", Decimal("9000.00")),
        ("施工", Decimal("3000.50")),
    ]
    assert [m.title for m in project.milestones.all()] == ["安装"]
    assert set(project.unit_links.values_list("unit__code", "role")) == {
        ("cc-a1", "lead"),
        ("property-x", "assist"),
    }


def test_a_person_the_rules_do_not_allow_gets_the_domains_message(
    d: Deliberation, client: Client
) -> None:
    case = case_at(d, Step.COLLECT)

    # Not offered on the page, but posted anyway.
    response = act(as_(d, client, "secretary_b1"), case, "withdraw", reason="不办了")

    assert response.status_code == 403
    assert "您无权进行此操作" in response.content.decode()
    case.refresh_from_db()
    assert case.step == Step.COLLECT


def test_an_action_the_step_does_not_allow_gets_the_domains_message(
    d: Deliberation, client: Client
) -> None:
    case = case_at(d, Step.SUPERVISE)

    response = act(as_(d, client, "secretary_a1"), case, "launch")

    assert response.status_code == 409
    assert "当前环节不能进行此操作" in response.content.decode()


def test_an_unknown_action_is_not_found(d: Deliberation, client: Client) -> None:
    case = case_at(d, Step.COLLECT)

    assert act(as_(d, client, "secretary_a1"), case, "teleport").status_code == 404


def test_without_htmx_an_action_redirects_to_the_page_with_a_message(
    d: Deliberation, client: Client
) -> None:
    case = case_at(d, Step.SUPERVISE)
    secretary = as_(d, client, "secretary_a1")

    response = secretary.post(url(case, "complete"), follow=True)

    assert response.redirect_chain == [(url(case), 302)]
    assert "项目已完工" in response.content.decode()


def test_a_resident_objects_and_the_secretary_answers_on_the_page(
    d: Deliberation, client: Client
) -> None:
    case = case_at(d, Step.NOTICE)
    ends = resolution_of(case).notice_ends_at

    with time_machine.travel(ends - dt.timedelta(hours=2)):
        act(as_(d, client, "resident_a1"), case, "object", text="灯不要照到窗户")
        objection = Objection.objects.get()
        page = as_(d, client, "secretary_a1").get(url(case)).content.decode()
        assert f'value="{objection.pk}"' in page  # the answer form beside the objection
        response = act(
            client, case, "answer", objection=objection.pk, answer="灯头朝向道路，不照住户"
        )

    assert "灯头朝向道路，不照住户" in response.content.decode()
    objection.refresh_from_db()
    assert objection.is_answered


def test_a_resident_rates_once_and_is_then_thanked(d: Deliberation, client: Client) -> None:
    case = case_at(d, Step.EVALUATE)
    resident = as_(d, client, "resident_a1")

    response = act(resident, case, "rate", satisfaction="basically", comment="还可以更亮些")

    assert "感谢您的评价" in response.content.decode()
    rating = Rating.objects.get(person=d.person("resident_a1"))
    assert (rating.score, rating.satisfaction) == (4, "basically")
    assert "rate" not in offered(resident, case)


def test_closing_the_evaluation_below_the_threshold_reopens_the_project(
    d: Deliberation, client: Client
) -> None:
    case = case_at(d, Step.EVALUATE)
    project = project_of(case)
    for person in d.residents[:3]:
        services.rating_submit(project=project, by=person, satisfaction="unsatisfied")

    response = act(as_(d, client, "secretary_a1"), case, "close_evaluation")

    assert "未达标准，项目退回重办" in response.content.decode()
    case.refresh_from_db()
    assert case.step == Step.ACT


def test_closing_the_evaluation_with_too_few_ratings_shows_how_many_are_needed(
    d: Deliberation, client: Client
) -> None:
    case = case_at(d, Step.EVALUATE)
    services.rating_submit(project=project_of(case), by=d.residents[0], score=5)

    response = act(as_(d, client, "secretary_a1"), case, "close_evaluation")

    assert response.status_code == 409
    assert "已有 1 人评价，至少需 3 人" in response.content.decode()


# --- Work orders ↔ projects --------------------------------------------------------------------


@pytest.fixture
def linked(d: Deliberation) -> tuple[Case, WorkOrder]:
    """A project at work with a complaint of compound A1 (led by property X) linked to it."""
    case = case_at(d, Step.SUPERVISE)
    order = order_in(d.world, Status.DISPATCHED, description="南门路灯不亮")
    services.project_link_orders(project=project_of(case), by=d.secretary, orders=[order])
    return case, order


def test_the_project_lists_its_orders_to_those_who_may_see_them(
    d: Deliberation, client: Client, linked: tuple[Case, WorkOrder]
) -> None:
    case, order = linked

    page = as_(d, client, "secretary_a1").get(url(case)).content.decode()

    assert f'href="/orders/{order.number}/"' in page


def test_the_project_counts_the_orders_a_resident_may_not_open(
    d: Deliberation, client: Client, linked: tuple[Case, WorkOrder]
) -> None:
    case, order = linked

    page = as_(d, client, "resident_a1").get(url(case)).content.decode()

    assert order.number not in page
    assert "另有 1 张工单" in page


def test_the_order_page_loads_the_projects_it_is_linked_to(
    d: Deliberation, client: Client, linked: tuple[Case, WorkOrder]
) -> None:
    case, order = linked
    staff = as_(d, client, "property_staff_x")

    order_page = staff.get(f"/orders/{order.number}/").content.decode()
    fragment = staff.get(f"/deliberation/orders/{order.number}/projects/").content.decode()

    assert f'hx-get="/deliberation/orders/{order.number}/projects/"' in order_page
    assert "南门照明改造" in fragment and f'href="/deliberation/cases/{case.number}/"' in fragment


def test_the_projects_of_an_order_are_not_shown_to_who_may_not_see_the_order(
    d: Deliberation, client: Client, linked: tuple[Case, WorkOrder]
) -> None:
    _case, order = linked

    response = as_(d, client, "secretary_b1").get(f"/deliberation/orders/{order.number}/projects/")

    assert response.status_code == 404


def test_linking_an_order_the_person_may_not_see_reads_as_unknown(
    d: Deliberation, client: Client
) -> None:
    case = case_at(d, Step.SUPERVISE)
    order = order_in(d.world, Status.DISPATCHED)

    response = act(as_(d, client, "property_staff_x"), case, "link_orders", numbers=order.number)

    # property X may see the order, but linking is the place's leaders' (the domain says so).
    assert response.status_code == 403
    response = act(as_(d, client, "secretary_b1"), case, "link_orders", numbers=order.number)
    assert response.status_code == 400
    assert f"工单 {order.number} 不存在或您无权查看" in response.content.decode()


# --- The list ----------------------------------------------------------------------------------


def test_the_case_list_filters_by_step(d: Deliberation, client: Client) -> None:
    open_case = case_at(d, Step.COLLECT)
    closed = case_at(d, Step.CLOSED)

    page = as_(d, client, "resident_a1").get("/deliberation/?step=closed").content.decode()

    assert f'data-case="{closed.number}"' in page
    assert f'data-case="{open_case.number}"' not in page


def test_the_case_list_costs_a_bounded_number_of_queries(
    d: Deliberation, client: Client, django_assert_max_num_queries: Any
) -> None:
    for step in (Step.COLLECT, Step.NOTICE, Step.CLOSED, Step.WITHDRAWN):
        case_at(d, step)
    resident = as_(d, client, "resident_a1")

    # session, user, the filter's subdistricts, the count, the page of cases with their places
    # (one query, whatever the number of rows), the navigation's memberships and the person's
    # posts.
    with django_assert_max_num_queries(7):
        response = resident.get("/deliberation/")

    assert response.content.decode().count("data-case=") == 4
