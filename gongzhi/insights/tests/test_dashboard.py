"""The leaders' dashboards: who sees which level, the month shown, that the page's figures
are the roll-ups', the map's figures, the order list at the bottom of the drill-down, and
the district page's pinned query count.

Orders are filed and moved through the services, and the roll-ups built by the real refresh
(as in test_selectors.py): September 1 order at A1; October 2 at A1 (elevator), 1 heating
order at A2 (both A), 1 declined order at B1."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from gongzhi.accounts.models import Membership, Role
from gongzhi.insights.dashboard import selectors as dash
from gongzhi.insights.dashboard.charts import trend_chart
from gongzhi.insights.models import MonthlyLevelRollup
from gongzhi.insights.rankings import ranking
from gongzhi.insights.rollups import rollups_refresh
from gongzhi.insights.selectors import Scope, dashboard_summary
from gongzhi.testing import World
from gongzhi.workorders.sla import SHANGHAI
from gongzhi.workorders.tests.factories import category, order_in

OCT = dt.date(2025, 10, 1)
A2: dict[str, Any] = {"lng": 116.45, "lat": 39.95}
B1: dict[str, Any] = {"lng": 116.60, "lat": 39.95}


def at(month: int, day: int) -> dt.datetime:
    return dt.datetime(2025, month, day, 10, tzinfo=SHANGHAI)


@pytest.fixture
def built(world: World) -> World:
    order_in(world, "closed", at=at(9, 15))
    order_in(world, "closed", at=at(10, 8))
    order_in(world, "contacted", at=at(10, 9))
    order_in(world, "closed", at=at(10, 9), category=category("heating-cold"), **A2)
    order_in(world, "declined", at=at(10, 20), **B1)
    rollups_refresh(now=at(11, 1))
    return world


def client_for(world: World, username: str) -> Client:
    client = Client()
    client.force_login(world.person(username))
    return client


def text_of(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def headline(html: str, key: str) -> str:
    match = re.search(rf'data-key="{key}">\s*<dt>[^<]*</dt>\s*<dd class="value">([^<]*)</dd>', html)
    assert match, key
    return match.group(1)


def ranking_rows(html: str) -> list[tuple[str, str, str]]:
    """(name, orders, composite) of each row of the ranking table."""
    table = html.split('id="ranking-table"')[1].split("</table>")[0]
    return re.findall(
        r'data-name="([^"]+)".*?<td class="num orders">(\d+)</td>.*?'
        r'rate-composite"><strong>([^<]+)</strong>',
        table,
        re.S,
    )


# --- who sees what ---------------------------------------------------------------------------


@pytest.mark.parametrize("username", ["district_staff", "admin"])
def test_district_staff_and_administrators_see_the_district(built: World, username: str) -> None:
    response = client_for(built, username).get("/insights/?month=2025-10")
    assert response.status_code == 200
    assert response.context["level"] == "district"


def test_subdistrict_staff_are_sent_from_the_district_to_their_subdistrict(built: World) -> None:
    response = client_for(built, "subdistrict_staff_a").get("/insights/?month=2025-10")
    assert response.status_code == 302
    assert response["Location"] == (
        reverse("insights:subdistrict", args=[built.sd_a.pk]) + "?month=2025-10"
    )


def test_subdistrict_staff_see_their_subdistrict_and_its_communities(built: World) -> None:
    client = client_for(built, "subdistrict_staff_a")
    for url in (
        reverse("insights:subdistrict", args=[built.sd_a.pk]),
        reverse("insights:community", args=[built.comm_a1.pk]),
        reverse("insights:community_orders", args=[built.comm_a2.pk]),
        reverse("insights:map_values") + f"?month=2025-10&subdistrict={built.sd_a.pk}",
    ):
        assert client.get(url).status_code == 200, url


def test_staff_of_two_subdistricts_switch_between_them(built: World) -> None:
    person = built.person("subdistrict_staff_a")
    Membership.objects.create(person=person, role=Role.SUBDISTRICT_STAFF, unit=built.units["so_b"])
    client = client_for(built, "subdistrict_staff_a")
    a = reverse("insights:subdistrict", args=[built.sd_a.pk])
    b = reverse("insights:subdistrict", args=[built.sd_b.pk])

    page = client.get(f"{a}?month=2025-10").content.decode()
    switch = page[
        page.index('id="dash-switch"') : page.index("</nav>", page.index('id="dash-switch"'))
    ]

    assert f'href="{b}?month=2025-10"' in switch  # the other one, same month
    assert f'href="{a}' not in switch and built.sd_a.name in switch  # this one, not a link
    assert client.get(b).status_code == 200


def test_staff_of_one_subdistrict_have_nothing_to_switch(built: World) -> None:
    page = client_for(built, "subdistrict_staff_a").get(
        reverse("insights:subdistrict", args=[built.sd_a.pk])
    )
    assert 'id="dash-switch"' not in page.content.decode()


def test_subdistrict_staff_cannot_see_another_subdistrict(built: World) -> None:
    client = client_for(built, "subdistrict_staff_a")
    for url in (
        reverse("insights:subdistrict", args=[built.sd_b.pk]),
        reverse("insights:community", args=[built.comm_b1.pk]),
        reverse("insights:community_orders", args=[built.comm_b1.pk]),
        reverse("insights:map_values") + f"?month=2025-10&subdistrict={built.sd_b.pk}",
    ):
        assert client.get(url).status_code == 404, url


def test_subdistrict_staff_get_no_district_map(built: World) -> None:
    response = client_for(built, "subdistrict_staff_a").get("/insights/map.json?month=2025-10")
    assert response.status_code == 403


@pytest.mark.parametrize(
    "username",
    ["resident_a1", "secretary_a1", "dispatcher", "property_staff_x", "department_staff_traffic"],
)
def test_people_without_a_dashboard_are_refused(built: World, username: str) -> None:
    client = client_for(built, username)
    for url in (
        "/insights/",
        reverse("insights:subdistrict", args=[built.sd_a.pk]),
        reverse("insights:community_orders", args=[built.comm_a1.pk]),
        "/insights/map.json?month=2025-10",
    ):
        assert client.get(url).status_code == 403, (username, url)


def test_a_visitor_is_sent_to_log_in(built: World) -> None:
    response = Client().get("/insights/")
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_the_navigation_offers_the_dashboard_to_leaders_only(built: World) -> None:
    url = reverse("insights:dashboard")
    home = reverse("web:home")
    assert f'href="{url}"' in client_for(built, "district_staff").get(home).content.decode()
    assert f'href="{url}"' in client_for(built, "subdistrict_staff_a").get(home).content.decode()
    assert f'href="{url}"' not in client_for(built, "resident_a1").get(home).content.decode()


# --- the month ------------------------------------------------------------------------------


def test_without_a_month_it_shows_the_last_complete_month_with_data(built: World) -> None:
    response = client_for(built, "district_staff").get("/insights/")
    assert response.context["month"].first == OCT
    assert "month-note" not in response.content.decode()


def test_the_default_month_is_the_last_complete_one_with_data(built: World) -> None:
    assert dash.default_month(dt.date(2025, 11, 5)) == OCT
    # October is not complete on 20 October: September is the last complete month with data.
    assert dash.default_month(dt.date(2025, 10, 20)) == dt.date(2025, 9, 1)
    # Nothing before: the last complete month all the same.
    assert dash.default_month(dt.date(2025, 3, 2)) == dt.date(2025, 2, 1)


@pytest.mark.parametrize("raw", ["2025-13", "oct", "2025/10", "10-2025", "1899-01"])
def test_a_month_that_cannot_be_read_falls_back_with_a_message(built: World, raw: str) -> None:
    response = client_for(built, "district_staff").get("/insights/", {"month": raw})
    assert response.status_code == 200
    assert response.context["month"].first == OCT
    page = text_of(response.content.decode())
    assert "无法识别月份" in page
    assert "已显示2025年10月" in page


def test_a_future_month_falls_back_with_a_message(built: World) -> None:
    response = client_for(built, "district_staff").get("/insights/", {"month": "2099-01"})
    assert response.context["month"].first == OCT
    assert "尚未到来" in text_of(response.content.decode())


def test_a_month_is_parsed_strictly() -> None:
    assert dash.parse_month("2025-10") == OCT
    assert dash.parse_month(" 2025-01 ") == dt.date(2025, 1, 1)
    assert [dash.parse_month(r) for r in ("", None, "2025-1", "2025-00", "x-y")] == [None] * 5


def test_the_map_refuses_a_bad_month_with_400(built: World) -> None:
    response = client_for(built, "district_staff").get("/insights/map.json?month=oct")
    assert response.status_code == 400
    assert "month" in response.json()["error"]


# --- the figures are the roll-ups' ------------------------------------------------------------


def test_the_district_headline_figures_are_the_rollups(built: World) -> None:
    html = client_for(built, "district_staff").get("/insights/?month=2025-10").content.decode()
    summary = dashboard_summary(Scope.district(), OCT)
    assert headline(html, "orders") == str(summary.totals.counts["received"]) == "4"
    assert headline(html, "composite") == f"{summary.totals.rates.composite:.2f}"
    assert headline(html, "response") == f"{summary.totals.rates.response:.2f}%"
    assert headline(html, "resolution") == f"{summary.totals.rates.resolution:.2f}%"
    assert headline(html, "satisfaction") == f"{summary.totals.rates.satisfaction:.2f}%"
    # September had one order.
    assert "较上月 +3" in text_of(html)


def test_the_district_ranking_is_the_subdistrict_ranking(built: World) -> None:
    html = client_for(built, "district_staff").get("/insights/?month=2025-10").content.decode()
    expected = [
        (r.name, str(r.counts["received"]), str(r.rates.composite))
        for r in ranking("subdistrict", OCT)
    ]
    assert ranking_rows(html) == expected
    assert expected[0][0] == built.sd_a.name
    link = reverse("insights:subdistrict", args=[built.sd_a.pk]) + "?month=2025-10"
    assert f'href="{link}"' in html


def test_the_subdistrict_page_ranks_its_communities(built: World) -> None:
    client = client_for(built, "subdistrict_staff_a")
    html = client.get(
        reverse("insights:subdistrict", args=[built.sd_a.pk]), {"month": "2025-10"}
    ).content.decode()
    summary = dashboard_summary(Scope(built.sd_a.pk), OCT)
    assert headline(html, "orders") == str(summary.totals.counts["received"]) == "3"
    rows = ranking_rows(html)
    assert {name for name, _n, _c in rows} == {built.comm_a1.name, built.comm_a2.name}
    assert built.comm_b1.name not in html
    link = reverse("insights:community", args=[built.comm_a1.pk]) + "?month=2025-10"
    assert f'href="{link}"' in html


def test_the_community_page_shows_its_level_rollup(built: World) -> None:
    html = (
        client_for(built, "district_staff")
        .get(reverse("insights:community", args=[built.comm_a1.pk]), {"month": "2025-10"})
        .content.decode()
    )
    row = MonthlyLevelRollup.objects.get(month=OCT, level="community", key=built.comm_a1.pk)
    assert headline(html, "orders") == str(row.received) == "2"
    orders = reverse("insights:community_orders", args=[built.comm_a1.pk]) + "?month=2025-10"
    assert f'href="{orders}"' in html


def test_the_category_chart_counts_this_month_and_last(built: World) -> None:
    html = client_for(built, "district_staff").get("/insights/?month=2025-10").content.decode()
    elevator = category("property-elevator")
    table = html.split('id="category-table"')[1].split("</table>")[0]
    row = re.search(
        rf'data-category="{elevator.parent_id}"><th scope="row">[^<]+</th>'
        r'<td class="num">(\d+)</td><td class="num">(\d+)</td><td class="num">([^<]+)</td>',
        table,
    )
    assert row and row.groups() == ("3", "1", "+2")
    assert '<svg class="chart-svg" id="category-chart"' in html


def test_the_trend_chart_has_twelve_months_and_a_text_alternative(built: World) -> None:
    html = client_for(built, "district_staff").get("/insights/?month=2025-10").content.decode()
    trend = html.split('id="trend-table"')[1].split("</table>")[0]
    months = re.findall(r'<th scope="row">(\d{4}-\d{2})</th>', trend)
    assert months[0] == "2024-11" and months[-1] == "2025-10" and len(months) == 12
    assert 'aria-labelledby="trend-title trend-desc"' in html
    assert '<desc id="trend-desc">' in html


def test_the_trend_chart_breaks_its_lines_at_months_without_a_rate(built: World) -> None:
    chart = trend_chart(dashboard_summary(Scope.district(), OCT).trend)
    composite = next(s for s in chart.series if s.key == "composite")
    assert [p.label for p in composite.points] == ["2025-09", "2025-10"]
    assert len(composite.paths) == 1
    assert [b.value for b in chart.bars][-2:] == [1, 4]


def test_the_page_says_when_the_rollups_were_current(built: World) -> None:
    html = client_for(built, "district_staff").get("/insights/?month=2025-10").content.decode()
    assert '<time datetime="2025-11-01T10:00:00+08:00">2025-11-01 10:00</time>' in html


# --- the map ---------------------------------------------------------------------------------


def test_the_map_values_are_every_subdistrict_with_its_rollup(built: World) -> None:
    data = client_for(built, "district_staff").get("/insights/map.json?month=2025-10").json()
    areas = {a["id"]: a for a in data["areas"]}
    assert set(areas) == {built.sd_a.pk, built.sd_b.pk}
    top = ranking("subdistrict", OCT)[0]
    assert areas[built.sd_a.pk]["composite"] == top.rates.composite
    assert areas[built.sd_a.pk]["orders"] == 3
    # B1's only order was declined: received, but no rates.
    assert (areas[built.sd_b.pk]["orders"], areas[built.sd_b.pk]["composite"]) == (1, None)
    assert areas[built.sd_a.pk]["url"] == (
        reverse("insights:subdistrict", args=[built.sd_a.pk]) + "?month=2025-10"
    )
    assert data["generated"] is False


def test_the_map_says_when_its_geography_is_generated(built: World) -> None:
    built.comm_a2.generated = True
    built.comm_a2.save(update_fields=["generated"])
    client = client_for(built, "district_staff")
    assert client.get("/insights/map.json?month=2025-10").json()["generated"] is False
    data = client.get(f"/insights/map.json?month=2025-10&subdistrict={built.sd_a.pk}").json()
    assert data["generated"] is True


def test_the_map_of_a_subdistrict_has_its_communities(built: World) -> None:
    data = (
        client_for(built, "subdistrict_staff_a")
        .get(f"/insights/map.json?month=2025-10&subdistrict={built.sd_a.pk}")
        .json()
    )
    assert data["level"] == "community"
    assert {a["id"]: a["orders"] for a in data["areas"]} == {
        built.comm_a1.pk: 2,
        built.comm_a2.pk: 1,
    }


def test_the_map_uses_the_places_shapes_and_local_leaflet(built: World) -> None:
    html = client_for(built, "district_staff").get("/insights/?month=2025-10").content.decode()
    assert f'data-geo-url="{reverse("places:geo_subdistricts")}"' in html
    assert "/static/vendor/leaflet/leaflet.js" in html
    assert "//unpkg" not in html and "cdn" not in html.lower()


# --- down to the orders ----------------------------------------------------------------------


def test_the_order_list_has_the_communitys_orders_of_the_month_masked(built: World) -> None:
    response = client_for(built, "district_staff").get(
        reverse("insights:community_orders", args=[built.comm_a1.pk]), {"month": "2025-10"}
    )
    html = response.content.decode()
    numbers = re.findall(r'<tr data-number="(\d+)">', html)
    assert len(numbers) == 2  # September's order is not in October's list
    assert f'href="{reverse("workorders:order", args=[numbers[0]])}"' in html
    assert "张** 139****1234" in html
    assert "张三丰" not in html and "13912341234" not in html


def test_the_order_list_filters_by_status_and_category(built: World) -> None:
    client = client_for(built, "district_staff")
    url = reverse("insights:community_orders", args=[built.comm_a1.pk])
    closed = client.get(url, {"month": "2025-10", "status": "closed"}).content.decode()
    assert len(re.findall(r"<tr data-number=", closed)) == 1
    heating = category("heating-cold")
    none = client.get(url, {"month": "2025-10", "category": str(heating.pk)}).content.decode()
    assert "<tr data-number=" not in none
    elevator = category("property-elevator")
    top = client.get(
        url, {"month": "2025-10", "category": str(elevator.parent_id)}
    ).content.decode()
    assert len(re.findall(r"<tr data-number=", top)) == 2


def test_the_order_list_is_paginated(built: World) -> None:
    for day in range(1, 27):
        order_in(built, "received", at=at(11, day))
    client = client_for(built, "district_staff")
    url = reverse("insights:community_orders", args=[built.comm_a1.pk])
    first = client.get(url, {"month": "2025-11"}).content.decode()
    second = client.get(url, {"month": "2025-11", "page": "2"}).content.decode()
    assert len(re.findall(r"<tr data-number=", first)) == 25
    assert len(re.findall(r"<tr data-number=", second)) == 1
    assert "共 26 件工单" in text_of(first)


# --- cost ------------------------------------------------------------------------------------


def test_the_district_page_takes_a_fixed_number_of_queries(
    built: World, django_assert_num_queries: Any
) -> None:
    client = client_for(built, "district_staff")
    client.get("/insights/?month=2025-10")  # warm the session and caches
    # Session and person (2), the person's scope (1); the summary (6: trend, areas, their
    # names, categories, the category tree, as-of); the ranking (2); the categories with
    # last month (1); the month's hotspots (1); the header's posts (1). The report links,
    # the map (its own request) and the charts: none.
    with django_assert_num_queries(14):
        response = client.get("/insights/?month=2025-10")
    assert response.status_code == 200


def test_more_places_and_orders_cost_the_district_page_no_more_queries(
    built: World, django_assert_num_queries: Any
) -> None:
    for day in range(1, 6):
        order_in(built, "closed", at=at(10, day), **B1)
    rollups_refresh(now=at(11, 2))
    client = client_for(built, "district_staff")
    client.get("/insights/?month=2025-10")
    with django_assert_num_queries(14):
        client.get("/insights/?month=2025-10")


# --- links to the other insights pages ---------------------------------------------------------


def test_the_report_links_are_for_the_shown_month_and_scope(built: World) -> None:
    client = client_for(built, "district_staff")
    district = client.get("/insights/?month=2025-09").content.decode()
    xlsx = reverse("insights:report_xlsx", kwargs={"month": "2025-09"})
    pdf = reverse("insights:report_pdf", kwargs={"month": "2025-09"})
    assert f'id="report-xlsx" href="{xlsx}"' in district
    assert f'id="report-pdf" href="{pdf}"' in district
    sub = client.get(
        reverse("insights:subdistrict", args=[built.sd_a.pk]), {"month": "2025-10"}
    ).content.decode()
    xlsx = reverse("insights:report_xlsx", kwargs={"month": "2025-10"})
    assert f'id="report-xlsx" href="{xlsx}?subdistrict={built.sd_a.pk}"' in sub
    csv = reverse("insights:orders_csv")
    assert f'id="report-csv" href="{csv}?month=2025-10&amp;subdistrict={built.sd_a.pk}"' in sub


def test_a_subdistrict_leader_downloads_the_report_of_their_subdistrict(built: World) -> None:
    client = client_for(built, "subdistrict_staff_a")
    html = client.get(
        reverse("insights:subdistrict", args=[built.sd_a.pk]), {"month": "2025-10"}
    ).content.decode()
    href = re.search(r'id="report-xlsx" href="([^"]+)"', html)
    assert href
    response = client.get(href.group(1).replace("&amp;", "&"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith(
        "application/vnd.openxmlformats-officedocument.spreadsheetml"
    )


def test_the_subdistrict_and_community_pages_take_a_fixed_number_of_queries(
    built: World, django_assert_num_queries: Any
) -> None:
    client = client_for(built, "subdistrict_staff_a")
    subdistrict = reverse("insights:subdistrict", args=[built.sd_a.pk]) + "?month=2025-10"
    community = reverse("insights:community", args=[built.comm_a1.pk]) + "?month=2025-10"
    client.get(subdistrict)
    # As the district page, and the subdistrict itself (1).
    with django_assert_num_queries(15):
        client.get(subdistrict)
    # Session, person, scope, the community (4); its 13 months, as-of, its categories with
    # last month, its hotspots (4); the header's posts (1).
    with django_assert_num_queries(9):
        client.get(community)


def test_the_order_list_takes_a_fixed_number_of_queries_whatever_the_page(
    built: World, django_assert_num_queries: Any
) -> None:
    for day in range(1, 27):
        order_in(built, "received", at=at(11, day))
    client = client_for(built, "district_staff")
    url = reverse("insights:community_orders", args=[built.comm_a1.pk])
    client.get(url, {"month": "2025-11"})
    # Session, person, scope, the community (4); the month's categories (1); the orders'
    # visibility (workorders.selectors reads the memberships again, 1); the count and the
    # page with its relations (2); the header's posts (1).
    with django_assert_num_queries(9):
        client.get(url, {"month": "2025-11"})
    with django_assert_num_queries(9):
        client.get(url, {"month": "2025-11", "page": "2"})


def test_a_month_without_orders_shows_empty_figures(built: World) -> None:
    response = client_for(built, "district_staff").get("/insights/", {"month": "2021-03"})
    html = response.content.decode()
    assert response.status_code == 200
    assert headline(html, "orders") == "0"
    assert headline(html, "composite") == "—"
    assert "该月没有计入考核的工单" in html
    assert "该月没有工单" in html
