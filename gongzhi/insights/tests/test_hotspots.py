"""The hotspot scan (未诉先办): a rise far above a place's own seasonal norm is found, with its
evidence; the rise every place sees each winter is not."""

from __future__ import annotations

import datetime as dt

import pytest

from gongzhi.insights.hotspots.models import Hotspot, HotspotScan, Level
from gongzhi.insights.hotspots.scan import hotspots_scan
from gongzhi.insights.hotspots.selectors import hotspot_orders
from gongzhi.insights.tests.seasons import Seasons
from gongzhi.testing import World
from gongzhi.workorders.sla import SHANGHAI

NOVEMBER = dt.date(2025, 11, 1)
SCANNED = dt.datetime(2025, 12, 1, 2, tzinfo=SHANGHAI)


@pytest.fixture
def planted(world: World) -> Seasons:
    """Two winters of heating complaints everywhere; in November 2025 one compound (the
    fourth) gets four times its usual November."""
    seasons = Seasons(world)
    seasons.factor[(seasons.compounds[3].pk, NOVEMBER)] = 4.0
    seasons.build()
    return seasons


def _flagged(month: dt.date) -> set[tuple[str, int, str]]:
    return {
        (h.level, h.place_key, h.category.code)
        for h in Hotspot.objects.filter(period_start=month, flagged=True).select_related("category")
    }


def test_it_finds_a_planted_rise_in_one_compound(planted: Seasons) -> None:
    hotspots_scan(day=NOVEMBER, now=SCANNED)
    assert (Level.COMPOUND, planted.compounds[3].pk, "heating-cold") in _flagged(NOVEMBER)


def test_it_does_not_flag_the_winter_rise_every_compound_sees(planted: Seasons) -> None:
    result = hotspots_scan(day=NOVEMBER, now=SCANNED)
    # Every compound's heating count jumps from October to November; only the planted one is
    # above its own November norm (its community is not reported again).
    october = dt.date(2025, 10, 1)
    risen = [
        c
        for c in planted.compounds
        if planted.written[(c.pk, NOVEMBER)] > 3 * max(planted.written[(c.pk, october)], 1)
    ]
    assert len(risen) >= 5
    assert _flagged(NOVEMBER) == {(Level.COMPOUND, planted.compounds[3].pk, "heating-cold")}
    assert result.tested > len(planted.compounds)


def test_a_compound_whose_every_november_is_high_is_not_flagged(world: World) -> None:
    seasons = Seasons(world)
    own = seasons.compounds[5]
    for year in (2023, 2024, 2025):
        seasons.factor[(own.pk, dt.date(year, 11, 1))] = 6.0
    seasons.build()
    hotspots_scan(day=NOVEMBER, now=SCANNED)
    assert not any(place == own.pk for _level, place, _code in _flagged(NOVEMBER))


def test_the_hotspot_keeps_the_evidence_that_raised_it(planted: Seasons) -> None:
    hotspots_scan(day=NOVEMBER, now=SCANNED)
    compound = planted.compounds[3]
    h = Hotspot.objects.get(level=Level.COMPOUND, place_key=compound.pk)
    assert h.observed == planted.written[(compound.pk, NOVEMBER)]
    assert h.limit <= h.observed
    assert h.expected < h.limit
    assert h.p_value <= h.evidence["alpha_cell"]
    assert h.evidence["same_months"][:2] == ["2024-11", "2023-11"]
    assert "2025-10" in h.evidence["baseline_months"]
    assert h.evidence["series"]["2024-11"] == planted.written[(compound.pk, dt.date(2024, 11, 1))]
    assert (h.community_id, h.subdistrict_id) == (
        compound.community_id,
        compound.community.subdistrict_id,
    )


def test_the_contributing_orders_are_the_hotspot_count(planted: Seasons) -> None:
    hotspots_scan(day=NOVEMBER, now=SCANNED)
    h = Hotspot.objects.get(level=Level.COMPOUND, place_key=planted.compounds[3].pk)
    orders = hotspot_orders(h)
    assert orders.count() == h.observed
    assert {o.compound_id for o in orders} == {planted.compounds[3].pk}


def test_a_rescan_updates_the_same_hotspot(planted: Seasons) -> None:
    first = hotspots_scan(day=NOVEMBER, now=SCANNED)
    again = hotspots_scan(day=NOVEMBER, now=SCANNED + dt.timedelta(hours=1))
    assert (first.new, again.new) == (1, 0)
    assert Hotspot.objects.count() == 1
    assert HotspotScan.objects.count() == 2


def test_a_week_window_finds_the_rise_within_the_month(world: World) -> None:
    seasons = Seasons(world)
    # 24 extra complaints, all in the first days of November (Seasons spreads the i-th order
    # of a month over days 1, 8, 15, 22, 2, … so the extras land in every week; the week of
    # 3 November holds a quarter of them).
    seasons.extra[(seasons.compounds[2].pk, NOVEMBER)] = 40
    seasons.build()
    result = hotspots_scan(window="week", day=dt.date(2025, 11, 3), now=SCANNED)
    assert (Level.COMPOUND, seasons.compounds[2].pk) in {
        (h.level, h.place_key) for h in result.hotspots
    }


def test_a_category_without_enough_history_is_skipped(world: World) -> None:
    seasons = Seasons(world, first=dt.date(2025, 8, 1))
    seasons.build()
    result = hotspots_scan(day=NOVEMBER, now=SCANNED)
    assert seasons.heating is not None
    assert seasons.heating.pk in result.skipped_categories
    assert result.hotspots == []


def test_a_district_without_orders_has_no_hotspots(world: World) -> None:
    result = hotspots_scan(day=NOVEMBER, now=SCANNED)
    assert (result.tested, result.hotspots, result.skipped_categories) == (0, [], [])
    assert result.scan is not None and result.scan.flagged == 0


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_outside_a_transaction_the_two_levels_are_read_side_by_side(world: World) -> None:
    from django.db import connection

    seasons = Seasons(world)
    seasons.factor[(seasons.compounds[3].pk, NOVEMBER)] = 4.0
    seasons.build()
    assert not connection.in_atomic_block  # the scan reads the community level on a thread
    hotspots_scan(day=NOVEMBER, now=SCANNED)
    assert _flagged(NOVEMBER) == {(Level.COMPOUND, seasons.compounds[3].pk, "heating-cold")}
