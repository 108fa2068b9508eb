"""One order's life, simulated in memory: the steps the services would take, in time order,
each checked against the one transition table (transitions.TABLE), with deadlines from sla.py
and the deadline scan's warnings and overdue marks where the scan would have written them.

`Sim` holds the order's fields and the rows that hang on it (events, assignments, callbacks,
whistle calls, extension requests) exactly as the services leave them; `Sim.act()` is the one
place a step happens. A step later than `now` does not happen: the simulation stops there and
the order is left open at whatever step it had reached, like the real ones of the last days.

Event rows reference the callback, whistle call or extension they record by primary key; those
are not known before the rows are inserted, so the data holds a `Ref` that the writer replaces.
"""

from __future__ import annotations

import bisect
import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Model

from gongzhi.workorders import sla
from gongzhi.workorders.models import OPEN_STATUSES, Assignment, EventKind, UnitRole
from gongzhi.workorders.services.deadlines import CHECKS
from gongzhi.workorders.transitions import TABLE, Action

# The action each event kind records (the scan's and the whistle department's events change
# no status and are not actions of the order's transition table).
EVENT_ACTION: dict[str, Action] = {
    EventKind.RECEIVED: Action.RECEIVE,
    EventKind.DISPATCHED: Action.DISPATCH,
    EventKind.AUTO_DISPATCHED: Action.AUTO_DISPATCH,
    EventKind.ACCEPTED: Action.ACCEPT,
    EventKind.CONTACTED: Action.CONTACT,
    EventKind.EXTENSION_REQUESTED: Action.EXTENSION_REQUEST,
    EventKind.EXTENSION_APPROVED: Action.EXTENSION_DECIDE,
    EventKind.EXTENSION_DENIED: Action.EXTENSION_DECIDE,
    EventKind.RETURNED: Action.RETURN,
    EventKind.REDISPATCHED: Action.REDISPATCH,
    EventKind.WHISTLE_CALLED: Action.WHISTLE,
    EventKind.RESOLVED: Action.RESOLVE,
    EventKind.CALLBACK: Action.CALLBACK,
    EventKind.CALLBACK_UNREACHED: Action.CALLBACK_UNREACHED,
    EventKind.CLOSED: Action.CLOSE,
    EventKind.REOPENED: Action.REOPEN,
    EventKind.MERGED: Action.MERGE,
    EventKind.DECLINED: Action.DECLINE,
    EventKind.MARKED_UNREASONABLE: Action.MARK_UNREASONABLE,
}

SCAN_LAG = dt.timedelta(seconds=40)  # the scan runs every minute


class Stopped(Exception):
    """The next step would be after `now`: the order stays where it is."""


class NotAllowed(Exception):
    """A generator bug: a step the transition table does not allow."""


class Row:
    """A row to insert later: its model and its values by attname, read and set as
    attributes (`row.state = …`). Not a model instance: building two hundred thousand of
    those would cost more than inserting them. The writer gives each row its `id`."""

    def __init__(self, model: type[Model], **values: Any) -> None:
        object.__setattr__(self, "model", model)
        object.__setattr__(self, "values", {"id": None, **values})

    def __getattr__(self, name: str) -> Any:
        try:
            return self.values[name]
        except KeyError:
            raise AttributeError(name) from None

    def __setattr__(self, name: str, value: Any) -> None:
        self.values[name] = value


@dataclass
class Ref:
    """Points at a row whose primary key the writer fills in (callback, whistle call,
    extension) from an event's data."""

    row: Row

    @property
    def pk(self) -> int:
        return int(self.row.id)


@dataclass
class Ev:
    at: dt.datetime
    kind: str
    actor_id: int | None
    unit_id: int | None
    from_status: str
    to_status: str
    note: str = ""
    data: dict[str, Any] = field(default_factory=dict)


