"""The demo's place registry, built once for this module at full scale (about 10 s on SQLite).

The build runs inside a transaction that is rolled back when the module is done, so other
modules see the usual empty database.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Iterator
from typing import Any, TypeVar

import pytest
import shapely
from django.db import transaction
from shapely.geometry import Point

from gongzhi.places import locate
from gongzhi.places.demo import OUTLINE_FILE
from gongzhi.places.geometry import read_geojson
from gongzhi.places.models import (
    Building,
    Community,
    Compound,
    District,
    Entrance,
    Grid,
    Subdistrict,
)
from gongzhi.web.demo import DemoContext, Progress, demo_build

pytestmark = pytest.mark.django_db

T = TypeVar("T")


def present(value: T | None) -> T:
    """The value, which must be there (generated geometry is never missing)."""
    assert value is not None
    return value


MODELS = (District, Subdistrict, Community, Compound, Building, Entrance, Grid)


def _fingerprint() -> dict[str, tuple[int, str]]:
    """Per model: the row count and a digest of every row's values, in primary-key order."""
    prints = {}
    for model in MODELS:
        digest = hashlib.sha256()
        rows = model.objects.order_by("pk").values_list()
        for row in rows.iterator(chunk_size=5000):
            digest.update(repr(row).encode())
        prints[model.__name__] = (model.objects.count(), digest.hexdigest())
    return prints


@pytest.fixture(scope="module")
def demo(django_db_setup: Any, django_db_blocker: Any) -> Iterator[dict[str, Any]]:
    lines: list[str] = []
    with django_db_blocker.unblock(), transaction.atomic():
        ctx = demo_build(ctx=DemoContext(), progress=Progress(lines.append))
        before = _fingerprint()
        demo_build(ctx=DemoContext(), progress=Progress(lines.append))
        after = _fingerprint()
        yield {"ctx": ctx, "before": before, "after": after, "lines": lines}
        transaction.set_rollback(True)
    locate.invalidate()


def test_it_loads_the_official_division_list(demo: dict[str, Any]) -> None:
    assert Subdistrict.objects.count() == 43
    assert Community.objects.count() == 768
    assert Community.objects.get(name="华贸中心社区").subdistrict.name == "八里庄街道"


def test_it_generates_1504_compounds_in_the_district_proportions(demo: dict[str, Any]) -> None:
    kinds = Counter(Compound.objects.values_list("kind", flat=True))
    assert kinds == {
        "commercial": 836,
        "affordable": 158,
        "reformed": 155,
        "resettlement": 82,
        "mixed": 60,
        "other": 213,
    }


def test_villages_get_only_a_few_resettlement_compounds(demo: dict[str, Any]) -> None:
    in_villages = Compound.objects.filter(community__kind=Community.Kind.VILLAGE)
    assert in_villages.count() <= 15
    assert set(in_villages.values_list("kind", flat=True)) <= {"resettlement"}


def test_every_residents_community_has_a_compound(demo: dict[str, Any]) -> None:
    empty = Community.objects.exclude(kind=Community.Kind.VILLAGE).filter(compounds=None)
    assert list(empty) == []


def test_the_outline_is_converted_from_gcj02_to_wgs84(demo: dict[str, Any]) -> None:
    stored = present(District.objects.get().outline).centroid
    as_published = read_geojson(OUTLINE_FILE, "wgs84").centroid  # GCJ-02 read unconverted
    # In Beijing, GCJ-02 lies roughly 600 m east and 150 m north of WGS-84.
    assert 0.004 < as_published.x - stored.x < 0.009
    assert 0.0005 < as_published.y - stored.y < 0.003


def test_every_compound_lies_inside_its_community_and_the_district(demo: dict[str, Any]) -> None:
    outline = present(District.objects.get().outline)
    shapely.prepare(outline)
    areas: dict[int, Any] = dict(Community.objects.values_list("id", "area"))
    outside = [
        k.code
        for k in Compound.objects.all()
        if not (
            present(k.area).within(areas[k.community_id])
            and Point(k.lng, k.lat).within(k.area)
            and outline.contains(k.area)
        )
    ]
    assert outside == []


