"""Specifications of the gazetteer: places named in free text, from the test world's registry.

The world (gongzhi/testing.py): subdistricts 建外街道 (A) and 朝外街道 (B); communities 永安里社区
and 光华里社区 in A, 吉庆里社区 in B; compounds 永安里小区, 光华里小区, 吉庆里小区, one in each.
"""

from __future__ import annotations

import pytest
from shapely.geometry import box

from gongzhi.dispatch import gazetteer as gz
from gongzhi.dispatch.gazetteer import Gazetteer, PlaceRef, best_place, find_places, fold
from gongzhi.places import locate
from gongzhi.places.models import Compound
from gongzhi.places.tests.factories import CompoundFactory
from gongzhi.testing import World

pytestmark = pytest.mark.django_db


@pytest.fixture
def twins(world: World) -> tuple[Compound, Compound]:
    """Two compounds named 幸福家园: one in community A1 (west), one in community B1 (east)."""
    west = CompoundFactory(
        community=world.comm_a1,
        name="幸福家园",
        lng=116.32,
        lat=39.85,
        area=box(116.31, 39.84, 116.33, 39.86),
        address="北京市朝阳区永安西路8号院",
    )
    east = CompoundFactory(
        community=world.comm_b1,
        name="幸福家园",
        lng=116.65,
        lat=39.85,
        area=box(116.64, 39.84, 116.66, 39.86),
        address="北京市朝阳区吉庆东路3号",
    )
    locate.invalidate()
    return west, east


def places(text: str, **point: float) -> list[tuple[str, str | None, int | None]]:
    """(matched text, level, compound or community id) of every match."""
    out = []
    for m in find_places(text, **point):
        ref = m.place
        ident = None if ref is None else ref.compound_id or ref.community_id or ref.subdistrict_id
        out.append((m.text, m.level, ident))
    return out


# --- folding and matching -----------------------------------------------------------------


def test_it_folds_full_width_traditional_and_latin_case_one_character_for_one() -> None:
    text = "ＳＯＨＯ現代城　Ａ座"

    assert fold(text) == "soho现代城 a座"
    assert len(fold(text)) == len(text)


def test_it_finds_a_compound_by_its_full_name_with_the_span_in_the_original_text(
    world: World,
) -> None:
    text = "来电人反映：永安里小区3号楼电梯停运"

    [match] = find_places(text)

    assert (match.start, match.end, match.text) == (6, 11, "永安里小区")
    assert match.place is not None and match.place.compound_id == world.compound_a1.pk
    assert (match.level, match.settled_by) == ("compound", "unique")


def test_it_prefers_the_longest_name_over_the_shorter_ones_inside_it(world: World) -> None:
    # 永安里 alone is the community's and the compound's short form; 永安里社区 is the community.
    assert places("永安里社区门口有积水") == [("永安里社区", "community", world.comm_a1.pk)]


def test_it_knows_the_short_forms_of_subdistricts_and_communities(world: World) -> None:
    found = places("建外路口，光华里附近")

    assert ("建外", "subdistrict", world.sd_a.pk) in found
    # 光华里 is community A2's short form and compound A2's: the community contains both.
    assert ("光华里", "community", world.comm_a2.pk) in found


def test_it_matches_full_width_and_traditional_spellings(world: World) -> None:
    world.compound_a1.name = "ＳＯＨＯ現代城"
    world.compound_a1.save()
    locate.invalidate()

    assert places("soho现代城停车场收费太高") == [("soho现代城", "compound", world.compound_a1.pk)]


def test_it_adds_and_drops_the_xiaoqu_suffix(twins: tuple[Compound, Compound]) -> None:
    west, _east = twins

    [match] = find_places("幸福家园小区垃圾没人清", lng=west.lng, lat=west.lat)

    assert match.text == "幸福家园小区"
    assert match.place is not None and match.place.compound_id == west.pk


def test_it_finds_a_compound_by_its_street_address(twins: tuple[Compound, Compound]) -> None:
    _west, east = twins

    [match] = find_places("吉庆东路3号院门口占道经营")

    assert match.place is not None and match.place.compound_id == east.pk
    assert match.confidence > 0.9


