"""Who may do what to a work order: plain predicates, tested as a full role × action grid.

The status question (is the action allowed from this status?) is transitions.TABLE's; this
module answers the person question. The grid:

| action                        | who                                                             |
| ----------------------------- | --------------------------------------------------------------- |
| receive (hotline channel)     | hotline operator, dispatcher, administrator                     |
| receive (web, app, wechat)    | anyone signed in, or an API client (no person); hotline roles   |
| receive (rider_snap)          | rider, or an API client; hotline roles                          |
| receive (walking_round)       | social worker, community secretary, subdistrict/property staff  |
| receive (deliberation)        | community secretary, social worker, subdistrict staff           |
| receive (proactive)           | any staff role                                                  |
| dispatch, redispatch, merge,  | dispatcher                                                      |
| decline, extension_decide     |                                                                 |
| accept, contact, resolve,     | staff of the order's lead unit (subdistrict, community,         |
| extension_request, return     | property, department or district staff role in that unit)       |
| whistle                       | subdistrict staff of the office of the order's subdistrict      |
| whistle report-in / action    | staff of the summoned department                                |
| assist_done                   | staff of a unit assisting the order now (协办)                   |
| callback                      | callback agent                                                  |
| requester_rate                | nobody by role: the requester, proven by the phone on the order |
|                               | (the service checks it; grant_for answers None for everyone)    |
| close, reopen                 | callback agent, dispatcher                                      |
| mark_unreasonable             | dispatcher, administrator                                       |
| reveal requester              | operator, dispatcher, callback agent, administrator; staff of   |
|                               | the lead unit while the order is dispatched/accepted/contacted  |

A superuser counts as an administrator, nothing more: the desk and handling actions need the
person actually holding that role, so that the record says who did it in which capacity.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from gongzhi.accounts.models import Membership, Person, Role, Unit
from gongzhi.workorders.models import HANDLING_STATUSES, Channel, WhistleCall, WorkOrder
from gongzhi.workorders.transitions import Action

HOTLINE_ROLES = frozenset({Role.HOTLINE_OPERATOR, Role.DISPATCHER, Role.ADMINISTRATOR})
HOTLINE_CENTRE_ROLES = frozenset(
    {Role.HOTLINE_OPERATOR, Role.DISPATCHER, Role.CALLBACK_AGENT, Role.ADMINISTRATOR}
)
# Roles whose holders handle orders for their unit.
HANDLER_ROLES = frozenset(
    {
        Role.SUBDISTRICT_STAFF,
        Role.COMMUNITY_SECRETARY,
        Role.SOCIAL_WORKER,
        Role.PROPERTY_STAFF,
        Role.DEPARTMENT_STAFF,
        Role.DISTRICT_STAFF,
    }
)
CITIZEN_ROLES = frozenset({Role.RESIDENT, Role.RIDER, Role.VOLUNTEER})
STAFF_ROLES = frozenset(set(Role) - CITIZEN_ROLES)

# Roles (besides the hotline roles) that may file through each channel. None in the set means
# an API client without a signed-in person (the edge authenticated the client system).
RECEIVE_ROLES: dict[str, frozenset[Any]] = {
    Channel.HOTLINE: frozenset(),
    Channel.WEB: frozenset(set(Role)) | {None},
    Channel.APP: frozenset(set(Role)) | {None},
    Channel.WECHAT: frozenset(set(Role)) | {None},
    Channel.RIDER_SNAP: frozenset({Role.RIDER, None}),
    Channel.WALKING_ROUND: frozenset(
        {Role.SOCIAL_WORKER, Role.COMMUNITY_SECRETARY, Role.SUBDISTRICT_STAFF, Role.PROPERTY_STAFF}
    ),
    Channel.DELIBERATION: frozenset(
        {Role.COMMUNITY_SECRETARY, Role.SOCIAL_WORKER, Role.SUBDISTRICT_STAFF}
    ),
    Channel.PROACTIVE: STAFF_ROLES,
}

DESK_ACTIONS: dict[Action, frozenset[str]] = {
    Action.DISPATCH: frozenset({Role.DISPATCHER}),
    Action.REDISPATCH: frozenset({Role.DISPATCHER}),
    Action.MERGE: frozenset({Role.DISPATCHER}),
    Action.DECLINE: frozenset({Role.DISPATCHER}),
    Action.EXTENSION_DECIDE: frozenset({Role.DISPATCHER}),
    Action.CALLBACK: frozenset({Role.CALLBACK_AGENT}),
    Action.CALLBACK_UNREACHED: frozenset({Role.CALLBACK_AGENT}),
    Action.CLOSE: frozenset({Role.CALLBACK_AGENT, Role.DISPATCHER}),
    Action.REOPEN: frozenset({Role.CALLBACK_AGENT, Role.DISPATCHER}),
    Action.MARK_UNREASONABLE: frozenset({Role.DISPATCHER, Role.ADMINISTRATOR}),
}
LEAD_UNIT_ACTIONS = frozenset(
    {
        Action.ACCEPT,
        Action.CONTACT,
        Action.RESOLVE,
        Action.EXTENSION_REQUEST,
        Action.RETURN,
    }
)


@dataclass(frozen=True)
class Grant:
    """Permission to act, and the unit in whose name the person acts (for the event row)."""

    role: str
    unit_id: int | None


def memberships_of(person: Person | None) -> tuple[tuple[str, int | None, Unit | None], ...]:
    """(role, unit id, unit) of the person's active memberships; cached on the person."""
    if person is None or not person.is_authenticated:
        return ()
    cached = getattr(person, "_gongzhi_workorder_roles", None)
    if cached is not None:
        return cached
    rows = tuple(
        (m.role, m.unit_id, m.unit)
        for m in Membership.objects.filter(person=person, is_active=True).select_related("unit")
    )
    if person.is_superuser and not any(r == Role.ADMINISTRATOR for r, _, _ in rows):
        rows = (*rows, (Role.ADMINISTRATOR.value, None, None))
    remember_memberships(person, rows)
    return rows


