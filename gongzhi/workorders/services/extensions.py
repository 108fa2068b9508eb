"""Extensions (延期): the lead unit asks for more working days, the dispatcher decides."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _

from gongzhi.accounts.models import Person
from gongzhi.notifications.services import notify
from gongzhi.workorders import sla
from gongzhi.workorders.errors import ExtensionPending, InvalidInput, NoPendingExtension
from gongzhi.workorders.models import EventKind, ExtensionRequest, WorkOrder
from gongzhi.workorders.services.guard import begin, hotline_units, now_or, record
from gongzhi.workorders.transitions import Action


@transaction.atomic
def workorder_extension_request(
    *,
    order: WorkOrder,
    by: Person,
    working_days: int,
    reason: str,
    at: dt.datetime | None = None,
) -> ExtensionRequest:
    """The lead unit asks for more time (延期). One pending request at a time; the dispatcher
    decides. The status does not change."""
    order, grant, _target = begin(order, Action.EXTENSION_REQUEST, by)
    reason = (reason or "").strip()
    if not reason:
        raise InvalidInput(_("请填写延期理由"), field="reason")
    if not 1 <= working_days <= settings.GONGZHI_EXTENSION_MAX_WORKING_DAYS:
        raise InvalidInput(
            _("延期天数须在1至%(n)d个工作日之间")
            % {"n": settings.GONGZHI_EXTENSION_MAX_WORKING_DAYS},
            field="working_days",
        )
    if order.extensions.filter(state=ExtensionRequest.State.PENDING).exists():
        raise ExtensionPending()
    now = now_or(at)
    assert order.lead_unit is not None  # handling statuses always have a lead unit
    request = ExtensionRequest.objects.create(
        order=order,
        unit=order.lead_unit,
        requested_by=by,
        requested_at=now,
        working_days=working_days,
        reason=reason,
    )
    record(
        order,
        EventKind.EXTENSION_REQUESTED,
        at=now,
        by=by,
        unit_id=grant.unit_id,
        from_status=order.status,
        note=reason,
        data={"extension": request.pk, "working_days": working_days},
    )
    notify(
        recipients=hotline_units(),
        event="extension_requested",
        order=order,
        params={"working_days": working_days, "reason": reason},
    )
    return request


@transaction.atomic
def workorder_extension_decide(
    *,
    order: WorkOrder,
    by: Person,
    approve: bool,
    note: str = "",
    at: dt.datetime | None = None,
) -> ExtensionRequest:
    """The dispatcher approves or denies the pending extension. Approval moves the resolution
    deadline by the working days asked, counted after the day of the current deadline."""
    order, grant, _target = begin(order, Action.EXTENSION_DECIDE, by)
    request = (
        order.extensions.select_for_update().filter(state=ExtensionRequest.State.PENDING).first()
    )
    if request is None:
        raise NoPendingExtension()
    now = now_or(at)
    request.state = ExtensionRequest.State.APPROVED if approve else ExtensionRequest.State.DENIED
    request.decided_by = by
    request.decided_at = now
    request.decision_note = note
    request.save(update_fields=["state", "decided_by", "decided_at", "decision_note"])
    data: dict[str, Any] = {"extension": request.pk, "working_days": request.working_days}
    if approve and order.resolve_due_at is not None:
        new = sla.extended(order.resolve_due_at, request.working_days)
        data["old_due"] = order.resolve_due_at.isoformat()
        data["new_due"] = new.at.isoformat()
        order.resolve_due_at = new.at
        order.resolve_warn_at = sla.warn_time(now, new.at, sla.resolve_warning_lead())
        order.deadline_provisional = order.deadline_provisional or new.provisional
        order.extended_days += request.working_days
        if new.at > now:
            order.resolve_warned_at = None
            order.resolve_overdue_at = None
            order.overdue = False
        order.save(
            update_fields=[
                "resolve_due_at",
                "resolve_warn_at",
                "deadline_provisional",
                "extended_days",
                "resolve_warned_at",
                "resolve_overdue_at",
                "overdue",
                "updated_at",
            ]
        )
    record(
        order,
        EventKind.EXTENSION_APPROVED if approve else EventKind.EXTENSION_DENIED,
        at=now,
        by=by,
        unit_id=grant.unit_id,
        from_status=order.status,
        note=note,
        data=data,
    )
    notify(
        recipients=[order.lead_unit],
        event="extension_decided",
        order=order,
        params={"decision": _("已批准") if approve else _("未批准"), "note": note},
    )
    return request
