"""Input and output schemas of the native API. Inputs are what a caller may send (checked
by gongzhi.open311.dataschema.parse); outputs are built from models by the `*_out` functions.
The requester's contact data appears masked; only the reveal endpoint returns it in full."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from gongzhi.accounts.models import Person, Unit
from gongzhi.workorders.models import (
    Channel,
    DeclineReason,
    EventKind,
    Kind,
    Satisfaction,
    Status,
    Urgency,
    WorkOrder,
    choice_label,
)
from gongzhi.workorders.privacy import requester_masked
from gongzhi.workorders.rules import available_actions

# --- inputs -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class OrderListQuery:
    """Filters of the order list (all optional)."""

    status: list[Status] = field(default_factory=list, metadata={"description": "状态，可多个"})
    limit: int = field(default=50, metadata={"minimum": 1, "maximum": 200})
    offset: int = field(default=0, metadata={"minimum": 0})


@dataclass(frozen=True)
class ReceiveIn:
    """A new work order (受理). Send an Idempotency-Key header to make retries safe."""

    channel: Channel
    kind: Kind
    category: str = field(metadata={"description": "类别代码，如 property-elevator"})
    description: str = field(metadata={"max_length": 4000})
    urgency: Urgency = Urgency.NORMAL
    lng: float | None = field(default=None, metadata={"description": "WGS-84 经度"})
    lat: float | None = field(default=None, metadata={"description": "WGS-84 纬度"})
    address: str = field(default="", metadata={"max_length": 255})
    compound_id: int | None = None
    requester_name: str = field(default="", metadata={"max_length": 64})
    requester_phone: str = field(default="", metadata={"max_length": 20})
    auto_dispatch: bool | None = field(
        default=None, metadata={"description": "按权责清单自动派单；不填则按系统设置"}
    )


@dataclass(frozen=True)
class DispatchIn:
    """Lead unit and assisting units, by unit code (e.g. property-x, dept-traffic)."""

    lead: str
    assisting: list[str] = field(default_factory=list)
    note: str = ""


@dataclass(frozen=True)
class NoteIn:
    note: str = ""


@dataclass(frozen=True)
class NoteRequiredIn:
    note: str


@dataclass(frozen=True)
class ReasonIn:
    reason: str


@dataclass(frozen=True)
class ExtensionRequestIn:
    working_days: int = field(metadata={"minimum": 1})
    reason: str


@dataclass(frozen=True)
class ExtensionDecideIn:
    approve: bool
    note: str = ""


@dataclass(frozen=True)
class WhistleIn:
    """Departments summoned (吹哨), by unit code."""

    departments: list[str] = field(metadata={"min_items": 1})
    note: str = ""


@dataclass(frozen=True)
class ResolveIn:
    feedback: str


@dataclass(frozen=True)
class CallbackIn:
    """A callback (回访). Reached: `resolved` and `satisfaction` are required."""

    reached: bool = True
    resolved: bool | None = None
    satisfaction: Satisfaction | None = None
    note: str = ""
    close: bool = False


@dataclass(frozen=True)
class MergeIn:
    into: str = field(metadata={"description": "原工单编号"})


@dataclass(frozen=True)
class DeclineIn:
    reason: DeclineReason
    note: str = ""


@dataclass(frozen=True)
class RevealIn:
    purpose: str = field(metadata={"description": "查看用途，记入日志"})


# --- outputs ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Ref:
    code: str
    name: str


@dataclass(frozen=True)
class RequesterOut:
    name: str
    phone: str


@dataclass(frozen=True)
class OrderSummary:
    number: str
    kind: str
    channel: str
    category: Ref
    urgency: str
    priority: int
    status: str
    status_label: str
    description: str
    address: str
    lng: float | None
    lat: float | None
    compound: str | None
    community: str | None
    subdistrict: str | None
    lead_unit: Ref | None
    received_at: dt.datetime
    contact_due_at: dt.datetime | None
    resolve_due_at: dt.datetime | None
    deadline_provisional: bool
    overdue: bool


@dataclass(frozen=True)
class AssignmentOut:
    unit: Ref
    role: str
    state: str
    assigned_at: dt.datetime
    released_at: dt.datetime | None


@dataclass(frozen=True)
class EventOut:
    at: dt.datetime
    kind: str
    label: str
    actor: str | None
    actor_unit: str | None
    from_status: str
    to_status: str
    note: str
    data: dict[str, Any]


@dataclass(frozen=True)
class WhistleOut:
    id: int
    department: Ref
    state: str
    called_at: dt.datetime
    report_due_at: dt.datetime
    action_due_at: dt.datetime
    reported_at: dt.datetime | None
    acted_at: dt.datetime | None
    note: str


@dataclass(frozen=True)
class ExtensionOut:
    id: int
    unit: Ref
    working_days: int
    reason: str
    state: str
    requested_at: dt.datetime
    decided_at: dt.datetime | None


@dataclass(frozen=True)
class CallbackOut:
    at: dt.datetime
    reached: bool
    resolved: bool | None
    satisfaction: str
    note: str
    channel: str  # "agent" (a callback agent's call) or "requester" (the requester's rating)


@dataclass(frozen=True)
class OrderDetail(OrderSummary):
    requester: RequesterOut  # masked
    feedback: str
    satisfaction: str
    reopen_count: int
    decline_reason: str
    merged_into: str | None
    excluded_from_scoring: bool
    exclusion_reason: str
    contacted_at: dt.datetime | None
    resolved_at: dt.datetime | None
    closed_at: dt.datetime | None
    assignments: list[AssignmentOut]
    whistle_calls: list[WhistleOut]
    extensions: list[ExtensionOut]
    callbacks: list[CallbackOut]
    timeline: list[EventOut]
    available_actions: list[str]


def _ref(unit: Unit | None) -> Ref | None:
    return Ref(unit.code, unit.name) if unit is not None else None


def _summary_fields(order: WorkOrder) -> dict[str, Any]:
    return {
        "number": order.number,
        "kind": order.kind,
        "channel": order.channel,
        "category": Ref(order.category.code, order.category.name),
        "urgency": order.urgency,
        "priority": order.priority,
        "status": order.status,
        "status_label": choice_label(Status, order.status),
        "description": order.description,
        "address": order.address,
        "lng": order.lng,
        "lat": order.lat,
        "compound": order.compound.name if order.compound is not None else None,
        "community": order.community.name if order.community is not None else None,
        "subdistrict": order.subdistrict.name if order.subdistrict is not None else None,
        "lead_unit": _ref(order.lead_unit),
        "received_at": order.received_at,
        "contact_due_at": order.contact_due_at,
        "resolve_due_at": order.resolve_due_at,
        "deadline_provisional": order.deadline_provisional,
        "overdue": order.overdue,
    }


def order_summary_out(order: WorkOrder) -> OrderSummary:
    """Needs the list relations loaded (selectors.orders_visible_to does)."""
    return OrderSummary(**_summary_fields(order))


def _actor(person: Person | None) -> str | None:
    return str(person) if person is not None else None


def order_detail_out(
    order: WorkOrder, *, person: Person, related: Mapping[str, Sequence[Any]] | None = None
) -> OrderDetail:
    """Needs the order from selectors.order_detail (relations prefetched), or its related
    rows given as `related` by relation name (events, assignments, whistle_calls, extensions,
    callbacks): a new order's, just written, are all it has (workorders.api.views)."""
    masked = requester_masked(order)

    def rows(name: str) -> Sequence[Any]:
        if related is not None and name in related:
            return related[name]
        return getattr(order, name).all()

    return OrderDetail(
        **_summary_fields(order),
        requester=RequesterOut(masked.name, masked.phone),
        feedback=order.feedback,
        satisfaction=order.satisfaction,
        reopen_count=order.reopen_count,
        decline_reason=order.decline_reason,
        merged_into=order.merged_into.number if order.merged_into is not None else None,
        excluded_from_scoring=order.excluded_from_scoring,
        exclusion_reason=order.exclusion_reason,
        contacted_at=order.contacted_at,
        resolved_at=order.resolved_at,
        closed_at=order.closed_at,
        assignments=[
            AssignmentOut(
                Ref(a.unit.code, a.unit.name), a.role, a.state, a.assigned_at, a.released_at
            )
            for a in rows("assignments")
        ],
        whistle_calls=[
            WhistleOut(
                w.pk,
                Ref(w.department.code, w.department.name),
                w.state,
                w.called_at,
                w.report_due_at,
                w.action_due_at,
                w.reported_at,
                w.acted_at,
                w.note,
            )
            for w in rows("whistle_calls")
        ],
        extensions=[
            ExtensionOut(
                e.pk,
                Ref(e.unit.code, e.unit.name),
                e.working_days,
                e.reason,
                e.state,
                e.requested_at,
                e.decided_at,
            )
            for e in rows("extensions")
        ],
        callbacks=[
            CallbackOut(c.at, c.reached, c.resolved, c.satisfaction, c.note, c.channel)
            for c in rows("callbacks")
        ],
        timeline=[
            EventOut(
                e.at,
                e.kind,
                choice_label(EventKind, e.kind),
                _actor(e.actor),
                e.actor_unit.name if e.actor_unit is not None else None,
                e.from_status,
                e.to_status,
                e.note,
                e.data,
            )
            for e in rows("events")
        ],
        available_actions=[str(a) for a in available_actions(person, order)],
    )