@dataclass
class Sim:
    """An order being lived through. `fields` are WorkOrder keyword arguments."""

    fields: dict[str, Any]
    now: dt.datetime
    limits: sla.Limits
    status: str = ""
    events: list[Ev] = field(default_factory=list)
    assignments: list[Row] = field(default_factory=list)
    callbacks: list[Row] = field(default_factory=list)
    whistles: list[Row] = field(default_factory=list)
    extensions: list[Row] = field(default_factory=list)
    merged_into: Sim | None = None
    # (at, status) after each change of status, for "what was its status at t?"
    timeline: list[tuple[dt.datetime, str]] = field(default_factory=list)

    # --- the one place a step happens ----------------------------------------------------

    def act(
        self,
        action: Action,
        kind: str,
        at: dt.datetime,
        *,
        actor: int | None = None,
        unit: int | None = None,
        note: str = "",
        data: dict[str, Any] | None = None,
    ) -> None:
        if at > self.now:
            self.scan(self.now)
            raise Stopped
        if self.events and at < self.events[-1].at:
            raise NotAllowed(f"{kind} at {at} before {self.events[-1].kind}")
        self.scan(at)
        transition = TABLE[action]
        if self.status not in transition.sources:
            raise NotAllowed(f"{action} from {self.status!r}")
        target = transition.target or self.status
        self.events.append(Ev(at, kind, actor, unit, self.status, target, note, dict(data or {})))
        if target != self.status:
            self.timeline.append((at, target))
        self.status = target

    def note(
        self,
        kind: str,
        at: dt.datetime,
        *,
        actor: int | None = None,
        unit: int | None = None,
        note: str = "",
        data: dict[str, Any] | None = None,
    ) -> None:
        """An event that is not a transition of the order (a department's report-in)."""
        if at > self.now:
            self.scan(self.now)
            raise Stopped
        self.scan(at)
        self.events.append(Ev(at, kind, actor, unit, self.status, self.status, note, data or {}))

    def status_at(self, at: dt.datetime) -> str:
        i = bisect.bisect_right([t for t, _s in self.timeline], at)
        return self.timeline[i - 1][1] if i else ""

    def insert_event(self, ev: Ev) -> None:
        """Add an event written by another order's step (the original of a merge)."""
        i = bisect.bisect_right([e.at for e in self.events], ev.at)
        self.events.insert(i, ev)

    # --- the deadline scan, as services/deadlines.py would have run it -------------------

    def scan(self, until: dt.datetime) -> None:
        """Warnings and overdue marks whose time came before `until` while the order was open."""
        f = self.fields
        while self.status in OPEN_STATUSES:
            due: list[tuple[dt.datetime, Any]] = []
            for check in CHECKS:
                if f.get(check.flag_field) is not None:
                    continue
                when = f.get(check.time_field)
                if when is None:
                    continue
                # The contact checks look only at orders not contacted yet.
                if check.time_field.startswith("contact") and f.get("contacted_at") is not None:
                    continue
                at = when + SCAN_LAG
                if at <= until:
                    due.append((at, check))
            if not due:
                return
            at, check = min(due, key=lambda pair: pair[0])
            if self.events and at < self.events[-1].at:
                at = self.events[-1].at
            f[check.flag_field] = at
            for name, value in check.also_set:
                f[name] = value
            deadline = f.get(check.due_field)
            self.events.append(
                Ev(
                    at,
                    check.event,
                    None,
                    None,
                    self.status,
                    self.status,
                    "",
                    {"due": _iso_utc(deadline) if deadline else None},
                )
            )

    # --- what the services set besides the status ---------------------------------------

    def assign(self, lead: int, assisting: tuple[int, ...], at: dt.datetime) -> None:
        self.release(at)
        self.assignments.extend(
            Row(
                Assignment,
                unit_id=unit,
                role=role,
                assigned_at=at,
                state=Assignment.State.ASSIGNED,
                released_at=None,
            )
            for unit, role in ((lead, UnitRole.LEAD), *((u, UnitRole.ASSIST) for u in assisting))
        )
        self.fields["lead_unit_id"] = lead
        self.fields["accepted_at"] = None
        if self.fields.get("dispatched_at") is None:
            self.fields["dispatched_at"] = at

    def release(self, at: dt.datetime) -> None:
        for a in self.assignments:
            if a.released_at is None:
                a.released_at = at
                a.state = Assignment.State.RELEASED

    def lead_assignment(self, state: str) -> None:
        for a in self.assignments:
            if (
                a.released_at is None
                and a.role == UnitRole.LEAD
                and a.unit_id == self.fields.get("lead_unit_id")
            ):
                a.state = state


def _iso_utc(value: dt.datetime) -> str:
    """How a datetime read back from the database prints (UTC), as the services store it."""
    return value.astimezone(dt.UTC).isoformat()


def iso(value: dt.datetime) -> str:
    return value.isoformat()