def remember_memberships(
    person: Person, rows: tuple[tuple[str, int | None, Unit | None], ...]
) -> None:
    """Give `person` the memberships `memberships_of` would read (an API key's cached ones:
    open311.selectors)."""
    person._gongzhi_workorder_roles = rows  # type: ignore[attr-defined]


def _with_role(person: Person | None, roles: frozenset[str]) -> Grant | None:
    for role, unit_id, _unit in memberships_of(person):
        if role in roles:
            return Grant(role, unit_id)
    return None


def _in_unit(person: Person | None, unit_id: int | None, roles: frozenset[str]) -> Grant | None:
    if unit_id is None:
        return None
    for role, member_unit_id, _unit in memberships_of(person):
        if member_unit_id == unit_id and role in roles:
            return Grant(role, unit_id)
    return None


def receive_grant(person: Person | None, channel: str) -> Grant | None:
    """May this person (None: an authenticated API client) file an order on this channel?"""
    allowed = RECEIVE_ROLES.get(channel, frozenset())
    if person is None:
        return Grant("client", None) if None in allowed else None
    grant = _with_role(person, HOTLINE_ROLES)
    if grant is not None:
        return grant
    roles = frozenset(r for r in allowed if r is not None)
    grant = _with_role(person, roles)
    if grant is None and channel in (Channel.WEB, Channel.APP, Channel.WECHAT):
        # Any signed-in person may file for themselves, even without a membership yet.
        return Grant(Role.RESIDENT, None) if person.is_authenticated else None
    return grant


