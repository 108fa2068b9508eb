"""Choosing the month's topic (每月一题) among the candidates: who may, what is kept with the
choice, and what is refused with nothing written."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client

from gongzhi.insights.hotspots.errors import InvalidInput, NotPermitted
from gongzhi.insights.models import MonthlyTopic
from gongzhi.insights.monthly_topics import AlreadyChosen, topic_choose, topics_chosen
from gongzhi.insights.tests.test_pages_fixtures import signed_in
from gongzhi.insights.tests.test_pages_topics import build_november
from gongzhi.insights.topics import topic_candidates
from gongzhi.testing import World
from gongzhi.workorders.models import Category

NOVEMBER = dt.date(2025, 11, 1)
CHOOSE = "/insights/findings/topics/choose/"


@pytest.fixture
def november(world: World) -> World:
    return build_november(world)


def elevator() -> Category:
    return Category.objects.get(code="property-elevator")


def test_a_leader_chooses_a_candidate_and_the_page_shows_it_with_its_plan(
    november: World, client: Client
) -> None:
    leader = signed_in(november, client, "district_staff")
    housing = november.units["dept_housing"]

    response = leader.post(
        CHOOSE,
        {
            "month": "2025-11",
            "subdistrict": "",
            "category": elevator().pk,
            "place_kind": "",
            "plan": "区住建委牵头，年底前完成老旧电梯排查",
            "lead_unit": housing.pk,
        },
        follow=True,
    )

    page = response.content.decode()
    (topic,) = MonthlyTopic.objects.all()
    assert (topic.month, topic.subdistrict_id, topic.category, topic.lead_unit) == (
        NOVEMBER,
        None,
        elevator(),
        housing,
    )
    # Chosen on the figures the candidates showed: kept with it.
    shown = topic_candidates(NOVEMBER)[0]
    assert (topic.score, topic.evidence["orders"]) == (shown.score, 6)
    assert topic.evidence["parts"] == shown.parts
    assert topic.chosen_by == november.person("district_staff")
    assert "已将“电梯故障”选为每月一题" in page
    chosen = page[page.index('id="chosen-topics"') : page.index('id="topic-table"')]
    assert "电梯故障" in chosen and "年底前完成老旧电梯排查" in chosen and housing.name in chosen
    assert "已选为每月一题" in page[page.index('id="topic-table"') :]


def test_subdistrict_staff_choose_for_their_own_subdistrict_only(november: World) -> None:
    staff = november.person("subdistrict_staff_a")

    own = topic_choose(
        by=staff, month=NOVEMBER, subdistrict_id=november.sd_a.pk, category_id=elevator().pk
    )
    with pytest.raises(NotPermitted):
        topic_choose(by=staff, month=NOVEMBER, subdistrict_id=None, category_id=elevator().pk)
    with pytest.raises(NotPermitted):
        topic_choose(
            by=staff,
            month=NOVEMBER,
            subdistrict_id=november.sd_b.pk,
            category_id=Category.objects.get(code="sanitation-ads").pk,
        )

    assert list(MonthlyTopic.objects.all()) == [own]
    assert topics_chosen(NOVEMBER, november.sd_a.pk) == [own]
    assert topics_chosen(NOVEMBER, None) == []


@pytest.mark.parametrize("name", ["secretary_a1", "dispatcher", "resident_a1"])
def test_others_may_not_choose(november: World, client: Client, name: str) -> None:
    response = signed_in(november, client, name).post(
        CHOOSE, {"month": "2025-11", "category": elevator().pk}
    )

    assert response.status_code == 403
    assert not MonthlyTopic.objects.exists()


def test_a_problem_is_chosen_once_a_month_per_scope(november: World, client: Client) -> None:
    leader = november.person("district_staff")
    topic_choose(by=leader, month=NOVEMBER, subdistrict_id=None, category_id=elevator().pk)

    with pytest.raises(AlreadyChosen):
        topic_choose(by=leader, month=NOVEMBER, subdistrict_id=None, category_id=elevator().pk)
    # The same problem for one subdistrict is another choice.
    topic_choose(
        by=leader, month=NOVEMBER, subdistrict_id=november.sd_a.pk, category_id=elevator().pk
    )

    page = signed_in(november, client, "district_staff").post(
        CHOOSE, {"month": "2025-11", "category": elevator().pk}, follow=True
    )
    assert "该问题已选为本月的每月一题" in page.content.decode()
    assert MonthlyTopic.objects.count() == 2


def test_a_problem_that_is_not_a_candidate_is_refused(november: World, client: Client) -> None:
    heating = Category.objects.get(code="heating-cold")  # no orders in November

    with pytest.raises(InvalidInput):
        topic_choose(
            by=november.person("district_staff"),
            month=NOVEMBER,
            subdistrict_id=None,
            category_id=heating.pk,
        )
    page = signed_in(november, client, "district_staff").post(
        CHOOSE, {"month": "2025-11", "category": heating.pk}, follow=True
    )

    assert "该问题不在本月的候选问题之中" in page.content.decode()
    assert not MonthlyTopic.objects.exists()


def test_a_form_without_a_month_is_refused(november: World, client: Client) -> None:
    page = signed_in(november, client, "district_staff").post(
        CHOOSE, {"category": elevator().pk}, follow=True
    )

    assert "选定每月一题：请检查填写的内容。" in page.content.decode()
    assert not MonthlyTopic.objects.exists()


def test_a_choice_is_withdrawn_by_someone_with_its_scope(november: World, client: Client) -> None:
    topic = topic_choose(
        by=november.person("district_staff"),
        month=NOVEMBER,
        subdistrict_id=None,
        category_id=elevator().pk,
    )
    url = f"/insights/findings/topics/{topic.pk}/withdraw/"

    refused = signed_in(november, client, "subdistrict_staff_a").post(url)
    assert (refused.status_code, MonthlyTopic.objects.count()) == (403, 1)

    done = signed_in(november, client, "admin").post(url, follow=True)
    assert "已撤销每月一题“电梯故障”" in done.content.decode()
    assert not MonthlyTopic.objects.exists()
