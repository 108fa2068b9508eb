"""吹哨报到: a subdistrict summons departments to a matter; each reports in and acts."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _

from gongzhi.accounts.models import Person, Unit
from gongzhi.notifications.services import notify
from gongzhi.workorders import sla
from gongzhi.workorders.errors import InvalidInput, NotPermitted, WhistleStateError
from gongzhi.workorders.models import EventKind, WhistleCall, WorkOrder
from gongzhi.workorders.rules import whistle_grant
from gongzhi.workorders.services.guard import begin, now_or, record
from gongzhi.workorders.transitions import Action

_SUMMONABLE = frozenset({Unit.Kind.DEPARTMENT, Unit.Kind.UTILITY})


@transaction.atomic
def workorder_whistle(
    *,
    order: WorkOrder,
    by: Person,
    departments: Iterable[Unit],
    note: str = "",
    at: dt.datetime | None = None,
) -> list[WhistleCall]:
    """Staff of the order's subdistrict office summon departments (吹哨). One WhistleCall per
    department, each with a report-in deadline (GONGZHI_WHISTLE_REPORT_HOURS clock hours) and
    an action deadline (GONGZHI_WHISTLE_ACTION_WORKING_DAYS working days). A department already
    summoned and not yet done is not summoned twice. The order's status does not change."""
    order, grant, _target = begin(order, Action.WHISTLE, by)
    units = {u.pk: u for u in departments}
    if not units:
        raise InvalidInput(_("请选择被召部门"), field="departments")
    for unit in units.values():
        if unit.kind not in _SUMMONABLE or not unit.is_active:
            raise InvalidInput(_("只能召集区委办局和公共服务企业"), field="departments")
    now = now_or(at)
    assert grant.unit_id is not None  # a whistle grant always names the subdistrict office
    caller_unit = Unit.objects.get(pk=grant.unit_id)
    report_due = now + dt.timedelta(hours=settings.GONGZHI_WHISTLE_REPORT_HOURS)
    action_due = sla.end_of_working_day_after(now, settings.GONGZHI_WHISTLE_ACTION_WORKING_DAYS).at
    busy = set(
        order.whistle_calls.exclude(state=WhistleCall.State.ACTED).values_list(
            "department_id", flat=True
        )
    )
    calls = [
        WhistleCall(
            order=order,
            department=unit,
            called_by=by,
            caller_unit=caller_unit,
            called_at=now,
            note=note,
            report_due_at=report_due,
            action_due_at=action_due,
        )
        for unit in units.values()
        if unit.pk not in busy
    ]
    if not calls:
        raise InvalidInput(_("所选部门均已在处置中"), field="departments")
    WhistleCall.objects.bulk_create(calls)
    record(
        order,
        EventKind.WHISTLE_CALLED,
        at=now,
        by=by,
        unit_id=grant.unit_id,
        from_status=order.status,
        note=note,
        data={"departments": [c.department.code for c in calls]},
    )
    notify(
        recipients=[c.department for c in calls],
        event="whistle_called",
        order=order,
        params={
            "caller": caller_unit.name,
            "note": note,
            "report_due": f"{report_due.astimezone(sla.SHANGHAI):%m-%d %H:%M}",
            "action_due": f"{action_due.astimezone(sla.SHANGHAI):%m-%d}",
        },
    )
    return calls


def _lock_call(call: WhistleCall, by: Person) -> WhistleCall:
    locked = (
        WhistleCall.objects.select_for_update(of=("self",)).select_related("order").get(pk=call.pk)
    )
    if whistle_grant(by, locked) is None:
        raise NotPermitted(action="whistle_report")
    return locked


@transaction.atomic
def whistle_report_in(
    *, call: WhistleCall, by: Person, note: str = "", at: dt.datetime | None = None
) -> WhistleCall:
    """The summoned department reports in (报到). Its staff only; once."""
    call = _lock_call(call, by)
    if call.state != WhistleCall.State.CALLED:
        raise WhistleStateError()
    now = now_or(at)
    call.state = WhistleCall.State.REPORTED
    call.reported_at = now
    call.reported_by = by
    call.report_note = note
    call.save(update_fields=["state", "reported_at", "reported_by", "report_note"])
    record(
        call.order,
        EventKind.WHISTLE_REPORTED,
        at=now,
        by=by,
        unit_id=call.department_id,
        from_status=call.order.status,
        note=note,
        data={"call": call.pk, "in_time": now <= call.report_due_at},
    )
    return call


@transaction.atomic
def whistle_action(
    *, call: WhistleCall, by: Person, note: str, at: dt.datetime | None = None
) -> WhistleCall:
    """The department records what it did (处置). After reporting in; once."""
    call = _lock_call(call, by)
    if call.state != WhistleCall.State.REPORTED:
        raise WhistleStateError()
    note = (note or "").strip()
    if not note:
        raise InvalidInput(_("请填写处置情况"), field="note")
    now = now_or(at)
    call.state = WhistleCall.State.ACTED
    call.acted_at = now
    call.acted_by = by
    call.action_note = note
    call.save(update_fields=["state", "acted_at", "acted_by", "action_note"])
    record(
        call.order,
        EventKind.WHISTLE_ACTED,
        at=now,
        by=by,
        unit_id=call.department_id,
        from_status=call.order.status,
        note=note,
        data={"call": call.pk, "in_time": now <= call.action_due_at},
    )
    return call
