"""Who may do what in 共商共治: plain predicates, tested as a role × action × step grid.

The step question (is the action allowed at this step?) is transitions.TABLE's; this module
answers the person question, and the `can_<verb>` guards answer both for the pages.

| action                                   | who                                                  |
| ---------------------------------------- | ---------------------------------------------------- |
| propose (origin resident)                | a resident of the place                              |
| propose (hotspot, work orders, walking   | staff running the place: the community's secretary   |
| round, staff)                            | or social worker, the subdistrict's staff            |
| support                                  | a resident of the place, once                        |
| screen: accept, merge, decline; withdraw | the community's secretary, the subdistrict's staff   |
| publish resolution; create, plan, launch |   (LEADERS)                                          |
| project; close evaluation                |                                                      |
| schedule and run a meeting, sign in for  | secretary, social worker, subdistrict staff          |
| others, motions, hand counts, minutes,   |   (RUNNERS)                                          |
| photos; answer objections; link orders   |                                                      |
| sign in (self), vote                     | a serving representative of the meeting's place, or  |
|                                          | the substitute standing in for one                   |
| object to a resolution on notice         | a resident of the case's place                       |
| report progress, spend, milestones       | staff of a responsible unit of the project; LEADERS  |
| complete the project                     | staff of the lead unit; LEADERS                      |
| supervision visit                        | a serving representative within the case's community |
| rate                                     | a resident of the place, or a serving representative |
|                                          | within the case's community; once per round          |

"Staff of the place" means: a community secretary or social worker of the community
committee whose community is the place's community, or subdistrict staff of the office of the
place's subdistrict. District-wide roles read everything but do not act for a community; a
superuser counts for nothing here (the record must say who acted in which capacity).

Everything public (proposals, cases, resolutions, projects, the ledger) is readable by every
signed-in person: the platform serves one district.

Majority (motion_passes): both rules count against the representatives *present* (signed in)
when the motion is decided — abstentions and present members who did not vote count in the
denominator, as in "two-thirds of those present". Simple: yes > present / 2. Two-thirds:
yes ≥ 2/3 × present.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from fractions import Fraction

from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from gongzhi.accounts.models import Membership, Person, Role
from gongzhi.deliberation import transitions
from gongzhi.deliberation.models import (
    Case,
    Majority,
    Meeting,
    Place,
    PlaceLevel,
    Project,
    Proposal,
    Representative,
    Step,
    UnitRole,
)
from gongzhi.deliberation.transitions import Action

LEADERS = frozenset({Role.COMMUNITY_SECRETARY, Role.SUBDISTRICT_STAFF})
RUNNERS = frozenset({Role.COMMUNITY_SECRETARY, Role.SOCIAL_WORKER, Role.SUBDISTRICT_STAFF})
COMMUNITY_STAFF = frozenset({Role.COMMUNITY_SECRETARY, Role.SOCIAL_WORKER})

# The staff roles each case action needs (the place's staff; see the table above).
STAFF_ACTIONS: dict[Action, frozenset[str]] = {
    Action.OPEN: LEADERS,
    Action.ADD_PROPOSAL: LEADERS,
    Action.WITHDRAW: LEADERS,
    Action.PUBLISH_RESOLUTION: LEADERS,
    Action.CREATE_PROJECT: LEADERS,
    Action.PLAN: LEADERS,
    Action.LAUNCH_PROJECT: LEADERS,
    Action.CLOSE_EVALUATION: LEADERS,
    Action.REOPEN: LEADERS,
    Action.LINK_ORDERS: RUNNERS,
    Action.SCHEDULE_MEETING: RUNNERS,
    Action.RUN_MEETING: RUNNERS,
    Action.CHECK_IN: RUNNERS,  # signing in someone else
    Action.ANSWER_OBJECTION: RUNNERS,
    Action.REPORT_PROGRESS: LEADERS,  # besides the responsible units
    Action.SPEND: LEADERS,
    Action.COMPLETE_PROJECT: LEADERS,  # besides the lead unit
}
# Actions that staff of a project's responsible units may also take (role: any in the unit).
UNIT_ACTIONS: dict[Action, frozenset[str]] = {
    Action.REPORT_PROGRESS: frozenset({UnitRole.LEAD, UnitRole.ASSIST}),
    Action.SPEND: frozenset({UnitRole.LEAD, UnitRole.ASSIST}),
    Action.COMPLETE_PROJECT: frozenset({UnitRole.LEAD}),
}
STAFF_ORIGINS = frozenset({"hotspot", "work_orders", "walking_round", "staff"})


@dataclass(frozen=True)
class Grant:
    """Permission to act, and the capacity (role) and unit in which the person acts."""

    role: str
    unit_id: int | None = None


@dataclass(frozen=True)
class _Membership:
    role: str
    unit_id: int | None
    unit_community_id: int | None
    unit_subdistrict_id: int | None
    compound_id: int | None
    community_id: int | None
    compound_community_id: int | None


def memberships_of(person: Person | None) -> tuple[_Membership, ...]:
    """The person's active memberships with the place ids the rules need; cached on the
    person object for the life of the request (one query)."""
    if person is None or not person.is_authenticated:
        return ()
    cached: tuple[_Membership, ...] | None = getattr(person, "_gongzhi_deliberation_roles", None)
    if cached is not None:
        return cached
    rows = tuple(
        _Membership(*values)
        for values in Membership.objects.filter(person=person, is_active=True).values_list(
            "role",
            "unit_id",
            "unit__community_id",
            "unit__subdistrict_id",
            "compound_id",
            "community_id",
            "compound__community_id",
        )
    )
    person._gongzhi_deliberation_roles = rows  # type: ignore[attr-defined]
    return rows


# --- Staff of a place ----------------------------------------------------------------------------


def staff_grant(person: Person | None, place: Place, roles: frozenset[str]) -> Grant | None:
    """The person acts for the place in one of `roles`: community staff of its community's
    committee, or subdistrict staff of its subdistrict's office."""
    for m in memberships_of(person):
        if m.role not in roles:
            continue
        if m.role in COMMUNITY_STAFF and m.unit_community_id == place.community_id:
            return Grant(m.role, m.unit_id)
        if m.role == Role.SUBDISTRICT_STAFF and m.unit_subdistrict_id == place.subdistrict_id:
            return Grant(m.role, m.unit_id)
    return None


