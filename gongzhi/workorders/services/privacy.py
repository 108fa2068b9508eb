"""Revealing a requester's contact data: an action, allowed to few, always logged."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils.translation import gettext as _

from gongzhi.accounts.models import Person
from gongzhi.workorders import rules
from gongzhi.workorders.errors import InvalidInput, NotPermitted
from gongzhi.workorders.models import EventKind, RevealLog, WorkOrder
from gongzhi.workorders.services.guard import now_or, record
from gongzhi.workorders.transitions import Action


@transaction.atomic
def requester_reveal(
    *, order: WorkOrder, by: Person, purpose: str, at: dt.datetime | None = None
) -> tuple[str, str]:
    """The requester's full (name, phone), for the hotline centre (operator, dispatcher,
    callback agent, administrator) and the lead unit's staff while it handles the order.
    Every reveal writes a RevealLog row and a requester_revealed event, in the same
    transaction as the answer."""
    purpose = (purpose or "").strip()
    if not purpose:
        raise InvalidInput(_("请说明查看用途"), field="purpose")
    grant = rules.grant_for(by, Action.REVEAL, order)
    if grant is None:
        raise NotPermitted(action="reveal", order=order.number)
    now = now_or(at)
    RevealLog.objects.create(order=order, person=by, unit_id=grant.unit_id, at=now, purpose=purpose)
    record(
        order,
        EventKind.REQUESTER_REVEALED,
        at=now,
        by=by,
        unit_id=grant.unit_id,
        from_status=order.status,
        note=purpose,
    )
    return order.requester_name, order.requester_phone
