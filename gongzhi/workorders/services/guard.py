"""The shared first and last steps of every service: lock the order, check the person and the
transition, and append the event. Nothing here is called from outside the services package."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from gongzhi.accounts.models import Person, Unit
from gongzhi.workorders import rules
from gongzhi.workorders.errors import NotPermitted
from gongzhi.workorders.models import WorkOrder, WorkOrderEvent
from gongzhi.workorders.transitions import Action, check


def now_or(at: dt.datetime | None) -> dt.datetime:
    if at is not None and timezone.is_naive(at):
        raise ValueError("naive datetime given to a service; pass an aware one")
    return at or timezone.now()


def lock(order: WorkOrder) -> WorkOrder:
    """The order re-read from the database with its row locked until the transaction ends."""
    return WorkOrder.objects.select_for_update().get(pk=order.pk)


def begin(
    order: WorkOrder, action: Action, by: Person | None
) -> tuple[WorkOrder, rules.Grant, str]:
    """Lock the order, then check the status against the transition table
    (TransitionNotAllowed) and the person against rules.py (NotPermitted). Returns the locked
    order, the grant and the target status."""
    locked = lock(order)
    target = check(locked, action)
    grant = rules.grant_for(by, action, locked)
    if grant is None:
        raise NotPermitted(action=str(action), order=locked.number)
    return locked, grant, target


def event(
    order: WorkOrder,
    kind: str,
    *,
    at: dt.datetime,
    by: Person | None = None,
    unit_id: int | None = None,
    from_status: str = "",
    to_status: str = "",
    note: str = "",
    data: dict[str, Any] | None = None,
) -> WorkOrderEvent:
    """One event, not yet written (see record and record_all)."""
    return WorkOrderEvent(
        order=order,
        at=at,
        kind=kind,
        actor=by,
        actor_unit_id=unit_id,
        from_status=from_status,
        to_status=to_status or from_status,
        note=note,
        data=data or {},
    )


def record(order: WorkOrder, kind: str, **fields: Any) -> WorkOrderEvent:
    """Append one event (the arguments of `event`). With record_all, the only way events are
    written."""
    row = event(order, kind, **fields)
    row.save(force_insert=True)
    return row


def record_all(events: list[WorkOrderEvent]) -> list[WorkOrderEvent]:
    """Append several events of one step in one INSERT, in the order given."""
    return WorkOrderEvent.objects.bulk_create(events)


def hotline_units() -> list[Unit]:
    """The hotline centre units: where returns, extension requests and callbacks are seen."""
    return list(Unit.objects.filter(kind=Unit.Kind.HOTLINE_CENTRE, is_active=True))