def is_staff_of_place(person: Person | None, place: Place) -> bool:
    return staff_grant(person, place, RUNNERS) is not None


def unit_grant(person: Person | None, project: Project, unit_roles: frozenset[str]) -> Grant | None:
    """The person is staff of one of the project's responsible units with one of `unit_roles`
    (lead / assist)."""
    unit_ids = {m.unit_id for m in memberships_of(person) if m.unit_id is not None}
    if not unit_ids:
        return None
    link = (
        project.unit_links.filter(unit_id__in=unit_ids, role__in=unit_roles)
        .order_by("role")
        .first()
    )
    if link is None:
        return None
    role = next(m.role for m in memberships_of(person) if m.unit_id == link.unit_id)
    return Grant(role, link.unit_id)


# --- Residents and representatives ---------------------------------------------------------------


def is_resident_of(person: Person | None, place: Place) -> bool:
    """A resident whose home (membership compound, else community) lies in the place. For a
    building, the home compound must be the building's compound (homes are kept per compound)."""
    for m in memberships_of(person):
        if m.role != Role.RESIDENT:
            continue
        if place.level == PlaceLevel.COMMUNITY:
            if place.community_id in (m.community_id, m.compound_community_id):
                return True
        elif m.compound_id is not None and m.compound_id == place.compound_id:
            return True
    return False


