"""Who may see and act on a hotspot or a cluster: staff whose scope covers its place
(accounts.selectors.person_scope). The work-order and deliberation services then check their
own rules for what the action creates (a proactive order: any staff role; a proposal: staff
of the place's community or subdistrict)."""

from __future__ import annotations

from gongzhi.accounts.models import Person
from gongzhi.accounts.selectors import Scope, person_scope
from gongzhi.insights.hotspots.models import Signal


def can_see_signal(scope: Scope, signal: Signal) -> bool:
    if scope.everything:
        return True
    if not scope.is_staff_scope:
        return False
    return (
        signal.subdistrict_id in scope.subdistrict_ids
        or signal.community_id in scope.community_ids
        or (signal.compound_id is not None and signal.compound_id in scope.compound_ids)
    )


def can_act_on_signal(person: Person | None, signal: Signal) -> bool:
    """Turn it into an order or a proposal, or dismiss it."""
    if person is None or not person.is_authenticated:
        return False
    scope = person_scope(person)
    return scope.is_staff_scope and can_see_signal(scope, signal)
