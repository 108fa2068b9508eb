"""The shared first and last steps of every service: lock the case, check the step and the
person, append the event, notify after commit. Used only inside the services package."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.utils import timezone

from gongzhi.accounts.models import Person, Unit
from gongzhi.deliberation import rules
from gongzhi.deliberation.errors import NotPermitted
from gongzhi.deliberation.models import Case, CaseEvent
from gongzhi.deliberation.transitions import Action, check
from gongzhi.notifications.services import notify


def now_or(at: dt.datetime | None) -> dt.datetime:
    if at is not None and timezone.is_naive(at):
        raise ValueError("naive datetime given to a service; pass an aware one")
    return at or timezone.now()


def lock_case(case: Case | int) -> Case:
    """The case re-read with its row locked until the transaction ends."""
    pk = case if isinstance(case, int) else case.pk
    return Case.objects.select_for_update(of=("self",)).get(pk=pk)


def begin(case: Case | int, action: Action, by: Person | None) -> tuple[Case, rules.Grant, str]:
    """Lock the case, check the step against transitions.TABLE (StepNotAllowed) and the person
    against rules.STAFF_ACTIONS (NotPermitted). Returns the locked case, grant and target."""
    locked = lock_case(case)
    target = check(locked, action)
    grant = rules.case_grant(by, action, locked.place)
    if grant is None:
        raise NotPermitted(action=str(action), case=locked.number)
    return locked, grant, target


def move(case: Case, target: str, *, at: dt.datetime) -> str:
    """Set the case's step (the caller has locked and checked it); returns the old step."""
    from_step = case.step
    if target != from_step:
        case.step = target
        case.step_changed_at = at
        case.save(
            update_fields=["step", "step_changed_at", "closed_at", "reopen_count", "updated_at"]
        )
    return from_step


def record(
    case: Case,
    kind: str,
    *,
    at: dt.datetime,
    by: Person | None = None,
    from_step: str = "",
    to_step: str = "",
    note: str = "",
    data: dict[str, Any] | None = None,
) -> CaseEvent:
    """Append one event. The only way case events are written."""
    return CaseEvent.objects.create(
        case=case,
        at=at,
        kind=kind,
        actor=by,
        from_step=from_step or case.step,
        to_step=to_step or from_step or case.step,
        note=note,
        data=data or {},
    )


def send(
    event: str,
    *,
    recipients: Iterable[Person | Unit | None],
    case: Case | None = None,
    **params: Any,
) -> None:
    """Queue a notification through gongzhi.notifications (sent after commit)."""
    values: dict[str, Any] = {}
    if case is not None:
        values.update(number=case.number, title=case.title)
    values.update(params)
    notify(recipients=list(recipients), event=event, params=values)
