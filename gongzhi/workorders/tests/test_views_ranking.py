"""The monthly ranking page, read from the insights roll-ups.

The roll-ups are brought up to date here by `rollups_refresh()`, the function the scheduler's
`insights.refresh_rollups` job runs every 30 seconds; the page itself never refreshes them.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import time_machine
from django.test import Client

from gongzhi.insights.rollups import rollups_refresh
from gongzhi.testing import World
from gongzhi.workorders import services
from gongzhi.workorders.models import Status
from gongzhi.workorders.sla import SHANGHAI
from gongzhi.workorders.tests.factories import order_in

MAY = dt.datetime(2025, 5, 12, 9, 0, tzinfo=SHANGHAI)
JUNE = dt.datetime(2025, 6, 10, 9, 0, tzinfo=SHANGHAI)


def client_for(world: World, client: Client, name: str) -> Client:
    client.force_login(world.person(name))
    return client


def called_back(world: World, *, satisfaction: str, **overrides: Any) -> None:
    order = order_in(world, Status.RESOLVED, **overrides)
    services.workorder_callback(
        order=order, by=world.person("callback_agent"), resolved=True, satisfaction=satisfaction
    )


@pytest.fixture(autouse=True)
def small_district(settings: Any) -> None:
    """The test district is tiny: grade rows from one order, one subdistrict at the bottom."""
    settings.GONGZHI_INSIGHTS_MIN_ORDERS = 1
    settings.GONGZHI_INSIGHTS_BOTTOM_SIZE = {"subdistrict": 1, "community": 1, "unit": 1}


@pytest.fixture
def june(world: World) -> World:
    """Subdistrict A: one satisfied callback; subdistrict B: one dissatisfied; roll-ups
    refreshed after."""
    with time_machine.travel(JUNE, tick=False):
        called_back(world, satisfaction="satisfied")
        called_back(world, satisfaction="unsatisfied", lng=116.60, lat=39.95)  # compound B1
    rollups_refresh()
    return world


def ranking_page(world: World, client: Client, **params: str) -> str:
    return (
        client_for(world, client, "district_staff")
        .get("/orders/ranking/", {"month": "2025-06", **params})
        .content.decode()
    )


def test_subdistricts_are_ranked_by_the_composite_with_the_settings_grades(
    june: World, client: Client
) -> None:
    page = ranking_page(june, client)

    a, b = page.index(f'data-name="{june.sd_a.name}"'), page.index(f'data-name="{june.sd_b.name}"')
    assert a < b
    assert ("先进" in page[a:b], "治理类" in page[b:]) == (True, True)


def test_the_bottom_of_the_table_is_marked(june: World, client: Client) -> None:
    page = ranking_page(june, client)

    bottom = page.index('class="is-bottom"')
    assert page.index(june.sd_b.name, bottom) - bottom < 400
    assert page.count('class="is-bottom"') == 1


def test_another_month_has_its_own_figures(june: World, client: Client) -> None:
    page = ranking_page(june, client, month="2025-05")

    assert "该月没有计入考核的工单" in page


def test_the_change_against_last_month_is_shown(
    world: World, client: Client, settings: Any
) -> None:
    with time_machine.travel(MAY, tick=False):
        called_back(world, satisfaction="unsatisfied")  # subdistrict A, May: composite 70
    with time_machine.travel(JUNE, tick=False):
        called_back(world, satisfaction="satisfied")  # subdistrict A, June: composite 100
    rollups_refresh()

    page = ranking_page(world, client)

    # Only the satisfaction moved, from 0 to 100 %: the composite by its weight.
    delta = 100 * settings.GONGZHI_RATE_WEIGHTS["satisfaction"]
    row = page[page.index(f'data-name="{world.sd_a.name}"') :]
    change = row[row.index('class="num change"') :]
    assert f'<span class="value">+{delta:.1f}</span>' in change[:200]


def test_the_page_shows_how_current_the_roll_ups_are(june: World, client: Client) -> None:
    page = ranking_page(june, client)

    assert "数据截至" in page[page.index('id="ranking-as-of"') :]


def test_it_shows_the_roll_ups_as_they_were_last_refreshed(june: World, client: Client) -> None:
    # Subdistrict A gets a dissatisfied callback the refresh job has not applied yet.
    with time_machine.travel(JUNE, tick=False):
        called_back(june, satisfaction="unsatisfied")
    before = ranking_page(june, client)
    rollups_refresh()
    after = ranking_page(june, client)

    def satisfaction(page: str) -> str:
        row = page[page.index(f'data-name="{june.sd_a.name}"') :]
        cell = row[row.index("rate-satisfaction") :]
        return cell[cell.index('"value">') + 8 : cell.index("</span>")]

    assert (satisfaction(before), satisfaction(after)) == ("100.0%", "50.0%")


def test_before_any_refresh_the_page_says_there_are_no_figures_yet(
    world: World, client: Client
) -> None:
    page = ranking_page(world, client)

    assert ("汇总数据尚未生成" in page, "该月没有计入考核的工单" in page) == (True, True)


def test_the_ranking_by_community(june: World, client: Client) -> None:
    page = ranking_page(june, client, level="community")

    assert (june.comm_a1.name in page, june.comm_b1.name in page) == (True, True)


def test_the_ranking_by_unit(june: World, client: Client) -> None:
    page = ranking_page(june, client, level="unit")

    assert june.units["property_x"].name in page


def test_an_htmx_month_change_gets_only_the_table(june: World, client: Client) -> None:
    page = (
        client_for(june, client, "district_staff")
        .get("/orders/ranking/", {"month": "2025-06"}, headers={"HX-Request": "true"})
        .content.decode()
    )

    assert page.lstrip().startswith('<section id="ranking">')


def test_a_malformed_month_falls_back_to_this_month(june: World, client: Client) -> None:
    response = client_for(june, client, "district_staff").get(
        "/orders/ranking/", {"month": "2025-13", "level": "nonsense"}
    )

    assert (response.status_code, "该月没有计入考核的工单" in response.content.decode()) == (
        200,
        True,
    )


@pytest.mark.parametrize(
    ("name", "status"),
    [
        ("district_staff", 200),
        ("subdistrict_staff_a", 200),
        ("secretary_a1", 200),
        ("property_staff_x", 200),
        ("department_staff_traffic", 200),
        ("callback_agent", 200),
        ("resident_a1", 403),
        ("rider", 403),
        ("volunteer_a1", 403),
    ],
)
def test_staff_see_the_ranking_residents_do_not(
    world: World, client: Client, name: str, status: int
) -> None:
    assert client_for(world, client, name).get("/orders/ranking/").status_code == status


def test_the_page_costs_a_fixed_number_of_queries(
    june: World, client: Client, django_assert_num_queries: Any
) -> None:
    staff = client_for(june, client, "district_staff")
    staff.get("/orders/ranking/", {"month": "2025-06"})  # warm the session

    # session, user, memberships (role check), the two months' roll-up rows, the names,
    # the watermark, and the base template's two memberships reads (navigation).
    with django_assert_num_queries(8):
        staff.get("/orders/ranking/", {"month": "2025-06", "level": "community"})
