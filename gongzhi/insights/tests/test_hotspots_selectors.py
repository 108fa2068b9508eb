"""Who sees which hotspots and clusters, and what the pages' selectors cost."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from gongzhi.insights.hotspots.models import Hotspot, Level, SignalStatus, Window
from gongzhi.insights.hotspots.selectors import (
    hotspot_counts_by_community,
    hotspot_detail,
    hotspot_list,
)
from gongzhi.places.models import Compound
from gongzhi.testing import World
from gongzhi.workorders.models import Category
from gongzhi.workorders.sla import SHANGHAI
from gongzhi.workorders.taxonomy import seed_categories

NOVEMBER = dt.date(2025, 11, 1)
AT = dt.datetime(2025, 12, 1, 2, tzinfo=SHANGHAI)


def _hotspot(compound: Compound, p: float, code: str = "heating-cold", **kw: Any) -> Hotspot:
    return Hotspot.objects.create(
        level=Level.COMPOUND,
        window=Window.MONTH,
        period_start=NOVEMBER,
        period_end=dt.date(2025, 12, 1),
        place_key=compound.pk,
        subdistrict_id=compound.community.subdistrict_id,
        community=compound.community,
        compound=compound,
        category=Category.objects.get(code=code),
        observed=20,
        expected=5.0,
        limit=12,
        z=5.0,
        p_value=p,
        first_flagged_at=AT,
        scanned_at=AT,
        **kw,
    )


@pytest.fixture
def hotspots(world: World) -> dict[str, Hotspot]:
    seed_categories()
    return {
        "a1": _hotspot(world.compound_a1, 1e-9),
        "a2": _hotspot(world.compound_a2, 1e-7),
        "b1": _hotspot(world.compound_b1, 1e-8),
        # Fell back below its limit at the last scan and nobody acted on it.
        "fallen": _hotspot(world.compound_b1, 1e-3, "heating-leak", flagged=False),
    }


@pytest.mark.parametrize(
    ("person", "sees"),
    [
        ("district_staff", ["a1", "b1", "a2"]),
        ("subdistrict_staff_a", ["a1", "a2"]),
        ("secretary_a1", ["a1"]),
        ("secretary_b1", ["b1"]),
        ("property_staff_x", ["a1", "b1"]),
        ("resident_a1", []),
        ("rider", []),
    ],
)
def test_each_role_sees_the_hotspots_of_its_places_strongest_first(
    world: World, hotspots: dict[str, Hotspot], person: str, sees: list[str]
) -> None:
    listed = list(hotspot_list(world.person(person), period_start=NOVEMBER))
    assert listed == [hotspots[k] for k in sees]


def test_a_fallen_hotspot_stays_listed_once_acted_on(
    world: World, hotspots: dict[str, Hotspot]
) -> None:
    fallen = hotspots["fallen"]
    assert fallen not in hotspot_list(world.person("district_staff"))
    Hotspot.objects.filter(pk=fallen.pk).update(status=SignalStatus.DISMISSED)
    assert fallen in hotspot_list(world.person("district_staff"))


def test_a_hotspot_out_of_scope_is_not_found(world: World, hotspots: dict[str, Hotspot]) -> None:
    assert hotspot_detail(world.person("secretary_b1"), hotspots["a1"].pk) is None
    assert hotspot_detail(world.person("secretary_a1"), hotspots["a1"].pk) == hotspots["a1"]


def test_the_map_counts_hotspots_per_community(world: World, hotspots: dict[str, Hotspot]) -> None:
    counts = hotspot_counts_by_community(world.person("district_staff"), period_start=NOVEMBER)
    assert counts == {world.comm_a1.pk: 1, world.comm_a2.pk: 1, world.comm_b1.pk: 1}


def test_the_list_takes_a_fixed_number_of_queries(
    world: World, hotspots: dict[str, Hotspot], django_assert_num_queries: Any
) -> None:
    person = world.person("subdistrict_staff_a")
    list(hotspot_list(person))  # the person's scope, cached on the person
    with django_assert_num_queries(1):
        rows = list(hotspot_list(person))
        assert [(h.place_name, h.category.name, h.subdistrict.name) for h in rows]
