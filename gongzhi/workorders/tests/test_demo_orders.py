"""The demo's generated orders, at small scale on the test district: lifecycles the transition
table allows, deadlines from sla.py, nothing left for the deadline scan, believable rates and
seasons, and a re-run that neither duplicates nor touches orders people filed."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from typing import Any

import pytest

from gongzhi.testing import World
from gongzhi.web.demo import DemoContext, Progress
from gongzhi.workorders import rates, sla, taxonomy
from gongzhi.workorders.demo import build_orders
from gongzhi.workorders.demo.generate import PLANTED
from gongzhi.workorders.demo.lifecycle import EVENT_ACTION
from gongzhi.workorders.demo.write import SOURCE
from gongzhi.workorders.models import (
    Callback,
    EventKind,
    ExtensionRequest,
    Status,
    WhistleCall,
    WorkOrder,
    WorkOrderEvent,
)
from gongzhi.workorders.services import workorder_receive
from gongzhi.workorders.services.deadlines import deadlines_scan
from gongzhi.workorders.transitions import TABLE

NOW = dt.datetime(2025, 12, 20, 15, 30, tzinfo=sla.SHANGHAI)
ORDERS = 1200


def generate(*, now: dt.datetime = NOW, count: int = ORDERS, seed: int = 7) -> int:
    return build_orders(DemoContext(seed=seed), Progress(lambda line: None), now=now, count=count)


@pytest.fixture
def generated(world: World) -> World:
    taxonomy.seed_categories()
    taxonomy.seed_matrix()
    generate()
    return world


def _events_by_order() -> dict[int, list[Any]]:
    by_order: dict[int, list[Any]] = {}
    for event in WorkOrderEvent.objects.order_by("order_id", "at", "id"):
        by_order.setdefault(event.order_id, []).append(event)
    return by_order


def test_it_generates_about_the_orders_asked_for(generated: World) -> None:
    count = WorkOrder.objects.filter(source=SOURCE).count()
    assert abs(count - ORDERS - PLANTED) < ORDERS * 0.05


def test_the_planted_rise_is_in_one_compound_over_the_last_weeks(generated: World) -> None:
    """Cold flats at one compound in the last 16 days (NOW is in the heating season): what
    the insights demo's hotspot scan is meant to find."""
    recent = WorkOrder.objects.filter(
        category__code="heating-cold", received_at__gte=NOW - dt.timedelta(days=16)
    )
    by_compound = Counter(recent.exclude(compound=None).values_list("compound_id", flat=True))
    (_compound, most), (_other, next_most) = by_compound.most_common(2)
    assert most >= 30
    assert next_most < most / 3


def test_every_order_replays_through_the_transition_table(generated: World) -> None:
    statuses = dict(WorkOrder.objects.values_list("pk", "status"))
    problems: list[tuple[object, ...]] = []
    for order_id, events in _events_by_order().items():
        status = ""
        for event in events:
            if event.from_status != status:
                problems.append((order_id, event.kind, "from", event.from_status, status))
            action = EVENT_ACTION.get(event.kind)
            if action is None or (event.kind == EventKind.MERGED and event.to_status == status):
                # Scan marks, department report-ins and the original's side of a merge: no
                # change of status.
                if event.to_status != status:
                    problems.append((order_id, event.kind, "changed", event.to_status))
                continue
            transition = TABLE[action]
            if status not in transition.sources:
                problems.append((order_id, event.kind, "not allowed from", status))
            if event.to_status != (transition.target or status):
                problems.append((order_id, event.kind, "to", event.to_status))
            status = event.to_status
        if status != statuses[order_id]:
            problems.append((order_id, "final", status, statuses[order_id]))
    assert problems == []


def test_events_are_in_time_order_and_never_in_the_future(generated: World) -> None:
    for events in _events_by_order().values():
        times = [e.at for e in events]
        assert times == sorted(times)
        assert times[-1] <= NOW


def test_nothing_recorded_happens_after_now(generated: World) -> None:
    for field in ("contacted_at", "resolved_at", "called_back_at", "closed_at", "accepted_at"):
        assert not WorkOrder.objects.filter(**{f"{field}__gt": NOW}).exists(), field
    assert not Callback.objects.filter(at__gt=NOW).exists()
    assert not WhistleCall.objects.filter(reported_at__gt=NOW).exists()
    assert not WhistleCall.objects.filter(acted_at__gt=NOW).exists()
    assert not ExtensionRequest.objects.filter(decided_at__gt=NOW).exists()


def test_a_pending_extension_belongs_to_an_order_still_handled(generated: World) -> None:
    pending = ExtensionRequest.objects.filter(state=ExtensionRequest.State.PENDING)
    assert not pending.exclude(order__status__in=[Status.ACCEPTED, Status.CONTACTED]).exists()


