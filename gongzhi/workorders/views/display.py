"""How orders look on the pages: deadline badges, the resident's steps and timeline.

Presentation only; no rule is decided here (whether an order is overdue for the rates is the
deadline scan's business, not a badge's)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l

from gongzhi.workorders.models import OPEN_STATUSES, EventKind, Status, WorkOrder, WorkOrderEvent

NEAR = timedelta(hours=24)


@dataclass(frozen=True)
class Deadline:
    state: str  # "overdue" (red), "near" (amber, < 24 h), "ok"
    label: str
    provisional: bool
    due: datetime


def _span(delta: timedelta) -> str:
    hours = int(delta.total_seconds() // 3600)
    if hours >= 48:
        return _("%(n)d天") % {"n": hours // 24}
    if hours >= 1:
        return _("%(n)d小时") % {"n": hours}
    return _("%(n)d分钟") % {"n": max(1, int(delta.total_seconds() // 60))}


def deadline_of(order: WorkOrder, now: datetime) -> Deadline | None:
    """The deadline that matters now: the contact limit until the requester is contacted, then
    the resolution limit. None once the order is no longer open."""
    if order.status not in OPEN_STATUSES:
        return None
    if order.contacted_at is None and order.contact_due_at is not None:
        due, what = order.contact_due_at, _("响应")
    elif order.resolve_due_at is not None:
        due, what = order.resolve_due_at, _("办结")
    else:
        return None
    left = due - now
    if left <= timedelta(0) or (what == _("办结") and order.overdue):
        state = "overdue"
        label = _("%(what)s超期 %(span)s") % {"what": what, "span": _span(-left)}
        if left > timedelta(0):
            label = _("%(what)s超期") % {"what": what}
    elif left < NEAR:
        state, label = "near", _("%(what)s剩 %(span)s") % {"what": what, "span": _span(left)}
    else:
        state, label = "ok", _("%(what)s剩 %(span)s") % {"what": what, "span": _span(left)}
    return Deadline(state, label, order.deadline_provisional, due)


# --- The resident's view of an order: milestones, not the office's working notes -----------

STEPS = [
    (Status.RECEIVED, _l("已受理")),
    (Status.DISPATCHED, _l("已派单")),
    (Status.ACCEPTED, _l("已签收")),
    (Status.CONTACTED, _l("已联系您")),
    (Status.RESOLVED, _l("已办结")),
    (Status.CALLED_BACK, _l("已回访")),
    (Status.CLOSED, _l("已结案")),
]
_STEP_INDEX: dict[str, int] = {status.value: i for i, (status, _label) in enumerate(STEPS)}


@dataclass(frozen=True)
class Step:
    label: str
    state: str  # "done", "current", "todo"


def progress_steps(order: WorkOrder) -> list[Step]:
    """The main line of the lifecycle with the order's place on it. A returned order is shown
    as received (it is waiting for a new unit); declined and merged orders have no steps."""
    if order.status in (Status.DECLINED, Status.MERGED):
        return []
    current = _STEP_INDEX.get(order.status, 0)
    return [
        Step(str(label), "done" if i < current else "current" if i == current else "todo")
        for i, (_status, label) in enumerate(STEPS)
    ]


# What a requester is told about each kind of event. Kinds not listed (reveals of their own
# contact data, deadline warnings, returns between offices, whistles, decisions about scoring)
# are the office's working record and are not shown; notes are never shown, except the
# statutory reason of a decline.
RESIDENT_EVENTS: dict[str, Any] = {
    EventKind.RECEIVED: _l("诉求已受理"),
    EventKind.DISPATCHED: _l("已转交承办单位"),
    EventKind.AUTO_DISPATCHED: _l("已转交承办单位"),
    EventKind.REDISPATCHED: _l("已转交承办单位"),
    EventKind.ACCEPTED: _l("承办单位已签收"),
    EventKind.CONTACTED: _l("承办单位已与您联系"),
    EventKind.EXTENSION_APPROVED: _l("办理时限已延长"),
    EventKind.RESOLVED: _l("已办结"),
    EventKind.CALLBACK: _l("已回访"),
    EventKind.CLOSED: _l("已结案"),
    EventKind.REOPENED: _l("重新办理"),
    EventKind.MERGED: _l("与相同诉求合并办理"),
    EventKind.DECLINED: _l("不予受理"),
}


@dataclass(frozen=True)
class PublicEvent:
    label: str
    at: datetime
    note: str


def resident_timeline(order: WorkOrder, events: Iterable[WorkOrderEvent]) -> list[PublicEvent]:
    shown = []
    for event in events:
        label = RESIDENT_EVENTS.get(event.kind)
        if label is None:
            continue
        if by_requester(event):
            label = _l("您已评价办理结果")
        note = ""
        if event.kind == EventKind.DECLINED:
            note = str(order.get_decline_reason_display())
        shown.append(PublicEvent(str(label), event.at, note))
    return shown


# --- The staff timeline ---------------------------------------------------------------------


def by_requester(event: WorkOrderEvent) -> bool:
    """Is this the requester's own rating online (the callback of its round)?"""
    return event.kind == EventKind.CALLBACK and event.data.get("channel") == "requester"


@dataclass(frozen=True)
class StaffEvent:
    event: WorkOrderEvent
    label: str  # what happened
    who: str  # the unit and person, "诉求人" for the requester's rating, "系统" otherwise
    status: str  # the status it moved the order to, "" when unchanged


def staff_timeline(events: Iterable[WorkOrderEvent]) -> list[StaffEvent]:
    shown = []
    for e in events:
        label, who = str(e.get_kind_display()), _("系统")
        if e.kind == EventKind.AUTO_DISPATCHED and e.data.get("model_version"):
            # Which model decided, and how sure it was (gongzhi.dispatch.suggest).
            label = _("%(label)s（模型 %(version)s · 置信度 %(percent)d%%）") % {
                "label": label,
                "version": e.data["model_version"],
                "percent": round(float(e.data.get("confidence") or 0) * 100),
            }
        if by_requester(e):
            label = _("回访（诉求人网上评价）")
            who = _("诉求人")
        elif e.actor is not None:
            unit = e.actor_unit.name if e.actor_unit is not None else ""
            who = f"{unit} {e.actor}".strip()
        moved = e.to_status and e.to_status != e.from_status
        shown.append(StaffEvent(e, label, who, str(Status(e.to_status).label) if moved else ""))
    return shown
