"""locate(lng, lat): which compound, community and subdistrict contain a point."""

from __future__ import annotations

import random
from collections.abc import Iterator

import pytest
from shapely.geometry import Point, box
from shapely.geometry.base import BaseGeometry

from gongzhi.places import locate as locate_module
from gongzhi.places.locate import Located, PlaceIndex, invalidate, locate
from gongzhi.places.models import Compound
from gongzhi.places.tests.factories import CompoundFactory
from gongzhi.testing import World

# Points in the test world (see gongzhi/testing.py): compound A1 is the box
# 116.34–116.36 × 39.94–39.96 inside community A1 (116.30–116.40); community A2 spans
# 116.40–116.50 with compound A2 at 116.44–116.46 × 39.94–39.96.
IN_COMPOUND_A1 = (116.35, 39.95)
IN_COMMUNITY_A2_ONLY = (116.42, 39.85)
OUTSIDE_THE_DISTRICT = (116.80, 39.95)


def test_a_point_in_a_compound_gives_the_compound_its_community_and_subdistrict(
    world: World,
) -> None:
    assert locate(*IN_COMPOUND_A1) == Located(
        compound_id=world.compound_a1.pk,
        community_id=world.comm_a1.pk,
        subdistrict_id=world.sd_a.pk,
        in_district=True,
    )


def test_a_point_outside_every_compound_gives_only_the_community(world: World) -> None:
    assert locate(*IN_COMMUNITY_A2_ONLY) == Located(
        compound_id=None,
        community_id=world.comm_a2.pk,
        subdistrict_id=world.sd_a.pk,
        in_district=True,
    )


def test_a_point_outside_the_district_is_not_in_the_district(world: World) -> None:
    assert locate(*OUTSIDE_THE_DISTRICT) == Located(
        compound_id=None, community_id=None, subdistrict_id=None, in_district=False
    )


def test_an_empty_registry_locates_nothing(db: None) -> None:
    invalidate()
    assert locate(*IN_COMPOUND_A1) == Located(None, None, None, in_district=False)


def test_new_geometry_shows_only_after_invalidate(world: World) -> None:
    assert locate(*IN_COMMUNITY_A2_ONLY).compound_id is None  # builds and caches the index
    new = CompoundFactory.create(
        community=world.comm_a2, name="新建小区", area=box(116.41, 39.84, 116.43, 39.86)
    )
    assert locate(*IN_COMMUNITY_A2_ONLY).compound_id is None  # still the cached index
    invalidate()
    assert locate(*IN_COMMUNITY_A2_ONLY).compound_id == new.pk


# --- The spatial index ----------------------------------------------------------------------

COLUMNS, ROWS = 100, 50
SIDE = 0.0015  # about 130 m by 170 m, with gaps between neighbours


def many_compounds(world: World) -> list[Compound]:
    """5,000 small square compounds in a grid over community B1 (116.50–116.70 × 39.80–40.10)."""
    step_x = 0.2 / COLUMNS
    step_y = 0.3 / ROWS
    compounds = [
        Compound(
            community=world.comm_b1,
            name=f"生成小区{col:03d}-{row:03d}",
            kind=Compound.Kind.COMMERCIAL,
            area=box(
                116.50 + col * step_x,
                39.80 + row * step_y,
                116.50 + col * step_x + SIDE,
                39.80 + row * step_y + SIDE,
            ),
        )
        for col in range(COLUMNS)
        for row in range(ROWS)
    ]
    return Compound.objects.bulk_create(compounds, batch_size=1000)


def area_of(compound: Compound) -> BaseGeometry:
    assert compound.area is not None
    return compound.area


@pytest.fixture
def crowded(world: World) -> Iterator[tuple[World, PlaceIndex, list[Compound]]]:
    compounds = many_compounds(world)
    invalidate()
    yield world, locate_module.place_index(), compounds
    invalidate()  # the rows go with the test's transaction; the cached index must go too


def test_the_index_holds_every_compound(
    crowded: tuple[World, PlaceIndex, list[Compound]],
) -> None:
    _, index, _ = crowded
    assert len(index.compounds.geoms) == COLUMNS * ROWS + 3


def test_a_lookup_tests_only_a_few_candidate_polygons_out_of_5000(
    crowded: tuple[World, PlaceIndex, list[Compound]],
) -> None:
    _, index, compounds = crowded
    assert index.compounds.tree is not None
    for compound in random.Random(7).sample(compounds, 50):
        centre = area_of(compound).centroid
        # What the tree hands to the point-in-polygon test: bounding-box candidates only.
        candidates = index.compounds.tree.query(centre)
        assert 1 <= len(candidates) <= 4
        assert index.locate(centre.x, centre.y).compound_id == compound.pk


def test_the_index_agrees_with_a_scan_of_every_polygon(
    crowded: tuple[World, PlaceIndex, list[Compound]],
) -> None:
    world, index, compounds = crowded
    rng = random.Random(11)
    hits = 0
    for _ in range(300):
        point = Point(rng.uniform(116.50, 116.70), rng.uniform(39.80, 40.10))
        by_scan = [c.pk for c in compounds if area_of(c).intersects(point)]
        found = index.locate(point.x, point.y)
        assert found.compound_id == (by_scan[0] if by_scan else None)
        assert found.community_id == world.comm_b1.pk
        hits += bool(by_scan)
    assert 20 < hits < 280  # both inside and outside compounds were tried