def test_every_order_begins_with_its_receipt(generated: World) -> None:
    firsts = {events[0].kind for events in _events_by_order().values()}
    assert firsts == {EventKind.RECEIVED}


def test_deadlines_are_the_ones_sla_computes(generated: World) -> None:
    plain = WorkOrder.objects.filter(reopen_count=0, extended_days=0).select_related(
        "category__parent"
    )
    assert plain.exists()
    for order in plain:
        expected = sla.deadlines_for(
            start=order.received_at, category=order.category, urgency=order.urgency
        )
        assert order.contact_due_at == expected.contact_due_at
        assert order.resolve_due_at == expected.resolve_due_at
        assert order.resolve_warn_at == expected.resolve_warn_at


def test_the_deadline_scan_finds_nothing_the_generator_left_unflagged(generated: World) -> None:
    result = deadlines_scan(now=NOW - dt.timedelta(minutes=1))

    assert result.total == 0


def test_open_orders_remain_at_several_steps_with_some_overdue(generated: World) -> None:
    open_statuses = Counter(
        WorkOrder.objects.filter(
            status__in=[Status.DISPATCHED, Status.ACCEPTED, Status.CONTACTED]
        ).values_list("status", flat=True)
    )
    assert len(open_statuses) >= 2
    assert WorkOrder.objects.filter(status=Status.CLOSED).count() > ORDERS / 2
    overdue_or_near = WorkOrder.objects.filter(
        status__in=[Status.ACCEPTED, Status.CONTACTED],
        resolve_due_at__lt=NOW + dt.timedelta(days=1),
    )
    assert overdue_or_near.exists()


def test_the_rates_look_like_a_real_districts(generated: World) -> None:
    due = answered = callbacks = resolved = 0
    satisfaction_points = 0.0
    for month in range(1, 12):
        for r in rates.monthly_rates(year=2025, month=month, level="district", as_of=NOW):
            due += r.response_due
            answered += r.responded_in_time
            callbacks += r.callbacks
            resolved += r.resolved
            satisfaction_points += r.satisfied + 0.8 * r.basically
    assert 97.0 <= 100 * answered / due <= 100.0
    assert 80.0 <= 100 * resolved / callbacks <= 96.0
    assert 82.0 <= 100 * satisfaction_points / callbacks <= 97.0


def test_heating_complaints_come_in_winter(generated: World) -> None:
    heating = WorkOrder.objects.filter(category__parent__code="heating")
    winter = heating.filter(received_at__month__in=[11, 12]).count()
    summer = heating.filter(received_at__month__in=[6, 7]).count()
    assert winter > 5 * max(summer, 1)


def test_texts_are_varied_and_requesters_fake(generated: World) -> None:
    orders = WorkOrder.objects.filter(source=SOURCE)
    descriptions = list(orders.values_list("description", flat=True))
    assert len(set(descriptions)) > 0.9 * len(descriptions)
    phones = [p for p in orders.values_list("requester_phone", flat=True) if p]
    assert phones and all(p[3:7] == "0000" for p in phones)


def test_a_second_run_on_the_same_day_changes_nothing(generated: World) -> None:
    before = set(WorkOrder.objects.values_list("pk", "number"))

    generate(now=NOW + dt.timedelta(hours=1))

    assert set(WorkOrder.objects.values_list("pk", "number")) == before


def test_a_run_on_another_day_replaces_generated_orders_and_keeps_filed_ones(
    generated: World,
) -> None:
    filed = workorder_receive(
        by=generated.person("operator"),
        channel="hotline",
        kind="complaint",
        category="property-elevator",
        description="电梯坏了",
        compound=generated.compound_a1,
    )
    old = set(WorkOrder.objects.filter(source=SOURCE).values_list("pk", flat=True))

    generate(now=NOW + dt.timedelta(days=1))

    new = set(WorkOrder.objects.filter(source=SOURCE).values_list("pk", flat=True))
    assert not old & new
    assert abs(len(new) - ORDERS) < ORDERS * 0.05
    assert WorkOrder.objects.filter(pk=filed.pk).exists()


def test_numbers_of_today_leave_room_for_the_intake(generated: World) -> None:
    with_today = WorkOrder.objects.filter(number__startswith=f"{NOW:%Y%m%d}")
    before = set(with_today.values_list("number", flat=True))
    import time_machine

    with time_machine.travel(NOW + dt.timedelta(minutes=5), tick=False):
        filed = workorder_receive(
            by=generated.person("operator"),
            channel="hotline",
            kind="complaint",
            category="property-elevator",
            description="电梯坏了",
            compound=generated.compound_a1,
        )
    assert filed.number.startswith(f"{NOW:%Y%m%d}")
    assert filed.number not in before