def test_compounds_do_not_overlap(demo: dict[str, Any]) -> None:
    areas = list(Compound.objects.values_list("area", flat=True))
    tree = shapely.STRtree(areas)
    pairs = tree.query(areas, predicate="overlaps")
    assert pairs.shape[1] == 0


def test_every_community_lies_inside_its_subdistrict(demo: dict[str, Any]) -> None:
    areas: dict[int, Any] = dict(Subdistrict.objects.values_list("id", "area"))
    spill = [
        c.code
        for c in Community.objects.all()
        if present(c.area).difference(areas[c.subdistrict_id]).area > 1e-9
        or not present(c.area).contains(Point(c.lng, c.lat))
    ]
    assert spill == []


def test_subdistricts_cover_the_district(demo: dict[str, Any]) -> None:
    outline = present(District.objects.get().outline)
    union = shapely.union_all(list(Subdistrict.objects.values_list("area", flat=True)))
    assert union.symmetric_difference(outline).area < outline.area * 1e-6


def test_generated_geography_is_flagged(demo: dict[str, Any]) -> None:
    for model in (Subdistrict, Community, Compound, Grid):
        assert not model.objects.filter(generated=False).exists(), model.__name__


def test_compound_names_are_unique_in_the_district(demo: dict[str, Any]) -> None:
    names = list(Compound.objects.values_list("name", flat=True))
    assert len(set(names)) == len(names)


def test_every_compound_has_buildings_whose_homes_add_up(demo: dict[str, Any]) -> None:
    homes: dict[int, int] = Counter()
    count: dict[int, int] = Counter()
    for compound_id, households in Building.objects.values_list("compound_id", "households"):
        homes[compound_id] += households
        count[compound_id] += 1
    wrong = [
        k.code
        for k in Compound.objects.all()
        if not 4 <= count[k.pk] <= 20 or homes[k.pk] != k.households
    ]
    assert wrong == []


def test_every_building_has_entrances_whose_homes_add_up(demo: dict[str, Any]) -> None:
    homes: dict[int, int] = Counter()
    for building_id, households in Entrance.objects.values_list("building_id", "households"):
        homes[building_id] += households
    wrong = [
        b.pk
        for b in Building.objects.all()
        if homes[b.pk] != b.households or not b.number.endswith("号楼")
    ]
    assert wrong == []


def test_buildings_stand_inside_their_compound(demo: dict[str, Any]) -> None:
    areas: dict[int, Any] = dict(Compound.objects.values_list("id", "area"))
    outside = [
        b.pk
        for b in Building.objects.all()
        if not areas[b.compound_id].contains(Point(b.lng, b.lat))
    ]
    assert outside == []


def test_grid_codes_are_15_digits_under_their_community_code(demo: dict[str, Any]) -> None:
    codes = dict(Community.objects.values_list("id", "code"))
    wrong = [
        g.code
        for g in Grid.objects.all()
        if not (len(g.code) == 15 and g.code.isdigit() and g.code.startswith(codes[g.community_id]))
    ]
    assert wrong == []


def test_grids_cover_each_community(demo: dict[str, Any]) -> None:
    # Up to 1e-4 of the area may differ: stored coordinates are rounded to 7 decimals (1 cm).
    grids: dict[int, list[Any]] = {}
    for community_id, area in Grid.objects.values_list("community_id", "area"):
        grids.setdefault(community_id, []).append(area)
    uncovered = [
        c.code
        for c in Community.objects.all()
        if shapely.union_all(grids.get(c.pk, [])).symmetric_difference(c.area).area
        > present(c.area).area * 1e-4
    ]
    assert uncovered == []


def test_locate_finds_each_compound_from_its_point(demo: dict[str, Any]) -> None:
    locate.invalidate()
    missed = [
        k.code
        for k in Compound.objects.all()
        if locate.locate(present(k.lng), present(k.lat)).compound_id != k.pk
    ]
    assert missed == []


def test_a_second_run_changes_nothing(demo: dict[str, Any]) -> None:
    assert demo["after"] == demo["before"]


def test_it_reports_each_step_with_counts_and_seconds(demo: dict[str, Any]) -> None:
    compound_line = next(line for line in demo["lines"] if "小区 1,504" in line)
    assert compound_line.rstrip().endswith(" s")
