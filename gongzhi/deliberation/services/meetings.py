"""议 deliberate: halls, representatives, meetings with sign-in and quorum, motions, named
votes and hand counts, minutes and photos."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import Any

from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from gongzhi.accounts.models import Person
from gongzhi.deliberation import rules
from gongzhi.deliberation.errors import (
    AlreadySignedIn,
    AlreadyVoted,
    HandCountTooLarge,
    InvalidInput,
    InvalidPhoto,
    NotARepresentative,
    NotPermitted,
    NotSignedIn,
    QuorumNotMet,
    StepNotAllowed,
)
from gongzhi.deliberation.models import (
    Attendance,
    Case,
    CaseEventKind,
    CheckInMethod,
    Hall,
    Majority,
    Meeting,
    MeetingPhoto,
    Motion,
    MotionStatus,
    Place,
    PlaceLevel,
    Representative,
    Vote,
    VoteChoice,
    VotingMode,
)
from gongzhi.deliberation.services.guard import begin, lock_case, move, now_or, record, send
from gongzhi.deliberation.transitions import Action, MeetingAction, check, check_meeting
from gongzhi.workorders.errors import InvalidPhoto as WorkOrderInvalidPhoto
from gongzhi.workorders.photos import check_photos

# --- Halls and representatives -------------------------------------------------------------------


def _leader(by: Person, place: Place, action: str) -> rules.Grant:
    grant = rules.staff_grant(by, place, rules.LEADERS)
    if grant is None:
        raise NotPermitted(action=action)
    return grant


@transaction.atomic
def hall_create(
    *, place: Place, by: Person, name: str, kind: str, address: str = "", is_active: bool = True
) -> Hall:
    """Set up a hall for a place (community secretary or subdistrict staff). A mobile hall
    (移动议事厅) belongs under a building or compound."""
    _leader(by, place, "hall_create")
    name = (name or "").strip()
    if not name:
        raise InvalidInput(_("请填写议事厅名称"), field="name")
    if kind == "mobile" and place.level == PlaceLevel.COMMUNITY:
        raise InvalidInput(_("移动议事厅应设在小区或楼栋"), field="kind")
    hall = Hall(name=name, kind=kind, address=address, is_active=is_active)
    hall.set_place(place)
    hall.save()
    return hall


@transaction.atomic
def representative_appoint(
    *,
    place: Place,
    person: Person,
    by: Person,
    term_start: dt.date,
    term_end: dt.date | None = None,
    substitute: Representative | None = None,
    substitute_person: Person | None = None,
) -> Representative:
    """Record an elected representative of a place for a term, with an optional substitute
    (another representative of the same community, or a named person)."""
    _leader(by, place, "representative_appoint")
    if term_end is not None and term_end < term_start:
        raise InvalidInput(_("任期结束不能早于开始"), field="term_end")
    if substitute is not None and substitute.community_id != place.community_id:
        raise InvalidInput(_("替补代表须属于本社区"), field="substitute")
    seated = rules.representative_for(person, place, day=term_start)
    if seated is not None and not seated[1]:
        raise InvalidInput(_("该人员已是本范围的在任代表"), field="person")
    rep = Representative(
        person=person,
        term_start=term_start,
        term_end=term_end,
        substitute=substitute,
        substitute_person=substitute_person,
    )
    rep.set_place(place)
    rep.save()
    return rep


@transaction.atomic
def representative_set_active(
    *, representative: Representative, by: Person, is_active: bool
) -> Representative:
    """Suspend or restore a representative (resigned, moved away)."""
    rep = Representative.objects.select_for_update().get(pk=representative.pk)
    _leader(by, rep.place, "representative_set_active")
    rep.is_active = is_active
    rep.save(update_fields=["is_active"])
    return rep


# --- Meetings ------------------------------------------------------------------------------------


def _lock_meeting(meeting: Meeting) -> Meeting:
    return Meeting.objects.select_for_update(of=("self",)).get(pk=meeting.pk)


def _runner(by: Person, meeting: Meeting, action: str) -> rules.Grant:
    grant = rules.case_grant(by, Action.RUN_MEETING, meeting.place)
    if grant is None:
        raise NotPermitted(action=action, meeting=meeting.pk)
    return grant


def _representative_people(place: Place) -> list[Person]:
    return [r.person for r in rules.representatives_of(place)]


@transaction.atomic
def meeting_schedule(
    *,
    hall: Hall,
    cases: Sequence[Case],
    by: Person,
    title: str,
    scheduled_at: dt.datetime,
    agenda: str = "",
    at: dt.datetime | None = None,
) -> Meeting:
    """Call a meeting (召集议事会) in a hall about one or more cases of the hall's community.
    Each case moves to deliberate (locked in id order). The representatives of the hall's
    place are told after commit."""
    if not cases:
        raise InvalidInput(_("请选择议题"), field="cases")
    if not hall.is_active:
        raise InvalidInput(_("该议事厅已停用"), field="hall")
    if timezone.is_naive(scheduled_at):
        raise ValueError("naive datetime given to a service; pass an aware one")
    title = (title or "").strip()
    if not title:
        raise InvalidInput(_("请填写会议名称"), field="title")
    if rules.case_grant(by, Action.SCHEDULE_MEETING, hall.place) is None:
        raise NotPermitted(action="schedule_meeting")
    now = now_or(at)
    locked: list[Case] = []
    for case in sorted(cases, key=lambda c: c.pk):
        case, _grant, _target = begin(case, Action.SCHEDULE_MEETING, by)
        if case.community_id != hall.community_id:
            raise InvalidInput(_("议题须属于议事厅所在社区"), field="cases")
        locked.append(case)
    meeting = Meeting(
        hall=hall,
        title=title[:120],
        scheduled_at=scheduled_at,
        agenda=agenda,
        convened_by=by,
    )
    meeting.set_place(hall.place)
    meeting.save()
    meeting.cases.set(locked)
    for case in locked:
        from_step = move(case, check(case, Action.SCHEDULE_MEETING), at=now)
        record(
            case,
            CaseEventKind.MEETING_SCHEDULED,
            at=now,
            by=by,
            from_step=from_step,
            data={"meeting": meeting.pk, "scheduled_at": scheduled_at.isoformat()},
        )
    send(
        "dl_meeting_called",
        recipients=_representative_people(hall.place),
        meeting=meeting.title,
        hall=hall.name,
        at=f"{timezone.localtime(scheduled_at):%Y-%m-%d %H:%M}",
        agenda=agenda,
    )
    return meeting


@transaction.atomic
def meeting_open(*, meeting: Meeting, by: Person, at: dt.datetime | None = None) -> Meeting:
    """Open the meeting: fixes the number of serving representatives (the quorum base)."""
    meeting = _lock_meeting(meeting)
    target = check_meeting(meeting.status, MeetingAction.OPEN)
    _runner(by, meeting, "meeting_open")
    now = now_or(at)
    meeting.status = target
    meeting.opened_at = now
    meeting.eligible_count = rules.serving_count(meeting.place, day=timezone.localdate(now))
    meeting.save(update_fields=["status", "opened_at", "eligible_count"])
    return meeting


@transaction.atomic
def meeting_check_in(
    *,
    meeting: Meeting,
    by: Person,
    representative: Representative | None = None,
    substitute: bool = False,
    at: dt.datetime | None = None,
) -> Attendance:
    """Sign a representative in. Without `representative`, `by` signs in themselves (as the
    representative of the meeting's place, or as the substitute standing in for one). With
    it, the secretary signs that representative in (or, with `substitute`, their substitute).
    Once per representative per meeting."""
    meeting = _lock_meeting(meeting)
    check_meeting(meeting.status, MeetingAction.CHECK_IN)
    now = now_or(at)
    day = timezone.localdate(now)
    if representative is None:
        found = rules.representative_for(by, meeting.place, day=day)
        if found is None:
            raise NotARepresentative()
        rep, is_substitute = found
        attendee, method = by, CheckInMethod.SELF
    else:
        _runner(by, meeting, "check_in")
        rep = representative
        if not rep.serving_on(day) or rep.place.key != meeting.place.key:
            raise NotARepresentative(_("该代表不是本议事范围的在任代表"))
        is_substitute = substitute
        if substitute:
            stand_in = rep.substitute_person_id_or_none
            if stand_in is None:
                raise InvalidInput(_("该代表没有登记替补人员"), field="substitute")
            attendee = Person.objects.get(pk=stand_in)
        else:
            attendee = rep.person
        method = CheckInMethod.SECRETARY
    if Attendance.objects.filter(meeting=meeting, representative=rep).exists():
        raise AlreadySignedIn()
    try:
        with transaction.atomic():
            return Attendance.objects.create(
                meeting=meeting,
                representative=rep,
                attendee=attendee,
                is_substitute=is_substitute,
                method=method,
                checked_in_by=by,
                at=now,
            )
    except IntegrityError as exc:
        raise AlreadySignedIn() from exc


def _eligible(meeting: Meeting) -> int:
    if meeting.opened_at is not None:
        return meeting.eligible_count
    return rules.serving_count(meeting.place)


def _require_quorum(meeting: Meeting) -> int:
    """The number present; raises QuorumNotMet below the rule."""
    present = meeting.attendances.count()
    eligible = _eligible(meeting)
    if not rules.quorum_met(present, eligible):
        raise QuorumNotMet(present=present, eligible=eligible, needed=rules.quorum_needed(eligible))
    return present


@transaction.atomic
def motion_propose(
    *,
    meeting: Meeting,
    case: Case,
    by: Person,
    text: str,
    majority: str = Majority.SIMPLE,
    mode: str = VotingMode.NAMED,
    at: dt.datetime | None = None,
) -> Motion:
    """Put a motion about one of the meeting's cases to the vote."""
    meeting = _lock_meeting(meeting)
    check_meeting(meeting.status, MeetingAction.PROPOSE_MOTION)
    _runner(by, meeting, "propose_motion")
    if not meeting.cases.filter(pk=case.pk).exists():
        raise InvalidInput(_("该议题不在本次会议议程中"), field="case")
    case = lock_case(case)
    check(case, Action.VOTE)
    if majority not in Majority.values or mode not in VotingMode.values:
        raise InvalidInput(_("表决规则或方式不正确"), field="majority")
    text = (text or "").strip()
    if not text:
        raise InvalidInput(_("请填写表决事项"), field="text")
    return Motion.objects.create(
        meeting=meeting,
        case=case,
        text=text,
        majority=majority,
        mode=mode,
        proposed_at=now_or(at),
    )


def _lock_motion(motion: Motion) -> tuple[Motion, Meeting]:
    """Lock the meeting first, then the motion (the same order everywhere)."""
    meeting = _lock_meeting(motion.meeting)
    locked = Motion.objects.select_for_update(of=("self",)).get(pk=motion.pk)
    return locked, meeting


@transaction.atomic
def vote_cast(*, motion: Motion, by: Person, choice: str, at: dt.datetime | None = None) -> Vote:
    """A named vote (yes / no / abstain) by a representative of the meeting's place who is
    signed in (or by the substitute who signed in for them). Once per representative per
    motion: checked here and by the database. Refused below quorum."""
    motion, meeting = _lock_motion(motion)
    check_meeting(meeting.status, MeetingAction.VOTE)
    if motion.status != MotionStatus.OPEN or motion.mode != VotingMode.NAMED:
        raise StepNotAllowed(_("该事项不接受记名投票"), motion=motion.pk)
    if choice not in VoteChoice.values:
        raise InvalidInput(_("请选择赞成、反对或弃权"), field="choice")
    now = now_or(at)
    found = rules.representative_for(by, meeting.place, day=timezone.localdate(now))
    if found is None:
        raise NotARepresentative()
    rep, _is_substitute = found
    attendance = Attendance.objects.filter(meeting=meeting, representative=rep).first()
    if attendance is None or attendance.attendee_id != by.pk:
        raise NotSignedIn()
    _require_quorum(meeting)
    if Vote.objects.filter(motion=motion, representative=rep).exists():
        raise AlreadyVoted()
    try:
        with transaction.atomic():
            return Vote.objects.create(
                motion=motion, representative=rep, cast_by=by, choice=choice, at=now
            )
    except IntegrityError as exc:
        raise AlreadyVoted() from exc


def _decide(motion: Motion, meeting: Meeting, by: Person | None, now: dt.datetime) -> Motion:
    motion.status = (
        MotionStatus.PASSED
        if rules.motion_passes(yes=motion.yes, present=motion.present, majority=motion.majority)
        else MotionStatus.FAILED
    )
    motion.decided_at = now
    motion.decided_by = by
    motion.save(
        update_fields=["status", "yes", "no", "abstain", "present", "decided_at", "decided_by"]
    )
    case = lock_case(motion.case_id)
    record(
        case,
        CaseEventKind.MOTION_DECIDED,
        at=now,
        by=by,
        note=motion.text,
        data={
            "motion": motion.pk,
            "meeting": meeting.pk,
            "mode": motion.mode,
            "majority": motion.majority,
            "yes": motion.yes,
            "no": motion.no,
            "abstain": motion.abstain,
            "present": motion.present,
            "passed": motion.status == MotionStatus.PASSED,
        },
    )
    return motion


@transaction.atomic
def motion_hand_count(
    *,
    motion: Motion,
    by: Person,
    yes: int,
    no: int,
    abstain: int,
    at: dt.datetime | None = None,
) -> Motion:
    """The secretary enters a hand count (举手表决) and the motion is decided at once against
    the representatives present. The counts may not exceed the number present; refused below
    quorum."""
    motion, meeting = _lock_motion(motion)
    check_meeting(meeting.status, MeetingAction.HAND_COUNT)
    _runner(by, meeting, "hand_count")
    if motion.status != MotionStatus.OPEN:
        raise StepNotAllowed(_("该事项已表决"), motion=motion.pk)
    if motion.votes.exists():
        raise StepNotAllowed(_("该事项已有记名投票，不能改为举手表决"), motion=motion.pk)
    if min(yes, no, abstain) < 0:
        raise InvalidInput(_("票数不能为负数"), field="yes")
    present = _require_quorum(meeting)
    if yes + no + abstain > present:
        raise HandCountTooLarge(present=present, total=yes + no + abstain)
    motion.mode = VotingMode.HAND_COUNT
    motion.yes, motion.no, motion.abstain, motion.present = yes, no, abstain, present
    motion.save(update_fields=["mode"])
    return _decide(motion, meeting, by, now_or(at))


@transaction.atomic
def motion_decide(*, motion: Motion, by: Person, at: dt.datetime | None = None) -> Motion:
    """Close a named vote: count the votes and decide against the representatives present.
    Refused below quorum."""
    motion, meeting = _lock_motion(motion)
    check_meeting(meeting.status, MeetingAction.DECIDE)
    _runner(by, meeting, "decide")
    if motion.status != MotionStatus.OPEN:
        raise StepNotAllowed(_("该事项已表决"), motion=motion.pk)
    present = _require_quorum(meeting)
    counts = dict.fromkeys(VoteChoice.values, 0)
    for choice in motion.votes.values_list("choice", flat=True):
        counts[choice] += 1
    motion.yes, motion.no, motion.abstain = counts["yes"], counts["no"], counts["abstain"]
    motion.present = present
    return _decide(motion, meeting, by, now_or(at))


@transaction.atomic
def meeting_record_minutes(*, meeting: Meeting, by: Person, minutes: str) -> Meeting:
    """Write (or rewrite) the minutes, during the meeting or after it."""
    meeting = _lock_meeting(meeting)
    check_meeting(meeting.status, MeetingAction.MINUTES)
    _runner(by, meeting, "minutes")
    meeting.minutes = (minutes or "").strip()
    meeting.save(update_fields=["minutes"])
    return meeting


@transaction.atomic
def meeting_add_photos(
    *, meeting: Meeting, by: Person, files: Iterable[Any], at: dt.datetime | None = None
) -> list[MeetingPhoto]:
    """Attach photos (JPEG, PNG or WebP by content; size and count limits as at intake)."""
    meeting = _lock_meeting(meeting)
    check_meeting(meeting.status, MeetingAction.PHOTO)
    _runner(by, meeting, "photo")
    try:
        checked = check_photos(files)
    except WorkOrderInvalidPhoto as exc:
        raise InvalidPhoto(exc.message, **exc.details) from exc
    now = now_or(at)
    start = meeting.photos.count()
    saved = []
    for i, photo in enumerate(checked, start=start + 1):
        row = MeetingPhoto(
            meeting=meeting,
            seq=i,
            content_type=photo.content_type,
            size=photo.size,
            uploaded_by=by,
            uploaded_at=now,
        )
        row.file.save(f"{i}", ContentFile(photo.file.read()), save=False)
        row.save()
        saved.append(row)
    return saved


@transaction.atomic
def meeting_close(*, meeting: Meeting, by: Person, at: dt.datetime | None = None) -> Meeting:
    """End the meeting. A motion still open is recorded as not passed (not put to the vote
    in time). Each case gets an event."""
    meeting = _lock_meeting(meeting)
    target = check_meeting(meeting.status, MeetingAction.CLOSE)
    _runner(by, meeting, "close")
    now = now_or(at)
    present = meeting.attendances.count()
    for motion in Motion.objects.select_for_update(of=("self",)).filter(
        meeting=meeting, status=MotionStatus.OPEN
    ):
        counts = dict.fromkeys(VoteChoice.values, 0)
        for choice in motion.votes.values_list("choice", flat=True):
            counts[choice] += 1
        motion.yes, motion.no, motion.abstain = counts["yes"], counts["no"], counts["abstain"]
        motion.present = present
        motion.status = MotionStatus.FAILED
        motion.decided_at = now
        motion.decided_by = by
        motion.save()
    meeting.status = target
    meeting.closed_at = now
    meeting.save(update_fields=["status", "closed_at"])
    for case in meeting.cases.order_by("pk"):
        record(
            lock_case(case),
            CaseEventKind.MEETING_CLOSED,
            at=now,
            by=by,
            data={"meeting": meeting.pk, "present": present},
        )
    return meeting


@transaction.atomic
def meeting_cancel(*, meeting: Meeting, by: Person, reason: str) -> Meeting:
    """Cancel a meeting not yet opened."""
    meeting = _lock_meeting(meeting)
    target = check_meeting(meeting.status, MeetingAction.CANCEL)
    _runner(by, meeting, "cancel")
    meeting.status = target
    meeting.minutes = (reason or "").strip()
    meeting.save(update_fields=["status", "minutes"])
    return meeting