def test_a_road_alone_names_the_communities_it_runs_through(
    world: World, twins: tuple[Compound, Compound]
) -> None:
    [match] = find_places("永安西路上的路灯坏了")

    assert match.place is not None
    assert (match.level, match.place.community_id) == ("road", world.comm_a1.pk)
    assert match.confidence < 0.8


def test_it_ignores_the_district_and_generic_words(world: World) -> None:
    assert places("朝阳区北京市小区中心花园") == []


# --- ambiguity ------------------------------------------------------------------------------


def test_a_name_in_two_communities_is_ambiguous_without_coordinates(
    twins: tuple[Compound, Compound],
) -> None:
    west, east = twins

    [match] = find_places("幸福家园3号楼漏水")

    assert match.ambiguous and match.place is None
    assert {c.compound_id for c in match.candidates} == {west.pk, east.pk}
    assert best_place([match]) is None


def test_the_requesters_coordinates_settle_a_name_in_two_communities(
    twins: tuple[Compound, Compound],
) -> None:
    west, east = twins

    [in_east] = find_places("幸福家园3号楼漏水", lng=116.65, lat=39.85)
    [in_west] = find_places("幸福家园3号楼漏水", lng=116.32, lat=39.85)

    assert in_east.place is not None and in_east.place.compound_id == east.pk
    assert in_west.place is not None and in_west.place.compound_id == west.pk
    assert in_east.settled_by == in_west.settled_by == "coordinates"


def test_coordinates_outside_both_settle_on_the_nearest(
    world: World, twins: tuple[Compound, Compound]
) -> None:
    _west, east = twins

    # In community B1 but outside either compound: the east one is nearer.
    [match] = find_places("幸福家园3号楼漏水", lng=116.68, lat=39.90)

    assert match.place is not None and match.place.compound_id == east.pk
    assert match.settled_by == "nearest"
    assert match.confidence < 0.95


def test_another_place_in_the_same_text_settles_a_name_in_two_communities(
    world: World, twins: tuple[Compound, Compound]
) -> None:
    _west, east = twins

    found = find_places("朝外街道吉庆里社区幸福家园3号楼漏水")
    match = next(m for m in found if m.text == "幸福家园")

    assert match.place is not None and match.place.compound_id == east.pk
    assert match.settled_by == "context"
    best = best_place(found)
    assert best is not None and best.place is not None and best.place.compound_id == east.pk


def test_the_most_specific_settled_place_is_the_best(world: World) -> None:
    found = find_places("建外街道永安里小区门口")

    best = best_place(found)
    assert best is not None and best.place is not None
    assert (best.level, best.place.compound_id) == ("compound", world.compound_a1.pk)


# --- the process's gazetteer ----------------------------------------------------------------


def test_it_is_rebuilt_when_the_place_index_is(world: World) -> None:
    first = gz.gazetteer()
    assert gz.gazetteer() is first

    CompoundFactory(community=world.comm_a2, name="团结湖北里")
    locate.invalidate()

    assert gz.gazetteer() is not first
    assert places("团结湖北里小区")[0][1] == "compound"


def test_an_unchanged_registry_keeps_the_built_automaton(world: World) -> None:
    first = gz.gazetteer()
    locate.invalidate()  # as the place index's TTL does

    assert gz.gazetteer() is first


def test_it_finds_the_one_name_of_thousands_in_a_long_text() -> None:
    # A registry of a few thousand names and a 4,000-character text. How fast it runs is a
    # benchmark's business, not a test's (a busy machine must not fail the suite).
    entries = [
        (f"{chr(0x4E00 + i % 500)}{chr(0x4E00 + i // 500)}家园", _ref(i), 0.95) for i in range(3000)
    ]
    built = Gazetteer(entries)
    text = ("居民反映一家园" + "楼道灯不亮，物业不管。" * 20) * 15
    text = text[:4000] + "一丁家园"

    found = built.find(text)

    assert [m.text for m in found] == ["一丁家园"]


def _ref(i: int) -> PlaceRef:
    return PlaceRef("compound", f"小区{i}", i + 1, 1, 1)
