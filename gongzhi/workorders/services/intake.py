"""Intake: a request becomes a work order (受理)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _

from gongzhi.accounts.models import Person
from gongzhi.dispatch import suggest as dispatch_suggest
from gongzhi.notifications.models import Notification
from gongzhi.notifications.services import notification_rows, notifications_written
from gongzhi.places.locate import locate, place_index
from gongzhi.places.models import Community, Compound, Subdistrict
from gongzhi.workorders import reference, sla
from gongzhi.workorders.errors import (
    CategoryNotFound,
    InvalidInput,
    NotPermitted,
    OutsideDistrict,
)
from gongzhi.workorders.matrix import Place, suggestions_for
from gongzhi.workorders.models import (
    Assignment,
    Category,
    Channel,
    EventKind,
    Kind,
    Photo,
    Status,
    Urgency,
    WorkOrder,
    WorkOrderEvent,
)
from gongzhi.workorders.photos import check_photos
from gongzhi.workorders.rules import memberships_of, receive_grant
from gongzhi.workorders.services.guard import event, now_or
from gongzhi.workorders.services.handling import (
    assignments_for,
    check_units,
    dispatch_data,
    dispatch_notices,
)
from gongzhi.workorders.services.intake_write import intake_write
from gongzhi.workorders.services.numbering import next_number
from gongzhi.workorders.sla import SHANGHAI

# The choices' values, once (TextChoices.values builds a new list each time).
_CHANNELS = frozenset(Channel.values)
_KINDS = frozenset(Kind.values)
_URGENCIES = frozenset(Urgency.values)


def category_for(category: Category | str) -> Category:
    """An active category, given as an instance or by code; CategoryNotFound otherwise. By
    code it comes from this process's configuration snapshot (reference.py): shared, read
    only, its parents linked."""
    if isinstance(category, Category):
        if not category.is_active:
            raise CategoryNotFound(code_value=category.code)
        return category
    found = reference.category(category)
    if found is None or not found.is_active:
        raise CategoryNotFound(code_value=category)
    return found


def _subdistrict_of(community_id: int) -> int | None:
    known = place_index().community_subdistrict.get(community_id)
    if known is not None:
        return known
    return (
        Community.objects.filter(pk=community_id).values_list("subdistrict_id", flat=True).first()
    )


def _existing(source: str, key: str) -> WorkOrder | None:
    return WorkOrder.objects.filter(source=source, idempotency_key=key).first()


def workorder_receive(
    *,
    by: Person | None,
    channel: str,
    kind: str,
    category: Category | str,
    description: str,
    urgency: str = Urgency.NORMAL,
    lng: float | None = None,
    lat: float | None = None,
    address: str = "",
    compound: Compound | None = None,
    community: Community | None = None,
    requester_name: str = "",
    requester_phone: str = "",
    requester_person: Person | None = None,
    photos: Iterable[Any] = (),
    idempotency_key: str | None = None,
    source: str = "",
    auto_dispatch: bool | None = None,
    at: dt.datetime | None = None,
) -> WorkOrder:
    """Take a request in as a work order (status received) and return it.

    `by` is the person filing (an operator, a signed-in resident…) or None for an API client
    system, whose code the edge passes as `source`. A WGS-84 point is placed with
    places.locate: outside the district → OutsideDistrict (`outside_district`), nothing stored.
    Photos are checked first (InvalidPhoto, `invalid_photo`), nothing stored. Idempotent: the
    same `idempotency_key` from the same `source` returns the order it created the first time
    and creates nothing — the unique constraint on (source, idempotency_key) decides, also
    between concurrent requests: the loser's insert fails, its savepoint rolls back, and the
    winner's order is returned. With auto_dispatch (default settings.GONGZHI_AUTO_DISPATCH) an
    order the responsibility matrix places is written already dispatched, in the same
    transaction (events received and auto_dispatched, the assignments and the units'
    notifications, one INSERT each); otherwise it waits on the dispatcher's desk. Deadlines and
    priority are computed here (sla.py).

    A new order carries what was written as `intake_written` (IntakeWritten), so an edge can
    answer with the order's detail without reading it back.

    Dispatch intelligence (gongzhi.dispatch.suggest): the text is read before anything is
    written — the active classifier's top categories and, for an order without a place, the
    place the gazetteer settles in the address and text (then the order's place). With a model
    active, automatic dispatch also needs the model's top category to be the order's with a
    confidence at the threshold; the event then carries the model version and confidence. The
    suggestion is kept and likely duplicates at the same place are linked, in the same
    transaction.
    """
    grant = receive_grant(by, channel)
    if grant is None:
        raise NotPermitted(action="receive", channel=channel)
    if channel not in _CHANNELS:
        raise InvalidInput(_("未知的渠道"), field="channel")
    if kind not in _KINDS:
        raise InvalidInput(_("未知的诉求类型"), field="kind")
    if urgency not in _URGENCIES:
        raise InvalidInput(_("未知的紧急程度"), field="urgency")
    description = (description or "").strip()
    if not description:
        raise InvalidInput(_("请填写诉求内容"), field="description")
    for field, text in (
        ("description", description),
        ("address", address),
        ("requester_name", requester_name),
        ("requester_phone", requester_phone),
    ):
        if "\x00" in text:  # no database stores it in text
            raise InvalidInput(_("文本中不能含有空字符（\\x00）"), field=field)
        if not text.isascii():
            try:
                text.encode("utf-8")
            except UnicodeEncodeError:  # a lone surrogate: JSON can carry one, UTF-8 cannot
                raise InvalidInput(_("文本含有无效字符"), field=field) from None
    if (lng is None) != (lat is None):
        raise InvalidInput(_("经纬度须同时提供"), field="lat")
    if idempotency_key is not None:
        idempotency_key = idempotency_key.strip() or None
        if idempotency_key and len(idempotency_key) > 128:
            raise InvalidInput(_("幂等键过长"), field="idempotency_key")
    category = category_for(category)

    checked = check_photos(photos)

    compound_id = compound.pk if compound is not None else None
    community_id = community.pk if community is not None else None
    subdistrict_id = community.subdistrict_id if community is not None else None
    if compound is not None and community_id is None:
        community_id = compound.community_id
    if lng is not None and lat is not None:
        located = locate(lng, lat)
        if not located.in_district:
            raise OutsideDistrict(lng=lng, lat=lat)
        compound_id = compound_id or located.compound_id
        if community_id is None:
            community_id = located.community_id
            subdistrict_id = located.subdistrict_id
    if compound is not None or community is not None:
        place_source = "operator"
    else:
        place_source = "coordinates" if community_id is not None else ""
    advice = dispatch_suggest.advise(
        text=description, address=address, lng=lng, lat=lat, place_source=place_source
    )
    if advice.place_source == "text":
        compound_id, community_id, subdistrict_id = dispatch_suggest.place_ids(advice)
    if community_id is not None and subdistrict_id is None:
        subdistrict_id = _subdistrict_of(community_id)

    now = now_or(at)
    deadlines = sla.deadlines_for(start=now, category=category, urgency=urgency)
    if auto_dispatch is None:
        auto_dispatch = settings.GONGZHI_AUTO_DISPATCH
    if requester_person is None and by is not None and grant.role in ("resident", "rider"):
        requester_person = by

    # The matrix's unit, found before anything is written: the order is written dispatched.
    suggestion = None
    if auto_dispatch:
        found = suggestions_for(category, Place(compound_id, community_id, subdistrict_id), limit=1)
        suggestion = found[0] if found else None
    dispatch = (
        suggestion
        if suggestion is not None and advice.permits(dispatch_suggest.lineage_codes(category))
        else None
    )
    helpers = check_units(dispatch.lead, dispatch.assisting) if dispatch is not None else []

    day = now.astimezone(SHANGHAI).date()
    order = WorkOrder(
        number="",
        kind=kind,
        channel=channel,
        category=category,
        urgency=urgency,
        priority=sla.priority_for(category, urgency),
        description=description,
        address=address.strip(),
        lng=lng,
        lat=lat,
        compound_id=compound_id,
        community_id=community_id,
        subdistrict_id=subdistrict_id,
        requester_name=requester_name.strip(),
        requester_phone=requester_phone.strip(),
        requester_person=requester_person,
        status=Status.RECEIVED if dispatch is None else Status.DISPATCHED,
        lead_unit=dispatch.lead if dispatch is not None else None,
        received_at=now,
        dispatched_at=now if dispatch is not None else None,
        contact_due_at=deadlines.contact_due_at,
        contact_warn_at=deadlines.contact_warn_at,
        resolve_due_at=deadlines.resolve_due_at,
        resolve_warn_at=deadlines.resolve_warn_at,
        deadline_provisional=deadlines.provisional,
        source=source,
        idempotency_key=idempotency_key,
        created_by=by,
    )
    if compound is not None and compound.pk == compound_id:
        order.compound = compound
    # Every row is built first and written with the order in one statement
    # (services/intake_write.py).
    events = [
        event(
            order,
            EventKind.RECEIVED,
            at=now,
            by=by,
            unit_id=grant.unit_id,
            to_status=Status.RECEIVED,
            data={"channel": channel, "source": source} if source else {"channel": channel},
        )
    ]
    assignments: list[Assignment] = []
    notices: list[Notification] = []
    if dispatch is not None:
        events.append(
            event(
                order,
                EventKind.AUTO_DISPATCHED,
                at=now,
                from_status=Status.RECEIVED,
                to_status=Status.DISPATCHED,
                data=dispatch_data(
                    dispatch.lead,
                    helpers,
                    {"rule": dispatch.rule.pk, "reason": dispatch.reason, **advice.event_data()},
                ),
            )
        )
        assignments = assignments_for(order, lead=dispatch.lead, helpers=helpers, at=now)
        notices = notification_rows(
            dispatch_notices(order, lead=dispatch.lead, helpers=helpers), order=order
        )
    advised = dispatch_suggest.advice_rows(
        order=order, advice=advice, wanted=auto_dispatch, matrix=suggestion, at=now
    )
    stored: list[Photo] = []
    try:
        if checked:
            # A photo's file is named after the order's number: draw it first.
            order.number = next_number(day)
            for seq, photo in enumerate(checked, start=1):
                row = Photo(order=order, seq=seq, content_type=photo.content_type, size=photo.size)
                row.file.save(getattr(photo.file, "name", "") or "photo", photo.file, save=False)
                stored.append(row)
        written = intake_write(order, [*stored, *events, *assignments, *notices, *advised], day=day)
    except BaseException:
        for row in stored:
            row.file.delete(save=False)
        raise
    if not written:  # the same key was used before, or concurrently: that order
        for row in stored:
            row.file.delete(save=False)
        existing = _existing(source, idempotency_key or "")
        if existing is None:  # cannot happen: the key's order is committed before we look
            raise RuntimeError("an idempotency key conflicted but its order is not found")
        return existing
    notifications_written(notices)
    _written(
        order, by=by, unit_id=grant.unit_id, events=events, assignments=assignments, photos=stored
    )
    return order


@dataclass(frozen=True)
class IntakeWritten:
    """The rows intake wrote with a new order (a new order has these and no others), kept on
    the returned order as `intake_written` so that an edge can answer without reading them
    back (workorders.api). Absent on an order returned for a repeated idempotency key."""

    events: list[WorkOrderEvent]
    assignments: list[Assignment]
    photos: list[Photo]


def _written(
    order: WorkOrder,
    *,
    by: Person | None,
    unit_id: int | None,
    events: list[WorkOrderEvent],
    assignments: list[Assignment],
    photos: list[Photo],
) -> None:
    """Keep what intake wrote on the returned order (IntakeWritten), with the acting unit of
    the received event and the place objects the answer names."""
    if unit_id is not None:
        unit = next((u for _r, uid, u in memberships_of(by) if uid == unit_id), None)
        if unit is not None:
            events[0].actor_unit = unit
    # The place names an answer shows, from the remembered places (no query per order).
    for name, model in (
        ("compound", Compound),
        ("community", Community),
        ("subdistrict", Subdistrict),
    ):
        pk = getattr(order, f"{name}_id")
        if pk is not None and name not in order._state.fields_cache:
            found = reference.place(model, pk)
            if found is not None:
                # The id is the place's already: cached as the descriptor would, without its
                # database routing checks.
                WorkOrder._meta.get_field(name).set_cached_value(order, found)  # type: ignore[union-attr]
    order.intake_written = IntakeWritten(  # type: ignore[attr-defined]
        events=events, assignments=assignments, photos=photos
    )