def _place_q(place: Place) -> Q:
    q = Q(level=place.level, community_id=place.community_id)
    if place.level in (PlaceLevel.COMPOUND, PlaceLevel.BUILDING):
        q &= Q(compound_id=place.compound_id)
    if place.level == PlaceLevel.BUILDING:
        q &= Q(building_id=place.building_id)
    return q


def _serving_q(day: dt.date) -> Q:
    return Q(is_active=True, term_start__lte=day) & (
        Q(term_end__isnull=True) | Q(term_end__gte=day)
    )


def representatives_of(place: Place, *, day: dt.date | None = None) -> list[Representative]:
    """The serving representatives of exactly this place (not of places inside it)."""
    day = day or timezone.localdate()
    return list(
        Representative.objects.filter(_place_q(place), _serving_q(day))
        .select_related("person", "substitute")
        .order_by("id")
    )


def serving_count(place: Place, *, day: dt.date | None = None) -> int:
    day = day or timezone.localdate()
    return Representative.objects.filter(_place_q(place), _serving_q(day)).count()


def representative_for(
    person: Person | None, place: Place, *, day: dt.date | None = None
) -> tuple[Representative, bool] | None:
    """The representative of the place the person is, or stands in for as substitute:
    (representative, is_substitute). Their own seat comes first."""
    if person is None or not person.is_authenticated:
        return None
    day = day or timezone.localdate()
    qs = Representative.objects.filter(_place_q(place), _serving_q(day))
    own = qs.filter(person=person).first()
    if own is not None:
        return own, False
    stand_in = (
        qs.filter(Q(substitute_person=person) | Q(substitute__person=person)).order_by("id").first()
    )
    if stand_in is not None:
        return stand_in, True
    return None


def is_representative_in(
    person: Person | None, community_id: int, *, day: dt.date | None = None
) -> Representative | None:
    """A serving representative of any place within the community (for visits and ratings)."""
    if person is None or not person.is_authenticated:
        return None
    day = day or timezone.localdate()
    return (
        Representative.objects.filter(_serving_q(day), person=person, community_id=community_id)
        .order_by("id")
        .first()
    )


# --- Quorum and majority -------------------------------------------------------------------------


def quorum_fraction() -> Fraction:
    """settings.GONGZHI_DELIBERATION_QUORUM as an exact fraction ("2/3" or "0.5")."""
    return Fraction(str(settings.GONGZHI_DELIBERATION_QUORUM))


def quorum_needed(eligible: int) -> int:
    """Representatives who must be present: ⌈fraction × eligible⌉, and at least one."""
    return max(1, math.ceil(quorum_fraction() * eligible))


def quorum_met(present: int, eligible: int) -> bool:
    return eligible > 0 and present >= quorum_needed(eligible)


def motion_passes(*, yes: int, present: int, majority: str) -> bool:
    """Does the motion pass? The denominator is everyone present (abstentions count against)."""
    if present <= 0:
        return False
    if majority == Majority.TWO_THIRDS:
        return 3 * yes >= 2 * present
    return 2 * yes > present


# --- Grants for the services ---------------------------------------------------------------------


def case_grant(person: Person | None, action: Action, place: Place) -> Grant | None:
    """May the person take this staff action for a case (or proposal, meeting) at `place`?"""
    roles = STAFF_ACTIONS.get(action)
    if roles is None:
        return None
    return staff_grant(person, place, roles)


def project_grant(person: Person | None, action: Action, project: Project) -> Grant | None:
    """Staff of the project's place (LEADERS), or of a responsible unit where allowed."""
    grant = case_grant(person, action, project.place)
    if grant is not None:
        return grant
    unit_roles = UNIT_ACTIONS.get(action)
    if unit_roles is None:
        return None
    return unit_grant(person, project, unit_roles)


def propose_grant(person: Person | None, origin: str, place: Place) -> Grant | None:
    if origin in STAFF_ORIGINS:
        return staff_grant(person, place, RUNNERS)
    if is_resident_of(person, place):
        return Grant(Role.RESIDENT)
    return None


