"""Dispatch and handling: from the dispatcher to the lead unit and back to the requester."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from gongzhi.accounts.models import Person, Unit
from gongzhi.dispatch.feedback import feedback_on_dispatch
from gongzhi.notifications.services import Notice, notify, notify_all
from gongzhi.workorders import sla
from gongzhi.workorders.errors import (
    InvalidInput,
    TransitionNotAllowed,
)
from gongzhi.workorders.matrix import matrix_resolve
from gongzhi.workorders.models import (
    Assignment,
    Category,
    EventKind,
    Status,
    UnitRole,
    WorkOrder,
)
from gongzhi.workorders.services.guard import begin, hotline_units, lock, now_or, record
from gongzhi.workorders.transitions import Action, check

_UNDISPATCHABLE = frozenset({Unit.Kind.HOTLINE_CENTRE})


def _fmt(value: dt.datetime | None) -> str:
    return f"{value.astimezone(sla.SHANGHAI):%Y-%m-%d %H:%M}" if value else ""


def check_units(lead: Unit, assisting: Iterable[Unit]) -> list[Unit]:
    if not lead.is_active or lead.kind in _UNDISPATCHABLE:
        raise InvalidInput(_("不能派至该单位"), field="lead")
    unique: dict[int, Unit] = {}
    for unit in assisting:
        if unit.pk == lead.pk:
            continue
        if not unit.is_active or unit.kind in _UNDISPATCHABLE:
            raise InvalidInput(_("不能派至该协办单位"), field="assisting")
        unique.setdefault(unit.pk, unit)
    return list(unique.values())


def _release(order: WorkOrder, at: dt.datetime) -> None:
    order.assignments.filter(released_at__isnull=True).update(
        released_at=at, state=Assignment.State.RELEASED
    )


def assignments_for(
    order: WorkOrder, *, lead: Unit, helpers: Iterable[Unit], at: dt.datetime
) -> list[Assignment]:
    """The assignment rows of a dispatch (lead first), not yet written."""
    return [Assignment(order=order, unit=lead, role=UnitRole.LEAD, assigned_at=at)] + [
        Assignment(order=order, unit=u, role=UnitRole.ASSIST, assigned_at=at) for u in helpers
    ]


def dispatch_notices(order: WorkOrder, *, lead: Unit, helpers: list[Unit]) -> list[Notice]:
    """What a dispatch tells the lead unit and the assisting units."""
    params = {
        "category": order.category.name,
        "contact_due": _fmt(order.contact_due_at),
        "resolve_due": _fmt(order.resolve_due_at),
    }
    notices = [Notice([lead], "dispatched", params)]
    if helpers:
        notices.append(Notice(helpers, "assisting", params))
    return notices


def dispatch_data(lead: Unit, helpers: list[Unit], data: dict[str, Any] | None) -> dict[str, Any]:
    """What a dispatch event records."""
    return {"lead": lead.code, "assisting": [u.code for u in helpers], **(data or {})}


def dispatch_to(
    order: WorkOrder,
    *,
    lead: Unit,
    assisting: Iterable[Unit],
    by: Person | None,
    unit_id: int | None,
    kind: str,
    at: dt.datetime,
    note: str = "",
    data: dict[str, Any] | None = None,
) -> WorkOrder:
    """Give a locked order to a lead unit and assisting units. Internal: the callers check the
    transition and the person. (Intake writes a new order already dispatched, with the same
    rows: services/intake.py.)"""
    helpers = check_units(lead, assisting)
    from_status = order.status
    if order.lead_unit_id is not None:  # a new or returned order has no live assignment
        _release(order, at)
    Assignment.objects.bulk_create(assignments_for(order, lead=lead, helpers=helpers, at=at))
    order.lead_unit = lead
    order.status = Status.DISPATCHED
    order.accepted_at = None
    if order.dispatched_at is None:
        order.dispatched_at = at
    order.save(update_fields=["lead_unit", "status", "accepted_at", "dispatched_at", "updated_at"])
    record(
        order,
        kind,
        at=at,
        by=by,
        unit_id=unit_id,
        from_status=from_status,
        to_status=Status.DISPATCHED,
        note=note,
        data=dispatch_data(lead, helpers, data),
    )
    notify_all(dispatch_notices(order, lead=lead, helpers=helpers), order=order)
    return order


def _recategorise(order: WorkOrder, category: Category | str | None) -> dict[str, Any]:
    """The dispatcher's correction of a locked order's category, before any unit has accepted
    it: priority and deadlines follow the new category (still counted from receipt). Returns
    what the dispatch event records about it (nothing when the category stays)."""
    if category is None:
        return {}
    from gongzhi.workorders.services.intake import category_for

    new = category_for(category)
    if new.pk == order.category_id:
        return {}
    if order.accepted_at is not None:
        raise TransitionNotAllowed(_("已签收的工单不能更改类别"), order=order.number)
    old = order.category
    deadlines = sla.deadlines_for(start=order.received_at, category=new, urgency=order.urgency)
    order.category = new
    order.priority = sla.priority_for(new, order.urgency)
    order.contact_due_at = deadlines.contact_due_at
    order.contact_warn_at = deadlines.contact_warn_at
    order.resolve_due_at = deadlines.resolve_due_at
    order.resolve_warn_at = deadlines.resolve_warn_at
    order.deadline_provisional = deadlines.provisional
    order.save(
        update_fields=[
            "category",
            "priority",
            "contact_due_at",
            "contact_warn_at",
            "resolve_due_at",
            "resolve_warn_at",
            "deadline_provisional",
            "updated_at",
        ]
    )
    return {"category": {"from": old.code, "to": new.code}}


@transaction.atomic
def workorder_dispatch(
    *,
    order: WorkOrder,
    by: Person,
    lead: Unit,
    assisting: Iterable[Unit] = (),
    note: str = "",
    category: Category | str | None = None,
    at: dt.datetime | None = None,
) -> WorkOrder:
    """Dispatch a received order to its lead unit (首接负责: that unit leads it from now on)
    and assisting units, under `category` if the dispatcher corrects it. Dispatcher only. Locks
    the order; notifies the units after commit. A correction of the order's suggestion (another
    category or lead unit) is kept as training feedback (gongzhi.dispatch.feedback)."""
    order, grant, _target = begin(order, Action.DISPATCH, by)
    now = now_or(at)
    changed = _recategorise(order, category)
    order = dispatch_to(
        order,
        lead=lead,
        assisting=assisting,
        by=by,
        unit_id=grant.unit_id,
        kind=EventKind.DISPATCHED,
        at=now,
        note=note,
        data=changed,
    )
    feedback_on_dispatch(order=order, by=by, at=now)
    return order


@transaction.atomic
def workorder_auto_dispatch(*, order: WorkOrder, at: dt.datetime | None = None) -> WorkOrder | None:
    """Dispatch by the responsibility matrix. Returns the dispatched order, or None when the
    order is no longer waiting (not `received`) or the matrix cannot place it — then it stays
    on the dispatcher's desk. Safe to run twice."""
    order = lock(order)
    if order.status != Status.RECEIVED:
        return None
    suggestion = matrix_resolve(order)
    if suggestion is None:
        return None
    check(order, Action.AUTO_DISPATCH)
    return dispatch_to(
        order,
        lead=suggestion.lead,
        assisting=suggestion.assisting,
        by=None,
        unit_id=None,
        kind=EventKind.AUTO_DISPATCHED,
        at=now_or(at),
        data={"rule": suggestion.rule.pk, "reason": suggestion.reason},
    )


