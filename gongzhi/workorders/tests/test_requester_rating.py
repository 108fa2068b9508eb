"""The requester rates their own resolved order online (workorder_requester_rate): the rating
is the callback of its round, proven by the phone on the order."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.db import IntegrityError, transaction

from gongzhi.notifications.models import Notification
from gongzhi.testing import World
from gongzhi.workorders import rates, services
from gongzhi.workorders.errors import NotFound, TransitionNotAllowed
from gongzhi.workorders.models import Callback, EventKind, Status, WorkOrder
from gongzhi.workorders.selectors import callback_desk
from gongzhi.workorders.sla import SHANGHAI
from gongzhi.workorders.tests.factories import order_in

PHONE = "13912341234"  # the requester's phone in the factories
RESOLVED_AT = dt.datetime(2026, 3, 2, 10, 0, tzinfo=SHANGHAI)
RATED_AT = dt.datetime(2026, 3, 4, 18, 30, tzinfo=SHANGHAI)


def rate(order: WorkOrder, *, phone: str = PHONE, resolved: bool = True, **kw: object) -> WorkOrder:
    values: dict[str, object] = {"satisfaction": "satisfied", "note": "", "at": RATED_AT}
    values.update(kw)
    return services.workorder_requester_rate(
        order=order,
        phone=phone,
        resolved=resolved,
        **values,  # type: ignore[arg-type]
    )


@pytest.fixture
def resolved(world: World) -> WorkOrder:
    return order_in(world, Status.RESOLVED, at=RESOLVED_AT)


def test_the_rating_is_the_callback_of_the_round(resolved: WorkOrder) -> None:
    order = rate(resolved, satisfaction="basically", note="修好了，就是慢了点")

    callback = order.callbacks.get()
    assert order.status == Status.CALLED_BACK
    assert (callback.channel, callback.by, callback.round) == ("requester", None, 0)
    assert (callback.reached, callback.resolved, callback.satisfaction) == (
        True,
        True,
        "basically",
    )
    assert (order.called_back_at, order.satisfaction) == (RATED_AT, "basically")


def test_the_rating_appends_a_callback_event_without_a_person(resolved: WorkOrder) -> None:
    order = rate(resolved, note="谢谢")

    event = order.events.latest("id")
    assert (event.kind, event.actor, event.actor_unit) == (EventKind.CALLBACK, None, None)
    assert (event.from_status, event.to_status, event.note) == (
        Status.RESOLVED,
        Status.CALLED_BACK,
        "谢谢",
    )
    assert event.data["channel"] == "requester"


def test_a_round_is_rated_once(resolved: WorkOrder) -> None:
    rate(resolved)

    with pytest.raises(TransitionNotAllowed):
        rate(resolved, satisfaction="unsatisfied")
    assert Callback.objects.count() == 1


def test_the_database_keeps_one_requester_rating_per_round(resolved: WorkOrder) -> None:
    rate(resolved)

    with pytest.raises(IntegrityError), transaction.atomic():
        Callback.objects.create(
            order=resolved, at=RATED_AT, channel="requester", round=0, reached=True
        )


def test_a_wrong_phone_is_refused_as_if_there_were_no_such_order(resolved: WorkOrder) -> None:
    with pytest.raises(NotFound) as refused:
        rate(resolved, phone="13000000000")

    assert refused.value.code == "not_found"
    resolved.refresh_from_db()
    assert resolved.status == Status.RESOLVED
    assert not resolved.callbacks.exists()


def test_a_wrong_phone_learns_nothing_about_the_status(world: World) -> None:
    # The phone is checked before the status: the same error whatever state the order is in.
    order = order_in(world, Status.CONTACTED)

    with pytest.raises(NotFound):
        rate(order, phone="13000000000")


def test_the_phone_is_compared_normalised(resolved: WorkOrder) -> None:
    order = rate(resolved, phone="+86 139-1234 1234")

    assert order.status == Status.CALLED_BACK


@pytest.mark.parametrize("status", [Status.CONTACTED, Status.CALLED_BACK, Status.CLOSED])
def test_only_a_resolved_order_may_be_rated(world: World, status: str) -> None:
    order = order_in(world, status)

    with pytest.raises(TransitionNotAllowed):
        rate(order)
    assert not order.callbacks.filter(channel="requester").exists()


def test_an_unreached_agent_call_still_lets_the_requester_rate(
    world: World, resolved: WorkOrder
) -> None:
    services.workorder_callback(
        order=resolved,
        by=world.person("callback_agent"),
        reached=False,
        note="无人接听",
        at=RESOLVED_AT + dt.timedelta(days=1),
    )

    order = rate(resolved)

    assert order.status == Status.CALLED_BACK
    assert list(order.callbacks.values_list("channel", "reached")) == [
        ("agent", False),
        ("requester", True),
    ]


def test_not_resolved_reopens_the_order_with_a_new_deadline(resolved: WorkOrder) -> None:
    order = rate(resolved, resolved=False, satisfaction="unsatisfied", note="电梯还是坏的")

    assert (order.status, order.reopen_count, order.resolved_at) == (Status.ACCEPTED, 1, None)
    # 7 working days after Wed 4 March 2026.
    assert order.resolve_due_at == dt.datetime(2026, 3, 13, 23, 59, 59, tzinfo=SHANGHAI)
    assert list(order.events.values_list("kind", flat=True))[-2:] == [
        EventKind.CALLBACK,
        EventKind.REOPENED,
    ]
    assert order.events.latest("id").data["auto"] is True


def test_a_new_round_may_be_rated_after_reopening(world: World, resolved: WorkOrder) -> None:
    staff = world.person("property_staff_x")
    order = rate(resolved, resolved=False, satisfaction="unsatisfied")
    order = services.workorder_contact(order=order, by=staff, note="再次联系", at=RATED_AT)
    order = services.workorder_resolve(order=order, by=staff, feedback="更换主板", at=RATED_AT)

    order = rate(order, at=RATED_AT + dt.timedelta(days=1))

    assert order.status == Status.CALLED_BACK
    assert list(order.callbacks.values_list("round", "resolved")) == [(0, False), (1, True)]


def test_the_callback_desk_no_longer_lists_a_rated_order(resolved: WorkOrder) -> None:
    assert resolved in callback_desk()

    rate(resolved)

    assert resolved not in callback_desk()


def test_the_callback_agent_may_not_call_back_a_rated_order(
    world: World, resolved: WorkOrder
) -> None:
    rate(resolved)

    with pytest.raises(TransitionNotAllowed):
        services.workorder_callback(
            order=resolved,
            by=world.person("callback_agent"),
            resolved=True,
            satisfaction="satisfied",
        )


def test_the_lead_unit_is_told_what_the_requester_said(world: World, resolved: WorkOrder) -> None:
    rate(resolved, satisfaction="basically", note="态度很好")

    told = Notification.objects.get(event="requester_rated")
    assert told.recipient_unit == world.units["property_x"]
    assert told.order_id == resolved.pk
    assert "基本满意" in told.body and "态度很好" in told.body


def test_a_refused_rating_tells_nobody(resolved: WorkOrder) -> None:
    with pytest.raises(NotFound):
        rate(resolved, phone="13000000000")

    assert not Notification.objects.filter(event="requester_rated").exists()


def _district() -> rates.Rates:
    found = rates.rates_for(
        year=2026, month=3, level="district", as_of=RATED_AT + dt.timedelta(days=1)
    )
    assert found is not None
    return found


def test_a_satisfied_rating_counts_in_the_resolution_and_satisfaction_rates(
    resolved: WorkOrder,
) -> None:
    before = _district()

    rate(resolved, satisfaction="satisfied")

    after = _district()
    assert (before.callbacks, before.resolution_rate, before.satisfaction_rate) == (0, None, None)
    assert (after.callbacks, after.resolution_rate, after.satisfaction_rate) == (1, 100.0, 100.0)


def test_an_unresolved_rating_counts_against_both_rates(resolved: WorkOrder) -> None:
    rate(resolved, resolved=False, satisfaction="unsatisfied")

    after = _district()
    assert (after.callbacks, after.resolved, after.unsatisfied) == (1, 0, 1)
    assert (after.resolution_rate, after.satisfaction_rate) == (0.0, 0.0)


@time_machine.travel(RATED_AT, tick=False)
def test_an_agents_callback_in_the_next_round_replaces_the_rating_in_the_rates(
    world: World, resolved: WorkOrder
) -> None:
    # The valid callback is the latest reached one, whoever gave it.
    staff = world.person("property_staff_x")
    order = rate(resolved, resolved=False, satisfaction="unsatisfied", at=None)
    order = services.workorder_contact(order=order, by=staff, note="再次联系")
    order = services.workorder_resolve(order=order, by=staff, feedback="已修复")
    services.workorder_callback(
        order=order, by=world.person("callback_agent"), resolved=True, satisfaction="satisfied"
    )

    after = _district()
    assert (after.callbacks, after.resolved, after.satisfied) == (1, 1, 1)
