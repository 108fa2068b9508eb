"""Meetings: sign-in, quorum, named votes, hand counts and the majority rules.

Community A1 has five serving representatives; with the default quorum of 2/3, four must be
present (⌈2/3 × 5⌉ = 4).
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import IntegrityError
from django.test import override_settings

from gongzhi.deliberation import rules, services
from gongzhi.deliberation.errors import (
    AlreadySignedIn,
    AlreadyVoted,
    HandCountTooLarge,
    NotARepresentative,
    NotPermitted,
    NotSignedIn,
    QuorumNotMet,
)
from gongzhi.deliberation.models import (
    Case,
    Majority,
    Meeting,
    Motion,
    MotionStatus,
    Step,
    Vote,
)
from gongzhi.deliberation.tests.factories import (
    START,
    Deliberation,
    case_at,
    representatives,
    sign_in,
)

pytestmark = pytest.mark.django_db

T = START + dt.timedelta(days=3)


@pytest.fixture
def meeting(d: Deliberation) -> Meeting:
    case_at(d, Step.DELIBERATE)
    return d.extra["meeting"]


def _motion(d: Deliberation, meeting: Meeting, majority: str = Majority.SIMPLE) -> Motion:
    return services.motion_propose(
        meeting=meeting,
        case=meeting.cases.get(),
        by=d.secretary,
        text="同意在南门加装路灯",
        majority=majority,
        at=T,
    )


def _vote(d: Deliberation, motion: Motion, choices: list[str]) -> None:
    for rep, choice in zip(d.reps, choices, strict=False):
        services.vote_cast(motion=motion, by=rep.person, choice=choice, at=T)


# --- Quorum -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "eligible,needed", [(1, 1), (3, 2), (5, 4), (6, 4), (7, 5), (9, 6), (19, 13)]
)
def test_the_quorum_is_two_thirds_rounded_up(eligible: int, needed: int) -> None:
    assert rules.quorum_needed(eligible) == needed


@override_settings(GONGZHI_DELIBERATION_QUORUM="1/2")
def test_the_quorum_comes_from_the_settings() -> None:
    assert rules.quorum_needed(6) == 3


def test_it_refuses_a_named_vote_below_quorum(d: Deliberation, meeting: Meeting) -> None:
    sign_in(d, meeting, 3, at=T)
    motion = _motion(d, meeting)
    with pytest.raises(QuorumNotMet):
        services.vote_cast(motion=motion, by=d.reps[0].person, choice="yes", at=T)
    assert not Vote.objects.exists()


def test_it_refuses_a_hand_count_below_quorum(d: Deliberation, meeting: Meeting) -> None:
    sign_in(d, meeting, 3, at=T)
    motion = _motion(d, meeting)
    with pytest.raises(QuorumNotMet):
        services.motion_hand_count(motion=motion, by=d.secretary, yes=3, no=0, abstain=0, at=T)
    motion.refresh_from_db()
    assert motion.status == MotionStatus.OPEN


def test_the_quorum_base_is_fixed_when_the_meeting_opens(d: Deliberation, meeting: Meeting) -> None:
    # Two more representatives elected after the opening do not raise the bar of this meeting.
    representatives(d.world.comm_a1, 2, prefix="late_rep")
    sign_in(d, meeting, 4, at=T)
    motion = _motion(d, meeting)
    decided = services.motion_hand_count(
        motion=motion, by=d.secretary, yes=4, no=0, abstain=0, at=T
    )
    assert decided.status == MotionStatus.PASSED


# --- Sign-in ------------------------------------------------------------------------------------


def test_a_representative_signs_in_once(d: Deliberation, meeting: Meeting) -> None:
    services.meeting_check_in(meeting=meeting, by=d.reps[0].person, at=T)
    with pytest.raises(AlreadySignedIn):
        services.meeting_check_in(meeting=meeting, by=d.reps[0].person, at=T)


def test_the_secretary_signs_a_representative_in(d: Deliberation, meeting: Meeting) -> None:
    a = services.meeting_check_in(meeting=meeting, by=d.secretary, representative=d.reps[1], at=T)
    assert (a.attendee_id, a.method, a.checked_in_by_id) == (
        d.reps[1].person_id,
        "secretary",
        d.secretary.pk,
    )


def test_a_resident_cannot_sign_others_in(d: Deliberation, meeting: Meeting) -> None:
    with pytest.raises(NotPermitted):
        services.meeting_check_in(
            meeting=meeting, by=d.residents[0], representative=d.reps[1], at=T
        )


def test_a_non_representative_cannot_sign_in(d: Deliberation, meeting: Meeting) -> None:
    with pytest.raises(NotARepresentative):
        services.meeting_check_in(meeting=meeting, by=d.residents[0], at=T)


def test_the_substitute_signs_in_and_votes_for_their_representative(
    d: Deliberation, meeting: Meeting
) -> None:
    sign_in(d, meeting, 4, at=T)
    attendance = services.meeting_check_in(meeting=meeting, by=d.substitute, at=T)
    motion = _motion(d, meeting)
    vote = services.vote_cast(motion=motion, by=d.substitute, choice="yes", at=T)
    assert (attendance.is_substitute, vote.representative_id, vote.cast_by_id) == (
        True,
        d.reps[4].pk,
        d.substitute.pk,
    )


# --- Named votes -----------------------------------------------------------------------------


def test_it_refuses_a_second_vote_by_the_same_representative(
    d: Deliberation, meeting: Meeting
) -> None:
    sign_in(d, meeting, 4, at=T)
    motion = _motion(d, meeting)
    services.vote_cast(motion=motion, by=d.reps[0].person, choice="yes", at=T)
    with pytest.raises(AlreadyVoted):
        services.vote_cast(motion=motion, by=d.reps[0].person, choice="no", at=T)
    assert Vote.objects.get(motion=motion).choice == "yes"


def test_the_database_refuses_a_second_vote_row(d: Deliberation, meeting: Meeting) -> None:
    sign_in(d, meeting, 4, at=T)
    motion = _motion(d, meeting)
    vote = services.vote_cast(motion=motion, by=d.reps[0].person, choice="yes", at=T)
    with pytest.raises(IntegrityError):
        Vote.objects.create(
            motion=motion,
            representative=vote.representative,
            cast_by=d.secretary,
            choice="no",
            at=T,
        )


def test_it_refuses_a_vote_by_someone_who_is_not_a_representative_of_the_place(
    d: Deliberation, meeting: Meeting
) -> None:
    other = representatives(d.world.comm_a2, 1, prefix="rep_a2")[0]
    sign_in(d, meeting, 4, at=T)
    motion = _motion(d, meeting)
    for outsider in (other.person, d.residents[0], d.secretary):
        with pytest.raises(NotARepresentative):
            services.vote_cast(motion=motion, by=outsider, choice="yes", at=T)


def test_it_refuses_a_vote_by_a_representative_not_signed_in(
    d: Deliberation, meeting: Meeting
) -> None:
    sign_in(d, meeting, 4, at=T)
    motion = _motion(d, meeting)
    with pytest.raises(NotSignedIn):
        services.vote_cast(motion=motion, by=d.reps[4].person, choice="yes", at=T)


def test_a_representative_whose_term_ended_cannot_vote(d: Deliberation, meeting: Meeting) -> None:
    sign_in(d, meeting, 5, at=T)
    motion = _motion(d, meeting)
    d.reps[0].term_end = T.date() - dt.timedelta(days=1)
    d.reps[0].save(update_fields=["term_end"])
    with pytest.raises(NotARepresentative):
        services.vote_cast(motion=motion, by=d.reps[0].person, choice="yes", at=T)


def test_named_votes_are_counted_against_everyone_present(
    d: Deliberation, meeting: Meeting
) -> None:
    sign_in(d, meeting, 5, at=T)
    motion = _motion(d, meeting)
    _vote(d, motion, ["yes", "yes", "no", "abstain"])  # the fifth present does not vote
    decided = services.motion_decide(motion=motion, by=d.secretary, at=T)
    # 2 yes of 5 present is not a majority, although yes outnumber no.
    assert (decided.yes, decided.no, decided.abstain, decided.present, decided.status) == (
        2,
        1,
        1,
        5,
        MotionStatus.FAILED,
    )


# --- Hand counts and the majority rules ---------------------------------------------------------


def test_it_refuses_a_hand_count_larger_than_those_present(
    d: Deliberation, meeting: Meeting
) -> None:
    sign_in(d, meeting, 4, at=T)
    motion = _motion(d, meeting)
    with pytest.raises(HandCountTooLarge):
        services.motion_hand_count(motion=motion, by=d.secretary, yes=3, no=1, abstain=1, at=T)


def test_only_the_meeting_staff_enter_a_hand_count(d: Deliberation, meeting: Meeting) -> None:
    sign_in(d, meeting, 4, at=T)
    motion = _motion(d, meeting)
    with pytest.raises(NotPermitted):
        services.motion_hand_count(motion=motion, by=d.reps[0].person, yes=4, no=0, abstain=0, at=T)


@pytest.mark.parametrize(
    "yes,present,majority,passes",
    [
        (4, 6, Majority.TWO_THIRDS, True),  # exactly two thirds
        (3, 5, Majority.TWO_THIRDS, False),  # 60 %
        (4, 5, Majority.TWO_THIRDS, True),
        (5, 8, Majority.TWO_THIRDS, False),  # 62.5 %
        (6, 9, Majority.TWO_THIRDS, True),
        (3, 5, Majority.SIMPLE, True),
        (3, 6, Majority.SIMPLE, False),  # half is not more than half
        (4, 7, Majority.SIMPLE, True),
        (0, 0, Majority.SIMPLE, False),
    ],
)
def test_the_majority_rules(yes: int, present: int, majority: str, passes: bool) -> None:
    assert rules.motion_passes(yes=yes, present=present, majority=majority) is passes


def test_a_two_thirds_hand_count_passes_with_four_of_five(
    d: Deliberation, meeting: Meeting
) -> None:
    sign_in(d, meeting, 5, at=T)
    motion = _motion(d, meeting, Majority.TWO_THIRDS)
    decided = services.motion_hand_count(
        motion=motion, by=d.secretary, yes=4, no=0, abstain=1, at=T
    )
    assert decided.status == MotionStatus.PASSED


def test_abstentions_count_against_a_two_thirds_motion(d: Deliberation, meeting: Meeting) -> None:
    sign_in(d, meeting, 5, at=T)
    motion = _motion(d, meeting, Majority.TWO_THIRDS)
    # 3 yes, 0 no, 2 abstain: every vote cast is yes, but 3 of 5 present is under two thirds.
    decided = services.motion_hand_count(
        motion=motion, by=d.secretary, yes=3, no=0, abstain=2, at=T
    )
    assert decided.status == MotionStatus.FAILED


def test_the_decision_is_on_the_case_history(d: Deliberation, meeting: Meeting) -> None:
    sign_in(d, meeting, 5, at=T)
    motion = _motion(d, meeting, Majority.TWO_THIRDS)
    services.motion_hand_count(motion=motion, by=d.secretary, yes=4, no=1, abstain=0, at=T)
    event = Case.objects.get(pk=motion.case_id).events.get(kind="motion_decided")
    assert event.data == {
        "motion": motion.pk,
        "meeting": meeting.pk,
        "mode": "hand_count",
        "majority": "two_thirds",
        "yes": 4,
        "no": 1,
        "abstain": 0,
        "present": 5,
        "passed": True,
    }


def test_closing_the_meeting_fails_the_motions_left_open(d: Deliberation, meeting: Meeting) -> None:
    sign_in(d, meeting, 4, at=T)
    motion = _motion(d, meeting)
    services.meeting_close(meeting=meeting, by=d.secretary, at=T)
    motion.refresh_from_db()
    assert motion.status == MotionStatus.FAILED


def test_minutes_can_be_written_after_the_meeting(d: Deliberation, meeting: Meeting) -> None:
    services.meeting_close(meeting=meeting, by=d.secretary, at=T)
    services.meeting_record_minutes(meeting=meeting, by=d.secretary, minutes="应到5人，实到0人。")
    meeting.refresh_from_db()
    assert meeting.minutes == "应到5人，实到0人。"