@transaction.atomic
def workorder_redispatch(
    *,
    order: WorkOrder,
    by: Person,
    lead: Unit,
    assisting: Iterable[Unit] = (),
    note: str = "",
    category: Category | str | None = None,
    at: dt.datetime | None = None,
) -> WorkOrder:
    """Give the order to another lead unit (after a return, or the dispatcher's correction),
    under `category` if the dispatcher corrects it (only before a unit has accepted the order).
    The old assignments are released, the deadlines kept (they run from receipt). A correction
    of the order's suggestion is kept as training feedback."""
    order, grant, _target = begin(order, Action.REDISPATCH, by)
    previous = order.lead_unit.code if order.lead_unit_id else None  # type: ignore[union-attr]
    now = now_or(at)
    changed = _recategorise(order, category)
    order = dispatch_to(
        order,
        lead=lead,
        assisting=assisting,
        by=by,
        unit_id=grant.unit_id,
        kind=EventKind.REDISPATCHED,
        at=now,
        note=note,
        data={"previous_lead": previous, **changed},
    )
    feedback_on_dispatch(order=order, by=by, at=now)
    return order


@transaction.atomic
def workorder_accept(*, order: WorkOrder, by: Person, at: dt.datetime | None = None) -> WorkOrder:
    """The lead unit signs for the order (签收). From now on it may not return it."""
    order, grant, target = begin(order, Action.ACCEPT, by)
    now = now_or(at)
    from_status = order.status
    order.status = target
    order.accepted_at = now
    order.save(update_fields=["status", "accepted_at", "updated_at"])
    order.assignments.filter(released_at__isnull=True, role=UnitRole.LEAD).update(
        state=Assignment.State.ACCEPTED
    )
    record(
        order,
        EventKind.ACCEPTED,
        at=now,
        by=by,
        unit_id=grant.unit_id,
        from_status=from_status,
        to_status=target,
    )
    return order