# --- Reading -------------------------------------------------------------------------------------


def can_view_public(person: Person | None) -> bool:
    """Proposals, cases, resolutions, projects and the ledger: every signed-in person."""
    return person is not None and person.is_authenticated


def can_view_votes(person: Person | None, meeting: Meeting) -> bool:
    """Named votes and the sign-in list: the place's staff and its representatives."""
    return is_staff_of_place(person, meeting.place) or (
        representative_for(person, meeting.place) is not None
    )


# --- Guards for the pages: the step (or status) and the person together --------------------------


def can_support(person: Person | None, proposal: Proposal) -> bool:
    return (
        proposal.status == "open"
        and is_resident_of(person, proposal.place)
        and not proposal.supports.filter(person=person).exists()
    )


def can_screen(person: Person | None, proposal: Proposal) -> bool:
    return proposal.status == "open" and case_grant(person, Action.OPEN, proposal.place) is not None


def can_case(person: Person | None, action: Action, case: Case) -> bool:
    """The generic guard: the step allows the action and the person is staff who may take it."""
    return transitions.allowed(case, action) and case_grant(person, action, case.place) is not None


def can_schedule_meeting(person: Person | None, case: Case) -> bool:
    return can_case(person, Action.SCHEDULE_MEETING, case)


def can_run_meeting(person: Person | None, meeting: Meeting) -> bool:
    return meeting.status in ("scheduled", "in_session") and (
        case_grant(person, Action.RUN_MEETING, meeting.place) is not None
    )


def can_vote(person: Person | None, meeting: Meeting) -> bool:
    return meeting.status == "in_session" and representative_for(person, meeting.place) is not None


def can_publish_resolution(person: Person | None, case: Case) -> bool:
    return can_case(person, Action.PUBLISH_RESOLUTION, case)


def can_object(person: Person | None, case: Case) -> bool:
    return case.step == Step.NOTICE and is_resident_of(person, case.place)


def can_answer_objection(person: Person | None, case: Case) -> bool:
    return can_case(person, Action.ANSWER_OBJECTION, case)


def can_create_project(person: Person | None, case: Case) -> bool:
    """The step and the person only; the notice period and the objections are checked by the
    service (and shown by selectors.notice_state)."""
    return can_case(person, Action.CREATE_PROJECT, case)


def can_launch_project(person: Person | None, case: Case) -> bool:
    return can_case(person, Action.LAUNCH_PROJECT, case)


def can_report_progress(person: Person | None, project: Project) -> bool:
    return (
        transitions.allowed(project.case, Action.REPORT_PROGRESS)
        and project_grant(person, Action.REPORT_PROGRESS, project) is not None
    )


def can_spend(person: Person | None, project: Project) -> bool:
    return (
        transitions.allowed(project.case, Action.SPEND)
        and project_grant(person, Action.SPEND, project) is not None
    )


def can_complete_project(person: Person | None, project: Project) -> bool:
    return (
        transitions.allowed(project.case, Action.COMPLETE_PROJECT)
        and project_grant(person, Action.COMPLETE_PROJECT, project) is not None
    )


def can_visit(person: Person | None, project: Project) -> bool:
    return transitions.allowed(project.case, Action.VISIT) and (
        is_representative_in(person, project.community_id) is not None
    )


def rater_capacity(person: Person | None, project: Project) -> str | None:
    """'resident' or 'representative' when the person may rate the project, else None."""
    if is_resident_of(person, project.place):
        return "resident"
    if is_representative_in(person, project.community_id) is not None:
        return "representative"
    return None


def can_rate(person: Person | None, project: Project) -> bool:
    return (
        transitions.allowed(project.case, Action.RATE)
        and rater_capacity(person, project) is not None
        and not project.ratings.filter(person=person, round=project.evaluation_round).exists()
    )


def can_close_evaluation(person: Person | None, case: Case) -> bool:
    return can_case(person, Action.CLOSE_EVALUATION, case)