def grant_for(person: Person | None, action: Action, order: WorkOrder) -> Grant | None:
    """The grant that lets `person` do `action` to `order`, or None. Status is not checked."""
    if action in DESK_ACTIONS:
        return _with_role(person, DESK_ACTIONS[action])
    if action in LEAD_UNIT_ACTIONS:
        return _in_unit(person, order.lead_unit_id, HANDLER_ROLES)
    if action is Action.WHISTLE:
        for role, unit_id, unit in memberships_of(person):
            if (
                role == Role.SUBDISTRICT_STAFF
                and unit is not None
                and unit.kind == Unit.Kind.SUBDISTRICT_OFFICE
                and order.subdistrict_id is not None
                and unit.subdistrict_id == order.subdistrict_id
            ):
                return Grant(role, unit_id)
        return None
    if action is Action.ASSIST_DONE:
        assisting = set(
            order.assignments.filter(released_at__isnull=True, role="assist").values_list(
                "unit_id", flat=True
            )
        )
        for role, unit_id, _unit in memberships_of(person):
            if unit_id in assisting and role in HANDLER_ROLES:
                return Grant(role, unit_id)
        return None
    if action is Action.REVEAL:
        grant = _with_role(person, HOTLINE_CENTRE_ROLES)
        if grant is not None:
            return grant
        if order.status in HANDLING_STATUSES:
            return _in_unit(person, order.lead_unit_id, HANDLER_ROLES)
        return None
    if action is Action.RECEIVE:
        return receive_grant(person, order.channel)
    return None


def whistle_grant(person: Person | None, call: WhistleCall) -> Grant | None:
    """Staff of the summoned department may report in and record its action."""
    return _in_unit(person, call.department_id, STAFF_ROLES)


# --- Guards by verb (what pages use to show or hide a button) -------------------------------
# Each checks both the status (transition table) and the person (grant).


def _can(person: Person | None, action: Action, order: WorkOrder) -> bool:
    from gongzhi.workorders.transitions import allowed

    return allowed(order, action) and grant_for(person, action, order) is not None


def can_dispatch(person: Person | None, order: WorkOrder) -> bool:
    return _can(person, Action.DISPATCH, order)


def can_redispatch(person: Person | None, order: WorkOrder) -> bool:
    return _can(person, Action.REDISPATCH, order)


def can_accept(person: Person | None, order: WorkOrder) -> bool:
    return _can(person, Action.ACCEPT, order)


def can_contact(person: Person | None, order: WorkOrder) -> bool:
    return _can(person, Action.CONTACT, order)


def can_request_extension(person: Person | None, order: WorkOrder) -> bool:
    return _can(person, Action.EXTENSION_REQUEST, order)


def can_decide_extension(person: Person | None, order: WorkOrder) -> bool:
    return _can(person, Action.EXTENSION_DECIDE, order)


def can_return(person: Person | None, order: WorkOrder) -> bool:
    return _can(person, Action.RETURN, order)


def can_whistle(person: Person | None, order: WorkOrder) -> bool:
    return _can(person, Action.WHISTLE, order)


def can_report_assist_done(person: Person | None, order: WorkOrder) -> bool:
    return _can(person, Action.ASSIST_DONE, order)


def can_resolve(person: Person | None, order: WorkOrder) -> bool:
    return _can(person, Action.RESOLVE, order)


def can_callback(person: Person | None, order: WorkOrder) -> bool:
    return _can(person, Action.CALLBACK, order)


def can_close(person: Person | None, order: WorkOrder) -> bool:
    return _can(person, Action.CLOSE, order)


def can_reopen(person: Person | None, order: WorkOrder) -> bool:
    return _can(person, Action.REOPEN, order)


def can_merge(person: Person | None, order: WorkOrder) -> bool:
    return _can(person, Action.MERGE, order)


def can_decline(person: Person | None, order: WorkOrder) -> bool:
    return _can(person, Action.DECLINE, order)


def can_mark_unreasonable(person: Person | None, order: WorkOrder) -> bool:
    return _can(person, Action.MARK_UNREASONABLE, order)


def can_reveal_requester(person: Person | None, order: WorkOrder) -> bool:
    return grant_for(person, Action.REVEAL, order) is not None


def can_report_whistle(person: Person | None, call: WhistleCall) -> bool:
    return whistle_grant(person, call) is not None


def available_actions(person: Person | None, order: WorkOrder) -> list[Action]:
    """The actions this person may take on this order now (status and person both allow)."""
    from gongzhi.workorders.transitions import actions_from

    return [
        a
        for a in actions_from(order.status)
        if a not in (Action.RECEIVE, Action.AUTO_DISPATCH)
        and grant_for(person, a, order) is not None
    ]