@transaction.atomic
def workorder_contact(
    *, order: WorkOrder, by: Person, note: str = "", at: dt.datetime | None = None
) -> WorkOrder:
    """The lead unit has contacted the requester (响应). The first contact is what the response
    rate measures (contacted_at, kept across reopening and re-dispatch)."""
    order, grant, target = begin(order, Action.CONTACT, by)
    now = now_or(at)
    from_status = order.status
    first = order.contacted_at is None
    if first:
        order.contacted_at = now
    order.status = target
    order.save(update_fields=["status", "contacted_at", "updated_at"])
    within = order.contact_due_at is None or now <= order.contact_due_at
    record(
        order,
        EventKind.CONTACTED,
        at=now,
        by=by,
        unit_id=grant.unit_id,
        from_status=from_status,
        to_status=target,
        note=note,
        data={"first": first, "within_limit": within, "round": order.reopen_count},
    )
    return order


@transaction.atomic
def workorder_return(
    *, order: WorkOrder, by: Person, reason: str, at: dt.datetime | None = None
) -> WorkOrder:
    """Send a mis-dispatched order back to the dispatcher with a reason (退单). Allowed to the
    lead unit only before it accepts the order (首接负责). Locks the order row."""
    order, grant, target = begin(order, Action.RETURN, by)
    reason = (reason or "").strip()
    if not reason:
        raise InvalidInput(_("请填写退单理由"), field="reason")
    now = now_or(at)
    from_status = order.status
    returned_by = order.lead_unit
    _release(order, now)
    order.status = target
    order.lead_unit = None
    order.save(update_fields=["status", "lead_unit", "updated_at"])
    record(
        order,
        EventKind.RETURNED,
        at=now,
        by=by,
        unit_id=grant.unit_id,
        from_status=from_status,
        to_status=target,
        note=reason,
        data={"unit": returned_by.code if returned_by else None},
    )
    notify(recipients=hotline_units(), event="returned", order=order, params={"reason": reason})
    return order


@transaction.atomic
def workorder_assist_done(
    *, order: WorkOrder, by: Person, note: str, at: dt.datetime | None = None
) -> Assignment:
    """An assisting unit (协办) reports its part done, with what it did. Its staff only, while
    the order is handled; the lead unit still resolves the order. Once per assignment."""
    order, grant, _target = begin(order, Action.ASSIST_DONE, by)
    note = (note or "").strip()
    if not note:
        raise InvalidInput(_("请填写协办情况"), field="note")
    assert grant.unit_id is not None  # an assist grant always names the assisting unit
    assignment = (
        order.assignments.select_for_update()
        .filter(released_at__isnull=True, role=UnitRole.ASSIST, unit_id=grant.unit_id)
        .get()
    )
    if assignment.state == Assignment.State.DONE:
        raise TransitionNotAllowed(_("本单位已报告协办完成"), order=order.number)
    now = now_or(at)
    assignment.state = Assignment.State.DONE
    assignment.save(update_fields=["state"])
    record(
        order,
        EventKind.ASSIST_DONE,
        at=now,
        by=by,
        unit_id=grant.unit_id,
        from_status=order.status,
        note=note,
    )
    return assignment


@transaction.atomic
def workorder_resolve(
    *, order: WorkOrder, by: Person, feedback: str, at: dt.datetime | None = None
) -> WorkOrder:
    """The lead unit has handled the matter and tells the requester how (办结). The requester
    is told by SMS and the callback desk is told a callback is due, after commit."""
    order, grant, target = begin(order, Action.RESOLVE, by)
    feedback = (feedback or "").strip()
    if not feedback:
        raise InvalidInput(_("请填写办理结果"), field="feedback")
    now = now_or(at)
    from_status = order.status
    order.status = target
    order.resolved_at = now
    order.feedback = feedback
    order.save(update_fields=["status", "resolved_at", "feedback", "updated_at"])
    order.assignments.filter(released_at__isnull=True, role=UnitRole.LEAD).update(
        state=Assignment.State.DONE
    )
    within = order.resolve_due_at is None or now <= order.resolve_due_at
    record(
        order,
        EventKind.RESOLVED,
        at=now,
        by=by,
        unit_id=grant.unit_id,
        from_status=from_status,
        to_status=target,
        note=feedback,
        data={"within_limit": within, "round": order.reopen_count},
    )
    notify(
        recipients=[order.requester_phone],
        event="resolved",
        order=order,
        params={"feedback": feedback[:60]},
    )
    notify(recipients=hotline_units(), event="callback_due", order=order)
    return order
