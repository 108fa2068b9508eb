"""GCJ-02 ↔ WGS-84 at the edges, and distances."""

from __future__ import annotations

import pytest

from gongzhi.places.coords import distance_m, gcj02_to_wgs84, wgs84_to_gcj02

# A spread of points over mainland China, Chaoyang included.
CHINA = [
    (116.404, 39.915),  # Tiananmen
    (116.4615, 39.9129),  # Guomao, Chaoyang
    (116.5190, 39.8650),  # Futou, Chaoyang
    (121.4737, 31.2304),  # Shanghai
    (113.2644, 23.1291),  # Guangzhou
    (87.6168, 43.8256),  # Urumqi
    (126.5349, 45.8038),  # Harbin
    (91.1409, 29.6456),  # Lhasa
]
OUTSIDE = [
    (2.3522, 48.8566),  # Paris
    (-74.0060, 40.7128),  # New York
    (151.2093, -33.8688),  # Sydney
    (139.0, 60.0),  # north of the GCJ-02 box
]


@pytest.mark.parametrize(("lng", "lat"), CHINA)
def test_wgs84_survives_a_round_trip_through_gcj02(lng: float, lat: float) -> None:
    back = gcj02_to_wgs84(*wgs84_to_gcj02(lng, lat))
    assert back == pytest.approx((lng, lat), abs=1e-6)


@pytest.mark.parametrize(("lng", "lat"), CHINA)
def test_gcj02_survives_a_round_trip_through_wgs84(lng: float, lat: float) -> None:
    back = wgs84_to_gcj02(*gcj02_to_wgs84(lng, lat))
    assert back == pytest.approx((lng, lat), abs=1e-6)


def test_it_matches_the_published_forward_transform_at_tiananmen() -> None:
    # The reference value of the widely used open-source implementation of the formula.
    assert wgs84_to_gcj02(116.404, 39.915) == pytest.approx(
        (116.41024449916938, 39.91640428150164), abs=1e-9
    )


@pytest.mark.parametrize(("lng", "lat"), CHINA[:3])
def test_it_shifts_beijing_by_a_few_hundred_metres(lng: float, lat: float) -> None:
    shifted = wgs84_to_gcj02(lng, lat)
    assert 300 < distance_m(lng, lat, *shifted) < 800
    # GCJ-02 lies to the east and north of WGS-84 around Beijing.
    assert shifted[0] > lng
    assert shifted[1] > lat


@pytest.mark.parametrize(("lng", "lat"), OUTSIDE)
def test_it_leaves_points_outside_china_unchanged(lng: float, lat: float) -> None:
    assert wgs84_to_gcj02(lng, lat) == (lng, lat)
    assert gcj02_to_wgs84(lng, lat) == (lng, lat)


def test_distance_is_zero_for_the_same_point() -> None:
    assert distance_m(116.4, 39.9, 116.4, 39.9) == 0


def test_distance_of_one_degree_of_latitude_is_about_111_km() -> None:
    assert distance_m(116.4, 39.0, 116.4, 40.0) == pytest.approx(111_195, rel=1e-3)
