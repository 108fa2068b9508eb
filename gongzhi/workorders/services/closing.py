"""After resolution: the callback (回访) by an agent or by the requester's own rating online,
closing, and reopening (重办)."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils.translation import gettext as _

from gongzhi.accounts.models import Person
from gongzhi.notifications.services import notify
from gongzhi.workorders import sla
from gongzhi.workorders.errors import InvalidInput, NotFound
from gongzhi.workorders.models import (
    Assignment,
    Callback,
    EventKind,
    Satisfaction,
    UnitRole,
    WorkOrder,
)
from gongzhi.workorders.privacy import same_phone
from gongzhi.workorders.rules import Grant
from gongzhi.workorders.services.guard import begin, lock, now_or, record
from gongzhi.workorders.transitions import Action, check


@transaction.atomic
def workorder_callback(
    *,
    order: WorkOrder,
    by: Person,
    resolved: bool | None = None,
    satisfaction: str = "",
    note: str = "",
    reached: bool = True,
    close: bool = False,
    at: dt.datetime | None = None,
) -> WorkOrder:
    """Record a callback to the requester (回访). Callback agent only.

    Not reached (`reached=False`): an attempt is recorded and the order stays resolved.
    Reached: `resolved` and `satisfaction` (satisfied / basically / unsatisfied) are required;
    the order becomes called_back. If the requester says it is not resolved, the order is
    reopened at once (重办: back to the lead unit, new resolution deadline, reopen_count + 1).
    With `close=True` a resolved callback also closes the order in the same transaction.
    """
    now = now_or(at)
    if not reached:
        order, grant, _target = begin(order, Action.CALLBACK_UNREACHED, by)
        callback = Callback.objects.create(
            order=order, at=now, by=by, round=order.reopen_count, reached=False, note=note
        )
        record(
            order,
            EventKind.CALLBACK_UNREACHED,
            at=now,
            by=by,
            unit_id=grant.unit_id,
            from_status=order.status,
            note=note,
            data={"callback": callback.pk},
        )
        return order

    if resolved is None:
        raise InvalidInput(_("请选择是否已解决"), field="resolved")
    if satisfaction not in Satisfaction.values:
        raise InvalidInput(_("请选择满意度"), field="satisfaction")
    order, grant, target = begin(order, Action.CALLBACK, by)
    from_status = order.status
    callback = Callback.objects.create(
        order=order,
        at=now,
        by=by,
        round=order.reopen_count,
        reached=True,
        resolved=resolved,
        satisfaction=satisfaction,
        note=note,
    )
    order.status = target
    order.called_back_at = now
    order.satisfaction = satisfaction
    order.save(update_fields=["status", "called_back_at", "satisfaction", "updated_at"])
    record(
        order,
        EventKind.CALLBACK,
        at=now,
        by=by,
        unit_id=grant.unit_id,
        from_status=from_status,
        to_status=target,
        note=note,
        data={
            "callback": callback.pk,
            "resolved": resolved,
            "satisfaction": satisfaction,
            "round": callback.round,
        },
    )
    if not resolved:
        return _reopen(order, by=by, grant=grant, reason=_("回访未解决"), at=now, auto=True)
    if close:
        return _close(order, by=by, grant=grant, note="", at=now)
    return order


def _close(order: WorkOrder, *, by: Person, grant: Grant, note: str, at: dt.datetime) -> WorkOrder:
    target = check(order, Action.CLOSE)
    from_status = order.status
    order.status = target
    order.closed_at = at
    order.save(update_fields=["status", "closed_at", "updated_at"])
    record(
        order,
        EventKind.CLOSED,
        at=at,
        by=by,
        unit_id=grant.unit_id,
        from_status=from_status,
        to_status=target,
        note=note,
    )
    return order


@transaction.atomic
def workorder_close(
    *, order: WorkOrder, by: Person, note: str = "", at: dt.datetime | None = None
) -> WorkOrder:
    """Close a resolved or called-back order (结案). Callback agent or dispatcher."""
    order, grant, _target = begin(order, Action.CLOSE, by)
    return _close(order, by=by, grant=grant, note=note, at=now_or(at))


def _reopen(
    order: WorkOrder, *, by: Person | None, grant: Grant, reason: str, at: dt.datetime, auto: bool
) -> WorkOrder:
    target = check(order, Action.REOPEN)
    from_status = order.status
    due = sla.resolve_deadline_for(start=at, category=order.category, urgency=order.urgency)
    order.status = target
    order.reopen_count += 1
    order.resolved_at = None
    order.closed_at = None
    order.resolve_due_at = due.at
    order.resolve_warn_at = sla.warn_time(at, due.at, sla.resolve_warning_lead())
    order.resolve_warned_at = None
    order.resolve_overdue_at = None
    order.overdue = False
    order.deadline_provisional = order.deadline_provisional or due.provisional
    order.save(
        update_fields=[
            "status",
            "reopen_count",
            "resolved_at",
            "closed_at",
            "resolve_due_at",
            "resolve_warn_at",
            "resolve_warned_at",
            "resolve_overdue_at",
            "overdue",
            "deadline_provisional",
            "updated_at",
        ]
    )
    order.assignments.filter(released_at__isnull=True, role=UnitRole.LEAD).update(
        state=Assignment.State.ACCEPTED
    )
    record(
        order,
        EventKind.REOPENED,
        at=at,
        by=by,
        unit_id=grant.unit_id,
        from_status=from_status,
        to_status=target,
        note=reason,
        data={"round": order.reopen_count, "resolve_due": due.at.isoformat(), "auto": auto},
    )
    notify(
        recipients=[order.lead_unit],
        event="reopened",
        order=order,
        params={"resolve_due": f"{due.at.astimezone(sla.SHANGHAI):%Y-%m-%d %H:%M}"},
    )
    return order


@transaction.atomic
def workorder_reopen(
    *, order: WorkOrder, by: Person, reason: str, at: dt.datetime | None = None
) -> WorkOrder:
    """Send a called-back or closed order back to its lead unit (重办) with a new resolution
    deadline counted from now; reopen_count + 1. Callback agent or dispatcher."""
    order, grant, _target = begin(order, Action.REOPEN, by)
    reason = (reason or "").strip()
    if not reason:
        raise InvalidInput(_("请填写重办原因"), field="reason")
    if order.lead_unit_id is None:
        raise InvalidInput(_("工单没有主办单位"), field="order")
    return _reopen(order, by=by, grant=grant, reason=reason, at=now_or(at), auto=False)


# The grant of a requester's rating: no role and no unit; the proof is the phone on the order.
REQUESTER = Grant("requester", None)


@transaction.atomic
def workorder_requester_rate(
    *,
    order: WorkOrder,
    phone: str,
    resolved: bool,
    satisfaction: str,
    note: str = "",
    at: dt.datetime | None = None,
) -> WorkOrder:
    """The requester rates their resolved order online (issue 3: "follows it by number and
    phone, then rates it"). Locks the order row.

    The rating IS the callback of this round: a Callback row with channel "requester" and no
    person, counted as a valid callback in the three rates exactly like an agent's, and the
    order becomes called_back, so the callback desk no longer lists it. Not resolved: the
    order is reopened at once (重办), as after an agent's callback.

    - Proof: `phone` must be the requester's phone on the order (compared normalised). A
      wrong phone raises NotFound, the same error as an unknown number, so that nothing is
      revealed about the order; it is checked before the status for the same reason.
    - Once per resolved round: only from `resolved` (TransitionNotAllowed otherwise: already
      rated, already called back by an agent, closed, or not resolved yet). An agent's call
      that did not reach the requester leaves the order resolved, so the requester may still
      rate; after a reopen and a new resolution, a new round may be rated. A unique
      constraint (one requester rating per order and round) backs the row lock.
    - The lead unit is told (notifications are stored with the transaction and sent after
      it commits).
    """
    now = now_or(at)
    locked = lock(order)
    if not same_phone(phone, locked.requester_phone):
        raise NotFound(number=locked.number)
    target = check(locked, Action.REQUESTER_RATE)
    if satisfaction not in Satisfaction.values:
        raise InvalidInput(_("请选择满意度"), field="satisfaction")
    note = (note or "").strip()
    from_status = locked.status
    callback = Callback.objects.create(
        order=locked,
        at=now,
        channel=Callback.Channel.REQUESTER,
        by=None,
        round=locked.reopen_count,
        reached=True,
        resolved=resolved,
        satisfaction=satisfaction,
        note=note,
    )
    locked.status = target
    locked.called_back_at = now
    locked.satisfaction = satisfaction
    locked.save(update_fields=["status", "called_back_at", "satisfaction", "updated_at"])
    record(
        locked,
        EventKind.CALLBACK,
        at=now,
        from_status=from_status,
        to_status=target,
        note=note,
        data={
            "callback": callback.pk,
            "channel": Callback.Channel.REQUESTER.value,
            "resolved": resolved,
            "satisfaction": satisfaction,
            "round": callback.round,
        },
    )
    notify(
        recipients=[locked.lead_unit],
        event="requester_rated",
        order=locked,
        params={
            "resolved": _("已解决") if resolved else _("未解决"),
            "satisfaction": Satisfaction(satisfaction).label,
            "note": note,
        },
    )
    if not resolved:
        return _reopen(
            locked, by=None, grant=REQUESTER, reason=_("诉求人评价未解决"), at=now, auto=True
        )
    return locked
