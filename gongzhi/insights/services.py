"""What a hotspot or a cluster becomes: a proactive work order (未诉先办, through the work-order
domain's intake) or a deliberation proposal (through the deliberation domain's
proposal_submit), or nothing (dismissed).

Each function runs in one transaction: it locks the hotspot (or cluster) row, checks that the
person may act on it and that it has not already become the same thing, calls the other
domain's service, links the result on the row and appends a SignalEvent. If the other domain
refuses (its own error: NotPermitted, InvalidInput …) the error passes through and nothing is
written — no order or proposal without its link, no link without its order or proposal.

The link is kept both ways: `hotspot.work_order` / `hotspot.proposal` and, from the other
side, `order.hotspots`, `order.clusters`, `proposal.hotspots`, `proposal.clusters`; the order
also carries the hotspot in its idempotency key (source "insights").
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from typing import TypeVar

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from gongzhi.accounts.models import Person
from gongzhi.deliberation.models import Origin, Proposal
from gongzhi.deliberation.models.place import place_of
from gongzhi.deliberation.services import proposal_submit
from gongzhi.insights.hotspots.errors import AlreadyActed, Dismissed, InvalidInput, NotPermitted
from gongzhi.insights.hotspots.models import (
    Cluster,
    Hotspot,
    Signal,
    SignalEvent,
    SignalEventKind,
    SignalStatus,
)
from gongzhi.insights.hotspots.rules import can_act_on_signal
from gongzhi.insights.hotspots.selectors import hotspot_orders
from gongzhi.places.models import Compound
from gongzhi.workorders.models import Channel, Kind, Urgency, WorkOrder
from gongzhi.workorders.services import workorder_receive

SOURCE = "insights"
S = TypeVar("S", Hotspot, Cluster)


def _lock(signal: S) -> S:
    model = type(signal)
    return model.objects.select_for_update(of=("self",)).get(pk=signal.pk)


def _check(signal: Signal, by: Person, link: str) -> None:
    if signal.status == SignalStatus.DISMISSED:
        raise Dismissed()
    if getattr(signal, f"{link}_id") is not None:
        raise AlreadyActed(link=link)
    if not can_act_on_signal(by, signal):
        raise NotPermitted()


def _event(signal: Signal, kind: str, *, by: Person, at: dt.datetime, **data: object) -> None:
    target = {"hotspot": signal} if isinstance(signal, Hotspot) else {"cluster": signal}
    SignalEvent.objects.create(kind=kind, at=at, actor=by, data=data, **target)


def _mark(signal: Signal, *, by: Person, at: dt.datetime, fields: list[str]) -> None:
    signal.status = SignalStatus.ACTED
    signal.handled_by = by
    signal.handled_at = at
    signal.save(update_fields=[*fields, "status", "handled_by", "handled_at"])


def _orders(signal: Signal) -> list[WorkOrder]:
    if isinstance(signal, Hotspot):
        return list(hotspot_orders(signal))
    assert isinstance(signal, Cluster)
    return list(signal.orders.order_by("received_at", "pk"))


def _usual_kind(orders: list[WorkOrder]) -> str:
    kinds = Counter(o.kind for o in orders)
    return kinds.most_common(1)[0][0] if kinds else Kind.COMPLAINT


def _compound(signal: Signal) -> Compound | None:
    if signal.compound_id is None:
        return None
    return Compound.objects.select_related("community").get(pk=signal.compound_id)


def _summary(signal: Signal) -> str:
    period = f"{signal.period_start:%Y-%m-%d}—{signal.period_end - dt.timedelta(days=1):%Y-%m-%d}"
    if isinstance(signal, Hotspot):
        return _(
            "%(place)s %(period)s 共受理“%(category)s”诉求 %(observed)s 件，预期约 "
            "%(expected).1f 件，超出控制上限 %(limit)s 件。"
        ) % {
            "place": signal.place_name,
            "period": period,
            "category": signal.category.name,
            "observed": signal.observed,
            "expected": signal.expected,
            "limit": signal.limit,
        }
    assert isinstance(signal, Cluster)
    return ngettext(
        "%(place)s %(period)s 有 %(size)s 件内容相近的“%(category)s”诉求，如：%(text)s",
        "%(place)s %(period)s 有 %(size)s 件内容相近的“%(category)s”诉求，如：%(text)s",
        signal.size,
    ) % {
        "place": signal.place_name,
        "period": period,
        "size": signal.size,
        "category": signal.category.name,
        "text": signal.representative.description[:200],
    }


def _to_order(
    signal: S,
    *,
    by: Person,
    description: str,
    urgency: str,
    auto_dispatch: bool | None,
    at: dt.datetime | None,
) -> WorkOrder:
    signal = _lock(signal)
    _check(signal, by, "work_order")
    now = at or timezone.now()
    orders = _orders(signal)
    text = description.strip() or _("【未诉先办】%(summary)s 请主动排查、提前处置。") % {
        "summary": _summary(signal)
    }
    order = workorder_receive(
        by=by,
        channel=Channel.PROACTIVE,
        kind=_usual_kind(orders),
        category=signal.category,
        description=text,
        urgency=urgency,
        compound=_compound(signal),
        community=signal.community,
        idempotency_key=f"{type(signal).__name__.lower()}:{signal.pk}",
        source=SOURCE,
        auto_dispatch=auto_dispatch,
        at=now,
    )
    signal.work_order = order
    _mark(signal, by=by, at=now, fields=["work_order"])
    _event(
        signal,
        SignalEventKind.ORDERED,
        by=by,
        at=now,
        order=order.number,
        orders=[o.number for o in orders],
    )
    return order


def _to_proposal(
    signal: S, *, by: Person, title: str, body: str, origin: str, at: dt.datetime | None
) -> Proposal:
    signal = _lock(signal)
    _check(signal, by, "proposal")
    now = at or timezone.now()
    orders = _orders(signal)
    compound = _compound(signal)
    place = (
        place_of(compound=compound)
        if compound is not None
        else place_of(community=signal.community)
    )
    default_title = _("%(place)s“%(category)s”诉求集中") % {
        "place": signal.place_name,
        "category": signal.category.name,
    }
    proposal = proposal_submit(
        by=by,
        place=place,
        title=(title.strip() or default_title)[:120],
        body=body.strip() or _summary(signal),
        origin=origin,
        work_orders=orders,
        hotspot_category=signal.category.code,
        at=now,
    )
    signal.proposal = proposal
    _mark(signal, by=by, at=now, fields=["proposal"])
    _event(signal, SignalEventKind.PROPOSED, by=by, at=now, proposal=proposal.pk)
    return proposal


@transaction.atomic
def hotspot_to_proactive_order(
    *,
    hotspot: Hotspot,
    by: Person,
    description: str = "",
    urgency: str = Urgency.NORMAL,
    auto_dispatch: bool | None = None,
    at: dt.datetime | None = None,
) -> WorkOrder:
    """Open a proactive work order (channel proactive) for the hotspot's place and category,
    its text the evidence unless `description` is given, its kind the hotspot orders' most
    common one. Locks the hotspot; AlreadyActed if it already has an order, Dismissed if
    dismissed, NotPermitted if the person is not staff of its place; the intake's own errors
    pass through. Dispatched by the matrix when `auto_dispatch` (default: the setting)."""
    return _to_order(
        hotspot, by=by, description=description, urgency=urgency, auto_dispatch=auto_dispatch, at=at
    )


@transaction.atomic
def hotspot_to_proposal(
    *,
    hotspot: Hotspot,
    by: Person,
    title: str = "",
    body: str = "",
    at: dt.datetime | None = None,
) -> Proposal:
    """Put the hotspot forward for deliberation: a proposal (origin hotspot) for its compound
    or community, with its orders linked. Locks the hotspot; the same refusals as
    hotspot_to_proactive_order, and proposal_submit's own (only staff of the place's
    community or subdistrict may propose from a hotspot)."""
    return _to_proposal(hotspot, by=by, title=title, body=body, origin=Origin.HOTSPOT, at=at)


@transaction.atomic
def cluster_to_proactive_order(
    *,
    cluster: Cluster,
    by: Person,
    description: str = "",
    urgency: str = Urgency.NORMAL,
    auto_dispatch: bool | None = None,
    at: dt.datetime | None = None,
) -> WorkOrder:
    """As hotspot_to_proactive_order, for a cluster of near-duplicate orders."""
    return _to_order(
        cluster, by=by, description=description, urgency=urgency, auto_dispatch=auto_dispatch, at=at
    )


@transaction.atomic
def cluster_to_proposal(
    *,
    cluster: Cluster,
    by: Person,
    title: str = "",
    body: str = "",
    at: dt.datetime | None = None,
) -> Proposal:
    """As hotspot_to_proposal, for a cluster (origin work_orders, its members linked)."""
    return _to_proposal(cluster, by=by, title=title, body=body, origin=Origin.WORK_ORDERS, at=at)


def _dismiss(signal: S, *, by: Person, reason: str, at: dt.datetime | None) -> S:
    signal = _lock(signal)
    reason = reason.strip()
    if not reason:
        raise InvalidInput(_("请填写忽略理由"), field="reason")
    if signal.status != SignalStatus.OPEN:
        raise AlreadyActed() if signal.status == SignalStatus.ACTED else Dismissed()
    if not can_act_on_signal(by, signal):
        raise NotPermitted()
    now = at or timezone.now()
    signal.status = SignalStatus.DISMISSED
    signal.note = reason
    signal.handled_by = by
    signal.handled_at = now
    signal.save(update_fields=["status", "note", "handled_by", "handled_at"])
    _event(signal, SignalEventKind.DISMISSED, by=by, at=now, reason=reason)
    return signal


@transaction.atomic
def hotspot_dismiss(
    *, hotspot: Hotspot, by: Person, reason: str, at: dt.datetime | None = None
) -> Hotspot:
    """Mark an open hotspot as looked at and not acted on, with the reason (a known cause, a
    data error). Locks the row; only from open."""
    return _dismiss(hotspot, by=by, reason=reason, at=at)


@transaction.atomic
def cluster_dismiss(
    *, cluster: Cluster, by: Person, reason: str, at: dt.datetime | None = None
) -> Cluster:
    """As hotspot_dismiss, for a cluster."""
    return _dismiss(cluster, by=by, reason=reason, at=at)
