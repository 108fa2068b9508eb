"""Reads of work orders that carry visibility rules. No page or API reads orders any other way.

Who sees which orders (`orders_visible_to`):

- hotline centre roles (operator, dispatcher, callback agent), district staff and
  administrators (and superusers): every order;
- subdistrict staff: the orders placed in their office's subdistrict;
- community secretaries and social workers: the orders placed in their committee's community;
- property staff: the orders at the compounds their company serves;
- any staff member: the orders their unit leads or assists (now or before) or was summoned to
  by a whistle;
- residents, riders, volunteers: only the orders they filed while signed in (and anyone may
  follow one order by its number and the requester's phone: `order_lookup_public`).
"""

from __future__ import annotations

from django.db.models import Prefetch, Q, QuerySet

from gongzhi.accounts.models import Person, Role, Unit
from gongzhi.workorders.errors import NotFound
from gongzhi.workorders.models import (
    HANDLING_STATUSES,
    Assignment,
    Callback,
    ExtensionRequest,
    Status,
    WhistleCall,
    WorkOrder,
    WorkOrderEvent,
)
from gongzhi.workorders.privacy import same_phone
from gongzhi.workorders.rules import STAFF_ROLES, memberships_of

ALL_ORDERS_ROLES = frozenset(
    {
        Role.HOTLINE_OPERATOR,
        Role.DISPATCHER,
        Role.CALLBACK_AGENT,
        Role.DISTRICT_STAFF,
        Role.ADMINISTRATOR,
    }
)
COMMUNITY_ROLES = frozenset({Role.COMMUNITY_SECRETARY, Role.SOCIAL_WORKER})

LIST_RELATED = ("category", "lead_unit", "community", "subdistrict", "compound")


def _base() -> QuerySet[WorkOrder]:
    return WorkOrder.objects.select_related(*LIST_RELATED)


def visibility_filter(person: Person | None) -> Q | None:
    """The condition on WorkOrder rows this person may see; None means every order."""
    if person is None or not person.is_authenticated:
        return Q(pk__in=[])
    memberships = memberships_of(person)
    if person.is_superuser or any(role in ALL_ORDERS_ROLES for role, _, _ in memberships):
        return None
    where = Q(requester_person=person)
    staff_units = {uid for role, uid, _ in memberships if role in STAFF_ROLES and uid}
    if staff_units:
        where |= Q(
            pk__in=Assignment.objects.filter(unit_id__in=staff_units).values("order_id")
        ) | Q(pk__in=WhistleCall.objects.filter(department_id__in=staff_units).values("order_id"))
    subdistricts = {
        unit.subdistrict_id
        for role, _, unit in memberships
        if role == Role.SUBDISTRICT_STAFF and unit is not None and unit.subdistrict_id
    }
    communities = {
        unit.community_id
        for role, _, unit in memberships
        if role in COMMUNITY_ROLES and unit is not None and unit.community_id
    }
    property_units = {uid for role, uid, _ in memberships if role == Role.PROPERTY_STAFF and uid}
    if subdistricts:
        where |= Q(subdistrict_id__in=subdistricts)
    if communities:
        where |= Q(community_id__in=communities)
    if property_units:
        where |= Q(
            compound_id__in=Unit.compounds.through.objects.filter(
                unit_id__in=property_units
            ).values("compound_id")
        )
    return where


def orders_visible_to(person: Person | None) -> QuerySet[WorkOrder]:
    """Every order this person may see, newest first, with list relations loaded."""
    where = visibility_filter(person)
    qs = _base()
    return qs if where is None else qs.filter(where)


def can_see_order(person: Person | None, order: WorkOrder) -> bool:
    return orders_visible_to(person).filter(pk=order.pk).exists()


def order_get_for(person: Person | None, number: str) -> WorkOrder:
    """The order with this number if the person may see it; NotFound otherwise (the two cases
    are not told apart)."""
    try:
        return orders_visible_to(person).get(number=number)
    except WorkOrder.DoesNotExist:
        raise NotFound(number=number) from None


def order_lookup_public(number: str, phone: str) -> WorkOrder | None:
    """An order followed by its number and the requester's phone (for people not signed in).
    Both must match (the phone compared normalised: privacy.same_phone); None otherwise."""
    number = (number or "").strip()
    if not number or not phone:
        return None
    order = _base().filter(number=number).first()
    if order is None or not same_phone(phone, order.requester_phone):
        return None
    return order


def order_detail(order: WorkOrder) -> WorkOrder:
    """The order with what its page shows prefetched: timeline, units, photos, whistles,
    callbacks and extensions (a fixed number of queries)."""
    return (
        _base()
        .prefetch_related(
            Prefetch(
                "events",
                queryset=WorkOrderEvent.objects.select_related("actor", "actor_unit"),
            ),
            Prefetch("assignments", queryset=Assignment.objects.select_related("unit")),
            "photos",
            Prefetch("whistle_calls", queryset=WhistleCall.objects.select_related("department")),
            Prefetch("callbacks", queryset=Callback.objects.select_related("by")),
            Prefetch("extensions", queryset=ExtensionRequest.objects.select_related("unit")),
        )
        .get(pk=order.pk)
    )


def order_timeline(order: WorkOrder) -> QuerySet[WorkOrderEvent]:
    return order.events.select_related("actor", "actor_unit").order_by("at", "id")


def unit_queue(unit: Unit, *, statuses: tuple[str, ...] = HANDLING_STATUSES) -> QuerySet[WorkOrder]:
    """The orders a unit leads and still handles: first priority first, then the nearest
    resolution deadline."""
    return (
        _base()
        .filter(lead_unit=unit, status__in=statuses)
        .order_by("priority", "resolve_due_at", "received_at")
    )


def unit_assisting(unit: Unit) -> QuerySet[WorkOrder]:
    """Orders the unit assists (协办) that are still being handled."""
    return (
        _base()
        .filter(
            assignments__unit=unit,
            assignments__role="assist",
            assignments__released_at__isnull=True,
            status__in=HANDLING_STATUSES,
        )
        .order_by("priority", "resolve_due_at")
    )


def unit_whistle_calls(unit: Unit, *, open_only: bool = True) -> QuerySet[WhistleCall]:
    """Whistle calls to a department, the earliest report-in deadline first."""
    qs = WhistleCall.objects.filter(department=unit).select_related(
        "order", "order__category", "caller_unit"
    )
    if open_only:
        qs = qs.exclude(state=WhistleCall.State.ACTED)
    return qs.order_by("report_due_at", "id")


def dispatcher_desk() -> QuerySet[WorkOrder]:
    """Orders waiting for a dispatcher: new ones the matrix did not place and returned ones.
    With their categories' parents (a card shows the full name and the matrix walks up the
    tree: no query per card)."""
    return (
        _base()
        .select_related("category__parent__parent")
        .filter(status__in=(Status.RECEIVED, Status.RETURNED))
        .order_by("priority", "received_at")
    )


def extension_desk() -> QuerySet[ExtensionRequest]:
    return (
        ExtensionRequest.objects.filter(state=ExtensionRequest.State.PENDING)
        .select_related("order", "order__category", "unit", "requested_by")
        .order_by("requested_at")
    )


def callback_desk() -> QuerySet[WorkOrder]:
    """Resolved orders awaiting a callback, the longest waiting first."""
    return _base().filter(status=Status.RESOLVED).order_by("priority", "resolved_at")


def orders_of_requester(person: Person) -> QuerySet[WorkOrder]:
    return _base().filter(requester_person=person)
