"""The one table of allowed transitions of a work order.

`TABLE[action] = Transition(sources, target)`: the action is allowed when the order's status is
in `sources` and moves it to `target` (None: the status does not change, e.g. an extension
request or a whistle). Every service checks its action here with `check()`; who may do it is a
separate question answered by rules.py.

The main line:  received → dispatched → accepted → contacted → resolved → called_back → closed
Side roads:     dispatched → returned → (redispatch) → dispatched;  received → declined | merged;
                called_back (not resolved) → reopen → accepted.

A reopened order goes back to its lead unit as `accepted`: the unit contacts the requester again
and resolves again, against a new resolution deadline.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from gongzhi.workorders.errors import TransitionNotAllowed
from gongzhi.workorders.models import Status, WorkOrder


class Action(StrEnum):
    RECEIVE = "receive"
    DISPATCH = "dispatch"
    AUTO_DISPATCH = "auto_dispatch"
    ACCEPT = "accept"
    CONTACT = "contact"
    EXTENSION_REQUEST = "extension_request"
    EXTENSION_DECIDE = "extension_decide"
    RETURN = "return"
    REDISPATCH = "redispatch"
    WHISTLE = "whistle"
    ASSIST_DONE = "assist_done"
    RESOLVE = "resolve"
    CALLBACK = "callback"
    CALLBACK_UNREACHED = "callback_unreached"
    # The requester's own rating online: the callback of its round (see services.closing).
    REQUESTER_RATE = "requester_rate"
    CLOSE = "close"
    REOPEN = "reopen"
    MERGE = "merge"
    DECLINE = "decline"
    MARK_UNREASONABLE = "mark_unreasonable"
    REVEAL = "reveal"


@dataclass(frozen=True)
class Transition:
    sources: frozenset[str]
    target: str | None  # None: the status stays as it is


S = Status
_HANDLING = frozenset({S.ACCEPTED, S.CONTACTED})
_NOT_FINAL = frozenset(set(S) - {S.MERGED, S.DECLINED})

TABLE: dict[Action, Transition] = {
    # `receive` creates the order; its only "source" is no status at all.
    Action.RECEIVE: Transition(frozenset({""}), S.RECEIVED),
    Action.DISPATCH: Transition(frozenset({S.RECEIVED}), S.DISPATCHED),
    Action.AUTO_DISPATCH: Transition(frozenset({S.RECEIVED}), S.DISPATCHED),
    Action.ACCEPT: Transition(frozenset({S.DISPATCHED}), S.ACCEPTED),
    # In a reopened round the unit contacts the requester again (accepted → contacted).
    Action.CONTACT: Transition(frozenset({S.ACCEPTED}), S.CONTACTED),
    Action.EXTENSION_REQUEST: Transition(_HANDLING, None),
    Action.EXTENSION_DECIDE: Transition(_HANDLING, None),
    # 首接负责: a unit may send back a mis-dispatch only before it accepts the order.
    Action.RETURN: Transition(frozenset({S.DISPATCHED}), S.RETURNED),
    # The dispatcher may move an order to another unit at any point before it is resolved.
    Action.REDISPATCH: Transition(
        frozenset({S.RETURNED, S.DISPATCHED, S.ACCEPTED, S.CONTACTED}), S.DISPATCHED
    ),
    Action.WHISTLE: Transition(_HANDLING, None),
    # An assisting unit (协办) reports its part done; the lead unit still resolves the order.
    Action.ASSIST_DONE: Transition(_HANDLING, None),
    Action.RESOLVE: Transition(frozenset({S.CONTACTED}), S.RESOLVED),
    Action.CALLBACK: Transition(frozenset({S.RESOLVED}), S.CALLED_BACK),
    Action.CALLBACK_UNREACHED: Transition(frozenset({S.RESOLVED}), None),
    Action.REQUESTER_RATE: Transition(frozenset({S.RESOLVED}), S.CALLED_BACK),
    Action.CLOSE: Transition(frozenset({S.RESOLVED, S.CALLED_BACK}), S.CLOSED),
    Action.REOPEN: Transition(frozenset({S.CALLED_BACK, S.CLOSED}), S.ACCEPTED),
    Action.MERGE: Transition(frozenset({S.RECEIVED, S.DISPATCHED, S.RETURNED}), S.MERGED),
    Action.DECLINE: Transition(frozenset({S.RECEIVED, S.RETURNED}), S.DECLINED),
    Action.MARK_UNREASONABLE: Transition(_NOT_FINAL, None),
    Action.REVEAL: Transition(frozenset(set(S)), None),
}


def allowed(order: WorkOrder, action: Action) -> bool:
    return order.status in TABLE[action].sources


def check(order: WorkOrder, action: Action) -> str:
    """The status the order moves to (its current one when unchanged); raises
    TransitionNotAllowed when the table does not allow `action` from the order's status."""
    transition = TABLE[action]
    if order.status not in transition.sources:
        raise TransitionNotAllowed(action=str(action), status=order.status, order=order.number)
    return transition.target or order.status


def actions_from(status: str) -> list[Action]:
    """The actions the table allows from a status (for pages that show the next steps)."""
    return [action for action, t in TABLE.items() if status in t.sources]
