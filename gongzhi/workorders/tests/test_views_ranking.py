"""The monthly ranking page."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import time_machine
from django.test import Client

from gongzhi.testing import World
from gongzhi.workorders import services
from gongzhi.workorders.models import Status
from gongzhi.workorders.sla import SHANGHAI
from gongzhi.workorders.tests.factories import order_in

JUNE = dt.datetime(2025, 6, 10, 9, 0, tzinfo=SHANGHAI)


def client_for(world: World, client: Client, name: str) -> Client:
    client.force_login(world.person(name))
    return client


def called_back(world: World, *, satisfaction: str, **overrides: Any) -> None:
    order = order_in(world, Status.RESOLVED, **overrides)
    services.workorder_callback(
        order=order, by=world.person("callback_agent"), resolved=True, satisfaction=satisfaction
    )


@pytest.fixture
def june(world: World) -> World:
    """Subdistrict A: one satisfied callback; subdistrict B: one dissatisfied."""
    with time_machine.travel(JUNE, tick=False):
        called_back(world, satisfaction="satisfied")
        called_back(world, satisfaction="unsatisfied", lng=116.60, lat=39.95)  # compound B1
    return world


def test_subdistricts_are_ranked_by_the_composite_with_grades(june: World, client: Client) -> None:
    page = (
        client_for(june, client, "district_staff")
        .get("/orders/ranking/", {"month": "2025-06"})
        .content.decode()
    )

    assert page.index(june.sd_a.name) < page.index(june.sd_b.name)
    assert "优秀" in page


def test_the_bottom_of_the_table_is_marked(june: World, client: Client) -> None:
    page = (
        client_for(june, client, "district_staff")
        .get("/orders/ranking/", {"month": "2025-06"})
        .content.decode()
    )

    bottom = page.index('class="is-bottom"')
    assert page.index(june.sd_b.name, bottom) - bottom < 400
    assert page.count('class="is-bottom"') == 1


def test_another_month_has_its_own_figures(june: World, client: Client) -> None:
    page = (
        client_for(june, client, "district_staff")
        .get("/orders/ranking/", {"month": "2025-05"})
        .content.decode()
    )

    assert "该月没有计入考核的工单" in page


def test_the_ranking_by_community(june: World, client: Client) -> None:
    page = (
        client_for(june, client, "district_staff")
        .get("/orders/ranking/", {"month": "2025-06", "level": "community"})
        .content.decode()
    )

    assert (june.comm_a1.name in page, june.comm_b1.name in page) == (True, True)


def test_an_htmx_month_change_gets_only_the_table(june: World, client: Client) -> None:
    page = (
        client_for(june, client, "district_staff")
        .get("/orders/ranking/", {"month": "2025-06"}, headers={"HX-Request": "true"})
        .content.decode()
    )

    assert page.lstrip().startswith('<section id="ranking">')


@pytest.mark.parametrize(("name", "status"), [("secretary_a1", 200), ("resident_a1", 403)])
def test_staff_see_the_ranking_residents_do_not(
    world: World, client: Client, name: str, status: int
) -> None:
    assert client_for(world, client, name).get("/orders/ranking/").status_code == status
