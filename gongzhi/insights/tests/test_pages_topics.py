"""The monthly topic candidates page (每月一题): the district's leaders see the district's
problems ranked with their evidence, a subdistrict's staff their own subdistrict's."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client

from gongzhi.insights.hotspots.counts import compound_counts_rebuild
from gongzhi.insights.rollups import rollups_rebuild
from gongzhi.insights.tests.test_pages_fixtures import signed_in
from gongzhi.insights.tests.test_topics import _order
from gongzhi.testing import World
from gongzhi.workorders.models import Satisfaction
from gongzhi.workorders.taxonomy import seed_categories

URL = "/insights/findings/topics/"


@pytest.fixture
def november(world: World) -> World:
    return build_november(world)


def build_november(world: World) -> World:
    """Subdistrict A: six elevator orders at compound A1, half unresolved; subdistrict B: two
    ads orders at compound B1. Roll-ups rebuilt."""
    seed_categories()
    for i in range(6):
        ok = i % 2 == 0
        _order(
            world.compound_a1,
            "property-elevator",
            dt.date(2025, 11, 3 + i),
            phone="13800000001" if i < 3 else "",
            resolved=ok,
            satisfaction=Satisfaction.BASICALLY if ok else Satisfaction.UNSATISFIED,
        )
    for i in range(2):
        _order(world.compound_b1, "sanitation-ads", dt.date(2025, 11, 10 + i))
    rollups_rebuild()
    compound_counts_rebuild()
    return world


def problems(page: str) -> list[str]:
    table = page[page.index('id="topic-table"') :] if 'id="topic-table"' in page else ""
    out, start = [], 0
    while (i := table.find("<strong>", start)) != -1 and i < table.find("</table>"):
        j = table.index("</strong>", i)
        if 'data-label="问题"' in table[max(0, i - 40) : i]:
            out.append(table[i + 8 : j])
        start = j
    return out


@pytest.mark.parametrize(
    ("name", "status"),
    [
        ("district_staff", 200),
        ("admin", 200),
        ("subdistrict_staff_a", 200),
        ("secretary_a1", 403),
        ("property_staff_x", 403),
        ("dispatcher", 403),
        ("resident_a1", 403),
        ("rider", 403),
    ],
)
def test_district_and_subdistrict_staff_see_the_topics(
    november: World, client: Client, name: str, status: int
) -> None:
    assert signed_in(november, client, name).get(URL, {"month": "2025-11"}).status_code == status


def test_the_district_sees_its_problems_ranked_with_evidence(
    november: World, client: Client
) -> None:
    page = signed_in(november, client, "district_staff").get(URL, {"month": "2025-11"})
    text = page.content.decode()

    assert problems(text) == ["电梯故障", "小广告"]
    evidence = text[text.index('class="wo-small evidence"') :]
    assert "本月 6 件" in evidence and "重复反映 3 件" in evidence and "回访 6 件" in evidence


def test_a_leader_may_look_at_one_subdistrict(november: World, client: Client) -> None:
    page = signed_in(november, client, "district_staff").get(
        URL, {"month": "2025-11", "subdistrict": str(november.sd_b.pk)}
    )

    assert problems(page.content.decode()) == ["小广告"]


def test_subdistrict_staff_see_only_their_subdistrict(november: World, client: Client) -> None:
    page = signed_in(november, client, "subdistrict_staff_a").get(URL, {"month": "2025-11"})

    assert problems(page.content.decode()) == ["电梯故障"]


def test_subdistrict_staff_may_not_ask_for_another_or_the_district(
    november: World, client: Client
) -> None:
    client = signed_in(november, client, "subdistrict_staff_a")

    other = client.get(URL, {"month": "2025-11", "subdistrict": str(november.sd_b.pk)})
    district = client.get(URL, {"month": "2025-11", "subdistrict": ""})

    assert (other.status_code, problems(district.content.decode())) == (400, ["电梯故障"])


def test_split_by_kind_of_compound(november: World, client: Client) -> None:
    page = signed_in(november, client, "district_staff").get(
        URL, {"month": "2025-11", "by_place_kind": "on"}
    )

    assert problems(page.content.decode()) == ["电梯故障", "小广告"]


def test_a_bad_month_is_a_clear_error(november: World, client: Client) -> None:
    response = signed_in(november, client, "district_staff").get(URL, {"month": "11/2025"})

    assert (response.status_code, "月份格式应为" in response.content.decode()) == (400, True)


def test_a_month_without_orders_says_so(november: World, client: Client) -> None:
    page = signed_in(november, client, "district_staff").get(URL, {"month": "2025-08"})

    assert "该月没有诉求数据" in page.content.decode()


def test_the_page_costs_a_fixed_number_of_queries(
    november: World, client: Client, django_assert_num_queries: Any
) -> None:
    client = signed_in(november, client, "district_staff")
    client.get(URL, {"month": "2025-11"})

    # session, user, scope, subdistricts, the candidates (roll-ups: the month, last month,
    # last year, places, all places, repeats, names, places' names, one example query per
    # candidate), the topics chosen for the month, the watermark, the navigation.
    with django_assert_num_queries(17):
        client.get(URL, {"month": "2025-11"})
