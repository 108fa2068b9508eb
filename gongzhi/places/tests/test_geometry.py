"""Geometry at the edges (GeoJSON in GCJ-02 or WGS-84) and the WKT geometry field."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from shapely.geometry import Point, Polygon, box

import gongzhi.places
from gongzhi.places.coords import distance_m
from gongzhi.places.geometry import geojson_of, read_geojson, to_gcj02, to_wgs84
from gongzhi.places.models import Compound, grid_code_for
from gongzhi.places.tests.factories import CompoundFactory

OUTLINE = Path(gongzhi.places.__file__).parent / "data" / "chaoyang-outline-gcj02.geojson"
GUOMAO_WGS84 = Point(116.4615, 39.9129)
TIANANMEN_WGS84 = Point(116.3975, 39.9087)  # in Dongcheng, west of Chaoyang


def test_the_carried_outline_is_a_valid_area_around_guomao_and_not_tiananmen() -> None:
    outline = read_geojson(OUTLINE, "gcj02")
    assert outline.is_valid
    assert outline.contains(GUOMAO_WGS84)
    assert not outline.contains(TIANANMEN_WGS84)
    # Chaoyang covers about 470 km²; a degree² here is about 85.3 × 111.2 km².
    assert 400 < outline.area * 85.3 * 111.2 < 550


def test_reading_gcj02_moves_the_outline_south_west_by_a_few_hundred_metres() -> None:
    as_gcj02 = read_geojson(OUTLINE, "wgs84")  # the same numbers, taken as they are
    as_wgs84 = read_geojson(OUTLINE, "gcj02")
    a, b = as_gcj02.centroid, as_wgs84.centroid
    assert 300 < distance_m(a.x, a.y, b.x, b.y) < 800
    assert b.x < a.x and b.y < a.y


def test_a_polygon_survives_a_round_trip_through_gcj02() -> None:
    square = box(116.45, 39.90, 116.47, 39.92)
    back = to_wgs84(to_gcj02(square), "gcj02")
    assert back.equals_exact(square, tolerance=1e-6)


def test_wgs84_input_is_taken_as_it_is() -> None:
    square = box(116.45, 39.90, 116.47, 39.92)
    assert to_wgs84(square, "wgs84") is square


def test_a_feature_collection_is_read_as_the_union_of_its_features(tmp_path: Path) -> None:
    path = tmp_path / "two.geojson"
    features = [
        {"type": "Feature", "properties": {}, "geometry": box(0, 0, 1, 1).__geo_interface__},
        {"type": "Feature", "properties": {}, "geometry": box(1, 0, 2, 1).__geo_interface__},
    ]
    path.write_text(json.dumps({"type": "FeatureCollection", "features": features}))
    union = read_geojson(path, "wgs84")
    assert isinstance(union, Polygon)
    assert union.area == pytest.approx(2.0)


def test_geojson_output_is_rounded_to_six_decimals() -> None:
    mapping = geojson_of(Point(116.123456789, 39.987654321))
    assert mapping == {"type": "Point", "coordinates": [116.123457, 39.987654]}


@pytest.mark.django_db
def test_the_geometry_field_stores_and_reloads_a_polygon() -> None:
    area = box(116.45, 39.90, 116.4612345, 39.9187654)
    compound = CompoundFactory.create(area=area)
    reloaded = Compound.objects.get(pk=compound.pk).area
    assert reloaded is not None
    assert reloaded.equals_exact(area, tolerance=1e-7)


@pytest.mark.django_db
def test_the_geometry_field_keeps_an_empty_area_as_none() -> None:
    compound = CompoundFactory.create(area=None)
    assert Compound.objects.get(pk=compound.pk).area is None


def test_a_grid_code_is_the_community_code_and_a_three_digit_number() -> None:
    assert grid_code_for("110105015044", 7) == "110105015044007"


@pytest.mark.parametrize("number", [0, 1000])
def test_a_grid_number_outside_1_to_999_is_refused(number: int) -> None:
    with pytest.raises(ValueError, match=r"1\.\.999"):
        grid_code_for("110105015044", number)
