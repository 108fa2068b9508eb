"""A hotspot becomes a proactive work order or a deliberation proposal through the other
domains' services; the link is kept both ways, and nothing is half-written when a domain
refuses."""

from __future__ import annotations

import datetime as dt

import pytest

from gongzhi.deliberation.errors import NotPermitted as DeliberationNotPermitted
from gongzhi.deliberation.models import Origin, Proposal
from gongzhi.insights import services
from gongzhi.insights.hotspots.errors import AlreadyActed, Dismissed, NotPermitted
from gongzhi.insights.hotspots.models import Hotspot, Level, SignalEvent, SignalStatus, Window
from gongzhi.testing import World
from gongzhi.workorders.errors import CategoryNotFound
from gongzhi.workorders.models import Category, Channel, Status, WorkOrder
from gongzhi.workorders.sla import SHANGHAI
from gongzhi.workorders.taxonomy import seed_categories
from gongzhi.workorders.tests.factories import WorkOrderFactory

AT = dt.datetime(2025, 12, 1, 10, tzinfo=SHANGHAI)
NOVEMBER = dt.date(2025, 11, 1)


@pytest.fixture
def hotspot(world: World) -> Hotspot:
    """A compound hotspot of heating complaints at compound A1 in November 2025, with its
    twelve orders (and two others that are not its own: another compound, another month)."""
    seed_categories()
    heating = Category.objects.get(code="heating-cold")
    compound, community = world.compound_a1, world.comm_a1
    for i in range(12):
        WorkOrderFactory(
            category=heating,
            compound=compound,
            community=community,
            subdistrict=world.sd_a,
            received_at=dt.datetime(2025, 11, 1 + i, 9, tzinfo=SHANGHAI),
            description=f"{i + 1}号楼暖气不热",
        )
    WorkOrderFactory(
        category=heating,
        compound=world.compound_a2,
        community=world.comm_a2,
        subdistrict=world.sd_a,
        received_at=dt.datetime(2025, 11, 5, 9, tzinfo=SHANGHAI),
    )
    WorkOrderFactory(
        category=heating,
        compound=compound,
        community=community,
        subdistrict=world.sd_a,
        received_at=dt.datetime(2025, 10, 30, 9, tzinfo=SHANGHAI),
    )
    return Hotspot.objects.create(
        level=Level.COMPOUND,
        window=Window.MONTH,
        period_start=NOVEMBER,
        period_end=dt.date(2025, 12, 1),
        place_key=compound.pk,
        subdistrict=world.sd_a,
        community=community,
        compound=compound,
        category=heating,
        observed=12,
        expected=3.2,
        limit=9,
        z=4.9,
        p_value=1e-6,
        evidence={},
        first_flagged_at=AT,
        scanned_at=AT,
    )


def test_a_hotspot_becomes_a_proactive_order_linked_both_ways(
    world: World, hotspot: Hotspot
) -> None:
    order = services.hotspot_to_proactive_order(
        hotspot=hotspot, by=world.person("secretary_a1"), auto_dispatch=False, at=AT
    )
    hotspot.refresh_from_db()
    assert (order.channel, order.status) == (Channel.PROACTIVE, Status.RECEIVED)
    assert (order.compound_id, order.category_id) == (hotspot.compound_id, hotspot.category_id)
    assert (hotspot.work_order_id, hotspot.status) == (order.pk, SignalStatus.ACTED)
    assert list(order.hotspots.all()) == [hotspot]  # type: ignore[attr-defined, unused-ignore]
    event = SignalEvent.objects.get(hotspot=hotspot)
    assert (event.kind, event.data["order"], len(event.data["orders"])) == (
        "ordered",
        order.number,
        12,
    )


def test_a_hotspot_becomes_a_proposal_with_its_orders(world: World, hotspot: Hotspot) -> None:
    proposal = services.hotspot_to_proposal(hotspot=hotspot, by=world.person("secretary_a1"), at=AT)
    hotspot.refresh_from_db()
    assert (proposal.origin, proposal.compound_id) == (Origin.HOTSPOT, hotspot.compound_id)
    assert proposal.work_orders.count() == 12
    assert hotspot.proposal_id == proposal.pk
    assert list(proposal.hotspots.all()) == [hotspot]  # type: ignore[attr-defined, unused-ignore]


def test_nothing_is_written_when_deliberation_refuses(world: World, hotspot: Hotspot) -> None:
    # The property company sees its compound's hotspot, but only the community's or the
    # subdistrict's staff may put a hotspot forward for deliberation.
    with pytest.raises(DeliberationNotPermitted):
        services.hotspot_to_proposal(hotspot=hotspot, by=world.person("property_staff_x"), at=AT)
    hotspot.refresh_from_db()
    assert (hotspot.proposal_id, hotspot.status) == (None, SignalStatus.OPEN)
    assert not Proposal.objects.exists()
    assert not SignalEvent.objects.exists()


def test_nothing_is_written_when_the_intake_refuses(world: World, hotspot: Hotspot) -> None:
    Category.objects.filter(pk=hotspot.category_id).update(is_active=False)
    before = WorkOrder.objects.count()
    with pytest.raises(CategoryNotFound):
        services.hotspot_to_proactive_order(
            hotspot=Hotspot.objects.get(pk=hotspot.pk), by=world.person("secretary_a1"), at=AT
        )
    hotspot.refresh_from_db()
    assert (hotspot.work_order_id, hotspot.status) == (None, SignalStatus.OPEN)
    assert WorkOrder.objects.count() == before
    assert not SignalEvent.objects.exists()


def test_it_refuses_a_second_order_for_the_same_hotspot(world: World, hotspot: Hotspot) -> None:
    by = world.person("secretary_a1")
    services.hotspot_to_proactive_order(hotspot=hotspot, by=by, auto_dispatch=False, at=AT)
    before = WorkOrder.objects.count()
    with pytest.raises(AlreadyActed):
        services.hotspot_to_proactive_order(hotspot=hotspot, by=by, at=AT)
    assert WorkOrder.objects.count() == before


def test_an_order_and_then_a_proposal_may_both_come_from_one_hotspot(
    world: World, hotspot: Hotspot
) -> None:
    by = world.person("secretary_a1")
    order = services.hotspot_to_proactive_order(hotspot=hotspot, by=by, auto_dispatch=False, at=AT)
    proposal = services.hotspot_to_proposal(hotspot=hotspot, by=by, at=AT)
    hotspot.refresh_from_db()
    assert (hotspot.work_order_id, hotspot.proposal_id) == (order.pk, proposal.pk)
    assert [e.kind for e in SignalEvent.objects.filter(hotspot=hotspot)] == ["ordered", "proposed"]


def test_staff_of_another_community_may_not_act(world: World, hotspot: Hotspot) -> None:
    with pytest.raises(NotPermitted):
        services.hotspot_to_proactive_order(hotspot=hotspot, by=world.person("secretary_b1"), at=AT)
    with pytest.raises(NotPermitted):
        services.hotspot_dismiss(
            hotspot=hotspot, by=world.person("resident_a1"), reason="无", at=AT
        )


def test_a_dismissed_hotspot_does_not_become_an_order(world: World, hotspot: Hotspot) -> None:
    by = world.person("subdistrict_staff_a")
    services.hotspot_dismiss(hotspot=hotspot, by=by, reason="供热管网检修，已公告", at=AT)
    with pytest.raises(Dismissed):
        services.hotspot_to_proactive_order(hotspot=hotspot, by=by, at=AT)
    hotspot.refresh_from_db()
    assert (hotspot.status, hotspot.note) == (SignalStatus.DISMISSED, "供热管网检修，已公告")
