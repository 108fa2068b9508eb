"""The roll-ups follow single changes of an order: a redispatch, a reopening callback, a contact
deadline passing, events that commit out of id order."""

from __future__ import annotations

import datetime as dt
from typing import Any

import psycopg
import pytest
from django.db import connection

from gongzhi.insights.models import MonthlyRollup, RollupState
from gongzhi.insights.rankings import ranking
from gongzhi.insights.rollups import rollups_refresh
from gongzhi.insights.rollups.refresh import ensure_state
from gongzhi.testing import World
from gongzhi.workorders import services
from gongzhi.workorders.models import WorkOrderEvent
from gongzhi.workorders.sla import SHANGHAI
from gongzhi.workorders.tests.factories import order_in

AT = dt.datetime(2025, 10, 9, 9, tzinfo=SHANGHAI)


def test_a_redispatch_moves_the_order_to_the_new_lead_unit(world: World) -> None:
    at = AT
    order = order_in(world, "contacted", lead="property_x", at=at)
    rollups_refresh(now=at)
    month = dt.date(2025, 10, 1)
    assert [(r.key, r.counts["counted"]) for r in ranking("unit", month)] == [
        (world.units["property_x"].pk, 1)
    ]
    services.workorder_redispatch(
        order=order, by=world.person("dispatcher"), lead=world.units["so_a"], at=at
    )
    rollups_refresh(now=at)
    assert [(r.key, r.counts["counted"]) for r in ranking("unit", month)] == [
        (world.units["so_a"].pk, 1)
    ]


def test_a_reopening_callback_takes_back_the_resolved_count(world: World) -> None:
    at = AT
    order = order_in(world, "resolved", at=at)
    rollups_refresh(now=at)
    (row,) = MonthlyRollup.objects.filter(month=dt.date(2025, 10, 1))
    assert (row.resolved, row.callbacks) == (1, 0)
    services.workorder_callback(
        order=order,
        by=world.person("callback_agent"),
        resolved=False,
        satisfaction="unsatisfied",
        at=at,
    )
    rollups_refresh(now=at)
    row.refresh_from_db()
    assert (row.resolved, row.callbacks, row.callbacks_resolved, row.unsatisfied) == (0, 1, 0, 1)


def test_a_passed_contact_deadline_counts_as_due_without_any_event(world: World) -> None:
    at = AT
    order = order_in(world, "accepted", at=at)
    rollups_refresh(now=at)
    assert MonthlyRollup.objects.get().response_due == 0
    assert order.contact_due_at is not None
    rollups_refresh(now=order.contact_due_at + dt.timedelta(minutes=1))
    assert MonthlyRollup.objects.get().response_due == 1


def _hide(event: WorkOrderEvent) -> dict[str, Any]:
    """Take an event out of sight as if its transaction had not committed yet."""
    row: dict[str, Any] = dict(WorkOrderEvent.objects.filter(pk=event.pk).values().get())
    event.delete()
    return row


def test_an_event_that_commits_after_a_later_one_is_not_missed(world: World) -> None:
    order = order_in(world, "accepted", at=AT)
    rollups_refresh(now=AT)
    # The contact takes the lower id but commits after a later event on another order.
    services.workorder_contact(order=order, by=world.person("property_staff_x"), at=AT)
    contacted = _hide(WorkOrderEvent.objects.get(order=order, kind="contacted"))
    order_in(world, "received", at=AT)
    rollups_refresh(now=AT)
    assert [pk for pk, _at in RollupState.objects.get().gaps] == [contacted["id"]]
    assert MonthlyRollup.objects.get(unit__isnull=False).contacted == 0
    WorkOrderEvent.objects.create(**contacted)  # its commit
    rollups_refresh(now=AT)
    assert RollupState.objects.get().gaps == []
    assert MonthlyRollup.objects.get(unit__isnull=False).contacted == 1


def test_a_gap_is_given_up_after_the_grace_period(world: World, settings: Any) -> None:
    settings.GONGZHI_INSIGHTS_GAP_GRACE_SECONDS = 60
    order_in(world, "received", at=AT)
    rollups_refresh(now=AT)
    rolled_back = order_in(world, "received", at=AT)
    _hide(WorkOrderEvent.objects.get(order=rolled_back))
    order_in(world, "received", at=AT)
    rollups_refresh(now=AT)
    assert len(RollupState.objects.get().gaps) == 1
    rollups_refresh(now=AT + dt.timedelta(seconds=59))
    assert len(RollupState.objects.get().gaps) == 1
    rollups_refresh(now=AT + dt.timedelta(seconds=61))
    assert RollupState.objects.get().gaps == []


def test_the_rollups_start_from_nothing_on_the_first_refresh(world: World) -> None:
    at = AT
    order_in(world, "closed", at=at)
    assert not RollupState.objects.exists()
    result = rollups_refresh(now=at)
    assert result.changed == 1
    assert MonthlyRollup.objects.get().callbacks_resolved == 1


def test_a_unit_ranked_within_a_subdistrict_counts_only_its_orders_there(world: World) -> None:
    # Property X serves compound A1 (subdistrict A) and compound B1 (subdistrict B).
    order_in(world, "contacted", at=AT)
    order_in(world, "contacted", at=AT, lng=116.60, lat=39.95)
    order_in(world, "contacted", at=AT, lng=116.60, lat=39.95)
    rollups_refresh(now=AT)
    month = dt.date(2025, 10, 1)
    (everywhere,) = ranking("unit", month)
    (in_a,) = ranking("unit", month, within=world.sd_a.pk)
    assert (everywhere.counts["counted"], in_a.counts["counted"]) == (3, 1)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_refresh_returns_at_once_while_another_one_holds_the_watermark() -> None:
    ensure_state()
    config = connection.settings_dict
    other = psycopg.connect(
        dbname=config["NAME"],
        user=config.get("USER") or None,
        password=config.get("PASSWORD") or None,
        host=config.get("HOST") or None,
        port=config.get("PORT") or None,
    )
    try:
        other.execute("SELECT * FROM insights_rollupstate WHERE name = 'rollups' FOR UPDATE")
        assert rollups_refresh(now=AT).busy is True
        other.rollback()
        assert rollups_refresh(now=AT).busy is False
    finally:
        other.close()
