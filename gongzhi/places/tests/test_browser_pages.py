"""The place browser's pages and map data, through the Django test client.

(The Chromium tests of the same pages are in test_browser_map.py.)
"""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from gongzhi.places.coords import wgs84_to_gcj02
from gongzhi.places.models import Community
from gongzhi.places.tests.factories import (
    BuildingFactory,
    CommunityFactory,
    CompoundFactory,
    EntranceFactory,
)
from gongzhi.testing import World


def client_for(world: World, name: str) -> Client:
    client = Client()
    client.force_login(world.person(name))
    return client


def test_it_sends_an_anonymous_visitor_to_the_login_page(client: Client, world: World) -> None:
    response = client.get(reverse("places:browser"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_district_staff_see_every_subdistrict_with_its_counts(world: World) -> None:
    response = client_for(world, "district_staff").get(reverse("places:browser"))
    rows = {sd.name: sd for sd in response.context["overview"].subdistricts}
    assert set(rows) == {"建外街道", "朝外街道"}
    a = rows["建外街道"]
    # Subdistrict A: communities A1 and A2, one compound each of 300 households / 800 people.
    assert (a.n_communities, a.n_compounds, a.households, a.population) == (2, 2, 600, 1600)


def test_district_totals_add_up_the_subdistricts(world: World) -> None:
    response = client_for(world, "district_staff").get(reverse("places:browser"))
    totals = response.context["overview"].totals
    assert (totals.subdistricts, totals.communities, totals.compounds) == (2, 3, 3)
    assert (totals.households, totals.population) == (900, 2400)


def test_a_community_secretary_starts_at_her_own_community(world: World) -> None:
    response = client_for(world, "secretary_a1").get(reverse("places:browser"))
    overview = response.context["overview"]
    assert overview.subdistricts == []
    assert [c.name for c in overview.communities] == ["永安里社区"]
    assert "吉庆里社区" not in response.content.decode()


def test_a_property_company_sees_only_the_compounds_it_serves(world: World) -> None:
    response = client_for(world, "property_staff_x").get(reverse("places:browser"))
    overview = response.context["overview"]
    assert (overview.subdistricts, overview.communities) == ([], [])
    assert {k.name for k in overview.compounds} == {"永安里小区", "吉庆里小区"}


def test_a_rider_with_no_place_sees_that_he_has_none(world: World) -> None:
    response = client_for(world, "rider").get(reverse("places:browser"))
    assert response.context["overview"].is_empty
    assert "您的角色没有负责或居住的地点" in response.content.decode()


def test_the_subdistrict_page_lists_its_communities_with_counts(world: World) -> None:
    url = reverse("places:subdistrict", args=[world.sd_a.pk])
    response = client_for(world, "subdistrict_staff_a").get(url)
    rows = {
        c.name: (c.n_compounds, c.households, c.population) for c in response.context["communities"]
    }
    assert rows == {"永安里社区": (1, 300, 800), "光华里社区": (1, 300, 800)}


def test_the_subdistrict_page_names_its_subdistrict_office(world: World) -> None:
    url = reverse("places:subdistrict", args=[world.sd_a.pk])
    response = client_for(world, "subdistrict_staff_a").get(url)
    assert [u.name for u in response.context["units"]] == ["建外街道办事处"]


@pytest.mark.parametrize(
    ("person", "place", "status"),
    [
        ("secretary_a1", "comm_a1", 200),
        ("secretary_a1", "comm_b1", 404),
        ("secretary_a1", "sd_a", 404),  # she sees her community, not the whole subdistrict
        ("secretary_a1", "compound_a1", 200),
        ("secretary_a1", "compound_b1", 404),
        ("subdistrict_staff_a", "sd_a", 200),
        ("subdistrict_staff_a", "sd_b", 404),
        ("subdistrict_staff_a", "comm_a2", 200),
        ("subdistrict_staff_a", "comm_b1", 404),
        ("property_staff_x", "compound_b1", 200),
        ("property_staff_x", "compound_a2", 404),
        ("property_staff_x", "comm_a1", 404),
        ("resident_a1", "compound_a1", 200),
        ("resident_a1", "compound_b1", 404),
        ("district_staff", "comm_b1", 200),
        ("rider", "comm_a1", 404),
    ],
)
def test_a_place_outside_the_persons_scope_is_not_found(
    world: World, person: str, place: str, status: int
) -> None:
    obj = getattr(world, place)
    name = {"sd": "subdistrict", "comm": "community", "compound": "compound"}[place.split("_")[0]]
    response = client_for(world, person).get(reverse(f"places:{name}", args=[obj.pk]))
    assert response.status_code == status


def test_a_missing_place_is_not_found(world: World) -> None:
    response = client_for(world, "district_staff").get(reverse("places:community", args=[99999]))
    assert response.status_code == 404


def test_the_community_page_lists_compounds_grids_and_serving_units(world: World) -> None:
    url = reverse("places:community", args=[world.comm_a1.pk])
    response = client_for(world, "secretary_a1").get(url)
    context = response.context
    assert [k.name for k in context["compounds"]] == ["永安里小区"]
    assert [g.name for g in context["grids"]] == ["永安里社区第1网格"]
    assert [u.name for u in context["units"]] == [
        "安居物业公司",
        "永安里社区居委会",
        "建外街道办事处",
    ]


def test_the_compound_page_lists_buildings_and_entrances(world: World) -> None:
    building = BuildingFactory(compound=world.compound_a1, number="2号楼")
    EntranceFactory(building=building, number="1单元")
    EntranceFactory(building=building, number="2单元")
    url = reverse("places:compound", args=[world.compound_a1.pk])
    response = client_for(world, "secretary_a1").get(url)
    buildings = {
        b.number: [e.number for e in b.entrances.all()] for b in response.context["buildings"]
    }
    assert buildings == {"1号楼": ["1单元"], "2号楼": ["1单元", "2单元"]}
    assert response.context["n_entrances"] == 3


def test_the_compound_page_names_property_company_committee_and_subdistrict_office(
    world: World,
) -> None:
    url = reverse("places:compound", args=[world.compound_b1.pk])
    response = client_for(world, "property_staff_x").get(url)
    assert [u.name for u in response.context["units"]] == [
        "安居物业公司",
        "吉庆里社区居委会",
        "朝外街道办事处",
    ]


def test_the_compound_page_lists_the_grids_of_its_community(world: World) -> None:
    url = reverse("places:compound", args=[world.compound_a1.pk])
    response = client_for(world, "resident_a1").get(url)
    assert [g.code for g in response.context["grids"]] == [f"{world.comm_a1.code}001"]


def test_the_trail_links_only_the_places_the_person_may_open(world: World) -> None:
    url = reverse("places:compound", args=[world.compound_a1.pk])
    crumbs = client_for(world, "secretary_a1").get(url).context["crumbs"]
    assert [(c.name, c.url is not None) for c in crumbs] == [
        ("朝阳区", True),
        ("建外街道", False),
        ("永安里社区", True),
        ("永安里小区", False),
    ]


def test_an_htmx_drill_down_gets_only_the_panel(world: World) -> None:
    url = reverse("places:subdistrict", args=[world.sd_a.pk])
    response = client_for(world, "district_staff").get(url, headers={"HX-Request": "true"})
    html = response.content.decode()
    assert 'id="place-panel"' in html
    assert "<html" not in html
    assert 'id="place-map"' not in html


def test_a_full_page_load_gets_the_map_and_the_panel(world: World) -> None:
    url = reverse("places:subdistrict", args=[world.sd_a.pk])
    response = client_for(world, "district_staff").get(url)
    html = response.content.decode()
    assert 'id="place-map"' in html and 'id="place-panel"' in html
    assert "HX-Request" in response["Vary"]


def test_the_map_note_shows_when_the_geography_is_generated(world: World) -> None:
    Community.objects.filter(pk=world.comm_a1.pk).update(generated=True)
    url = reverse("places:subdistrict", args=[world.sd_a.pk])
    html = client_for(world, "district_staff").get(url).content.decode()
    assert '<p id="map-note" class="generated-note">示意地理数据（生成）</p>' in html


def test_the_map_note_is_hidden_when_the_geography_is_real(world: World) -> None:
    url = reverse("places:subdistrict", args=[world.sd_a.pk])
    html = client_for(world, "district_staff").get(url).content.decode()
    assert '<p id="map-note" class="generated-note" hidden>' in html


def test_the_page_loads_leaflet_from_the_project_not_a_cdn(world: World) -> None:
    html = client_for(world, "district_staff").get(reverse("places:browser")).content.decode()
    assert '<script src="/static/vendor/leaflet/leaflet.js">' in html
    assert "/static/vendor/leaflet/leaflet.css" in html
    assert "//unpkg" not in html and "//cdn" not in html


# --- Query counts: the lists must not grow a query per row ----------------------------------


def _grow(world: World, communities: int, compounds_each: int) -> None:
    for i in range(communities):
        comm = CommunityFactory(subdistrict=world.sd_a, name=f"新增{i}社区")
        for j in range(compounds_each):
            building = BuildingFactory(
                compound=CompoundFactory(community=comm, name=f"新增{i}-{j}小区")
            )
            EntranceFactory(building=building)


def test_the_district_page_takes_a_fixed_number_of_queries(
    world: World, django_assert_max_num_queries: object
) -> None:
    _grow(world, communities=5, compounds_each=2)
    client = client_for(world, "district_staff")
    with django_assert_max_num_queries(6):  # type: ignore[operator]
        assert client.get(reverse("places:browser")).status_code == 200


def test_the_subdistrict_page_takes_a_fixed_number_of_queries(
    world: World, django_assert_max_num_queries: object
) -> None:
    _grow(world, communities=5, compounds_each=2)
    client = client_for(world, "subdistrict_staff_a")
    with django_assert_max_num_queries(7):  # type: ignore[operator]
        assert client.get(reverse("places:subdistrict", args=[world.sd_a.pk])).status_code == 200


def test_the_community_page_takes_a_fixed_number_of_queries(
    world: World, django_assert_max_num_queries: object
) -> None:
    for j in range(6):
        building = BuildingFactory(compound=CompoundFactory(community=world.comm_a1, name=f"多{j}"))
        EntranceFactory(building=building)
    client = client_for(world, "secretary_a1")
    with django_assert_max_num_queries(8):  # type: ignore[operator]
        assert client.get(reverse("places:community", args=[world.comm_a1.pk])).status_code == 200


def test_the_compound_page_takes_a_fixed_number_of_queries(
    world: World, django_assert_max_num_queries: object
) -> None:
    for n in range(6):
        building = BuildingFactory(compound=world.compound_a1, number=f"{n + 10}号楼")
        for m in range(3):
            EntranceFactory(building=building, number=f"{m + 1}单元")
    client = client_for(world, "secretary_a1")
    with django_assert_max_num_queries(9):  # type: ignore[operator]
        assert (
            client.get(reverse("places:compound", args=[world.compound_a1.pk])).status_code == 200
        )


def test_a_community_workers_overview_takes_a_fixed_number_of_queries(
    world: World, django_assert_max_num_queries: object
) -> None:
    for j in range(6):
        CompoundFactory(community=world.comm_a1, name=f"多{j}")
    client = client_for(world, "secretary_a1")
    with django_assert_max_num_queries(6):  # type: ignore[operator]
        assert client.get(reverse("places:browser")).status_code == 200


# --- GeoJSON ---------------------------------------------------------------------------------


def test_the_outline_is_the_districts(world: World) -> None:
    data = client_for(world, "secretary_a1").get(reverse("places:geo_outline")).json()
    assert data["type"] == "FeatureCollection"
    [feature] = data["features"]
    assert feature["properties"]["level"] == "district"
    assert feature["geometry"]["type"] == "Polygon"


def test_the_subdistrict_areas_are_scoped(world: World) -> None:
    data = client_for(world, "subdistrict_staff_a").get(reverse("places:geo_subdistricts")).json()
    assert [f["properties"]["name"] for f in data["features"]] == ["建外街道"]


def test_the_community_areas_are_scoped(world: World) -> None:
    data = client_for(world, "secretary_a1").get(reverse("places:geo_communities")).json()
    assert [f["properties"]["name"] for f in data["features"]] == ["永安里社区"]


def test_the_community_areas_of_one_subdistrict(world: World) -> None:
    url = f"{reverse('places:geo_communities')}?subdistrict={world.sd_a.pk}"
    data = client_for(world, "district_staff").get(url).json()
    assert [f["properties"]["name"] for f in data["features"]] == ["永安里社区", "光华里社区"]


def test_asking_for_another_subdistricts_communities_gives_nothing(world: World) -> None:
    url = f"{reverse('places:geo_communities')}?subdistrict={world.sd_b.pk}"
    data = client_for(world, "secretary_a1").get(url).json()
    assert data["features"] == []


def test_the_compounds_are_scoped_and_link_to_their_pages(world: World) -> None:
    data = client_for(world, "property_staff_x").get(reverse("places:geo_compounds")).json()
    by_name = {f["properties"]["name"]: f["properties"]["url"] for f in data["features"]}
    assert by_name == {
        "永安里小区": reverse("places:compound", args=[world.compound_a1.pk]),
        "吉庆里小区": reverse("places:compound", args=[world.compound_b1.pk]),
    }


def test_a_compound_without_polygon_is_a_point(world: World) -> None:
    CompoundFactory(community=world.comm_a1, name="点小区", lng=116.33, lat=39.9)
    url = f"{reverse('places:geo_compounds')}?community={world.comm_a1.pk}"
    data = client_for(world, "secretary_a1").get(url).json()
    point = next(f for f in data["features"] if f["properties"]["name"] == "点小区")
    assert point["geometry"] == {"type": "Point", "coordinates": [116.33, 39.9]}


def test_a_malformed_filter_is_not_found(world: World) -> None:
    url = f"{reverse('places:geo_compounds')}?community=abc"
    assert client_for(world, "secretary_a1").get(url).status_code == 404


def test_geometry_goes_out_in_wgs84_by_default(world: World) -> None:
    url = f"{reverse('places:geo_compounds')}?community={world.comm_a1.pk}"
    data = client_for(world, "secretary_a1").get(url).json()
    assert data["features"][0]["properties"]["centre"] == [116.35, 39.95]


def test_geometry_goes_out_in_gcj02_for_a_gcj02_tile_server(world: World, settings: object) -> None:
    settings.GONGZHI_TILE_CRS = "gcj02"  # type: ignore[attr-defined]
    url = f"{reverse('places:geo_compounds')}?community={world.comm_a1.pk}"
    [feature] = client_for(world, "secretary_a1").get(url).json()["features"]
    lng, lat = wgs84_to_gcj02(116.35, 39.95)
    assert feature["properties"]["centre"] == [round(lng, 6), round(lat, 6)]
    # The polygon is shifted by the same transform, vertex by vertex.
    first = feature["geometry"]["coordinates"][0][0]
    area = world.compound_a1.area
    assert area is not None
    stored = area.exterior.coords[0]
    assert first == [round(c, 6) for c in wgs84_to_gcj02(*stored)]


def test_the_map_draws_no_tiles_unless_a_tile_server_is_set(world: World) -> None:
    html = client_for(world, "district_staff").get(reverse("places:browser")).content.decode()
    assert 'data-tile-url=""' in html


def test_the_map_uses_the_configured_tile_server(world: World, settings: object) -> None:
    settings.GONGZHI_TILE_URL = "http://tiles.local/{z}/{x}/{y}.png"  # type: ignore[attr-defined]
    html = client_for(world, "district_staff").get(reverse("places:browser")).content.decode()
    assert 'data-tile-url="http://tiles.local/{z}/{x}/{y}.png"' in html
