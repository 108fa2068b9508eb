"""The meeting console: the secretary signs representatives in, the quorum shows, motions are
put and decided by a hand count or named votes, minutes and photos are kept, the meeting
closes; representatives sign themselves in and vote; others may watch but not act."""

from __future__ import annotations

import base64
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from gongzhi.deliberation import services
from gongzhi.deliberation.models import (
    Attendance,
    Meeting,
    MeetingStatus,
    Motion,
    MotionStatus,
    Step,
    Vote,
)
from gongzhi.deliberation.tests.factories import Deliberation, case_at, sign_in

pytestmark = pytest.mark.django_db
HTMX = {"HX-Request": "true"}
PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg=="
)


@pytest.fixture
def meeting(d: Deliberation) -> Meeting:
    """Community A1's meeting about one case, opened, nobody signed in yet."""
    case_at(d, Step.DELIBERATE)
    meeting: Meeting = d.extra["meeting"]
    return meeting


def as_(d: Deliberation, client: Client, name: str) -> Client:
    person = d.reps[int(name[-1]) - 1].person if name.startswith("rep_a1_") else d.person(name)
    client.force_login(person)
    return client


def seat(d: Deliberation, meeting: Meeting, n: int) -> None:
    """The first n representatives signed in (by themselves) when the meeting opened."""
    assert meeting.opened_at is not None
    sign_in(d, meeting, n, at=meeting.opened_at)


def post(client: Client, meeting: Meeting, action: str, data: dict[str, Any] | None = None) -> Any:
    return client.post(
        f"/deliberation/meetings/{meeting.pk}/act/{action}/", data or {}, headers=HTMX
    )


def motion_for(d: Deliberation, meeting: Meeting, mode: str = "hand_count") -> Motion:
    return services.motion_propose(
        meeting=meeting, case=meeting.cases.get(), by=d.secretary, text="同意加装路灯", mode=mode
    )


def test_the_secretary_sees_the_seats_and_a_resident_does_not(
    d: Deliberation, client: Client, meeting: Meeting
) -> None:
    console = as_(d, client, "secretary_a1").get(f"/deliberation/meetings/{meeting.pk}/")
    watching = as_(d, client, "resident_a1").get(f"/deliberation/meetings/{meeting.pk}/")

    assert console.content.decode().count('data-action="check_in"') == 5
    assert watching.status_code == 200
    assert "代表签到" not in watching.content.decode()


def test_tapping_a_representative_signs_them_in_and_updates_the_quorum(
    d: Deliberation, client: Client, meeting: Meeting
) -> None:
    response = post(
        as_(d, client, "secretary_a1"), meeting, "check_in", {"representative": d.reps[0].pk}
    )

    body = response.content.decode()
    assert body.lstrip().startswith('<section class="dl-card" id="seats"')
    assert '<span id="present-count">1</span>/5' in body
    assert 'data-met="0"' in body and "未达法定人数（需 4 人）" in body
    attendance = Attendance.objects.get()
    assert (attendance.representative_id, attendance.method) == (d.reps[0].pk, "secretary")


def test_the_quorum_turns_met_at_four_of_five(
    d: Deliberation, client: Client, meeting: Meeting
) -> None:
    seat(d, meeting, 3)

    response = post(
        as_(d, client, "secretary_a1"), meeting, "check_in", {"representative": d.reps[3].pk}
    )

    assert 'data-met="1"' in response.content.decode()


def test_the_secretary_signs_in_a_substitute(
    d: Deliberation, client: Client, meeting: Meeting
) -> None:
    rep = d.reps[4]  # has the substitute sub_a1

    response = post(
        as_(d, client, "secretary_a1"),
        meeting,
        "check_in",
        {"representative": rep.pk, "substitute": "on"},
    )

    assert "的替补已签到" in response.content.decode()
    attendance = Attendance.objects.get()
    assert (attendance.attendee, attendance.is_substitute) == (d.substitute, True)


def test_a_representative_signs_themselves_in(
    d: Deliberation, client: Client, meeting: Meeting
) -> None:
    rep = as_(d, client, "rep_a1_2")
    before = rep.get(f"/deliberation/meetings/{meeting.pk}/").content.decode()

    response = post(rep, meeting, "self_check_in")

    assert 'data-action="self_check_in"' in before
    assert "您已签到" in response.content.decode()
    assert Attendance.objects.get().method == "self"


def test_signing_in_twice_shows_the_domains_message(
    d: Deliberation, client: Client, meeting: Meeting
) -> None:
    secretary = as_(d, client, "secretary_a1")
    post(secretary, meeting, "check_in", {"representative": d.reps[0].pk})

    response = post(secretary, meeting, "check_in", {"representative": d.reps[0].pk})

    assert response.status_code == 409
    assert "该代表已签到" in response.content.decode()


def test_a_hand_count_below_quorum_is_refused_with_the_numbers(
    d: Deliberation, client: Client, meeting: Meeting
) -> None:
    seat(d, meeting, 3)
    motion = motion_for(d, meeting)

    response = post(
        as_(d, client, "secretary_a1"),
        meeting,
        "hand_count",
        {
            "motion": motion.pk,
            f"h{motion.pk}-yes": 3,
            f"h{motion.pk}-no": 0,
            f"h{motion.pk}-abstain": 0,
        },
    )

    assert response.status_code == 409
    assert "出席代表未达法定人数，不能表决（出席 3 人，需 4 人）" in response.content.decode()
    motion.refresh_from_db()
    assert motion.status == MotionStatus.OPEN


def test_the_secretary_enters_a_hand_count_and_the_motion_is_decided(
    d: Deliberation, client: Client, meeting: Meeting
) -> None:
    seat(d, meeting, 4)
    motion = motion_for(d, meeting)

    response = post(
        as_(d, client, "secretary_a1"),
        meeting,
        "hand_count",
        {
            "motion": motion.pk,
            f"h{motion.pk}-yes": 3,
            f"h{motion.pk}-no": 1,
            f"h{motion.pk}-abstain": 0,
        },
    )

    body = response.content.decode()
    assert body.lstrip().startswith('<section class="dl-card" id="motions"')
    assert "赞成 3，反对 1，弃权 0，出席 4 —— 通过" in body
    motion.refresh_from_db()
    assert (motion.status, motion.mode, motion.yes, motion.no, motion.present) == (
        MotionStatus.PASSED,
        "hand_count",
        3,
        1,
        4,
    )


def test_a_hand_count_above_those_present_is_refused(
    d: Deliberation, client: Client, meeting: Meeting
) -> None:
    seat(d, meeting, 4)
    motion = motion_for(d, meeting)

    response = post(
        as_(d, client, "secretary_a1"),
        meeting,
        "hand_count",
        {
            "motion": motion.pk,
            f"h{motion.pk}-yes": 4,
            f"h{motion.pk}-no": 1,
            f"h{motion.pk}-abstain": 0,
        },
    )

    assert response.status_code == 400
    assert "表决票数超过出席代表人数（出席 4 人，票数合计 5）" in response.content.decode()


def test_the_secretary_puts_a_motion(d: Deliberation, client: Client, meeting: Meeting) -> None:
    response = post(
        as_(d, client, "secretary_a1"),
        meeting,
        "motion",
        {
            "motion-case": meeting.cases.get().pk,
            "motion-text": "同意在南门加装4盏路灯",
            "motion-majority": "two_thirds",
            "motion-mode": "named",
        },
    )

    assert "已提出表决事项" in response.content.decode()
    motion = Motion.objects.get()
    assert (motion.text, motion.majority, motion.mode) == (
        "同意在南门加装4盏路灯",
        "two_thirds",
        "named",
    )


def test_a_representative_votes_once_by_name(
    d: Deliberation, client: Client, meeting: Meeting
) -> None:
    seat(d, meeting, 4)
    motion = motion_for(d, meeting, mode="named")
    rep = as_(d, client, "rep_a1_1")

    first = post(rep, meeting, "vote", {"motion": motion.pk, "choice": "yes"})
    second = post(rep, meeting, "vote", {"motion": motion.pk, "choice": "no"})

    assert "您的表决已记录" in first.content.decode() and "您已投票" in first.content.decode()
    assert second.status_code == 409 and "该代表已就此事项投票" in second.content.decode()
    assert list(Vote.objects.values_list("choice", flat=True)) == ["yes"]


def test_a_resident_may_not_run_the_meeting(
    d: Deliberation, client: Client, meeting: Meeting
) -> None:
    response = post(
        as_(d, client, "resident_a1"), meeting, "check_in", {"representative": d.reps[0].pk}
    )

    assert response.status_code == 403
    assert "您无权进行此操作" in response.content.decode()
    assert not Attendance.objects.exists()


def test_minutes_and_photos_are_kept(
    d: Deliberation, client: Client, meeting: Meeting, settings: Any, tmp_path: Any
) -> None:
    settings.MEDIA_ROOT = str(tmp_path)
    secretary = as_(d, client, "secretary_a1")

    post(secretary, meeting, "minutes", {"minutes-minutes": "到会代表4人，议定加装路灯。"})
    response = post(
        secretary,
        meeting,
        "photos",
        {"photos-photos": [SimpleUploadedFile("m.png", PNG, content_type="image/png")]},
    )

    assert "已上传 1 张照片" in response.content.decode()
    meeting.refresh_from_db()
    assert meeting.minutes == "到会代表4人，议定加装路灯。"
    photo = secretary.get(f"/deliberation/meetings/{meeting.pk}/photos/1/")
    assert photo.status_code == 200 and photo.getvalue() == PNG


def test_closing_the_meeting_offers_to_publish_the_passed_motion(
    d: Deliberation, client: Client, meeting: Meeting
) -> None:
    seat(d, meeting, 4)
    motion = motion_for(d, meeting)
    services.motion_hand_count(motion=motion, by=d.secretary, yes=4, no=0, abstain=0)

    response = post(as_(d, client, "secretary_a1"), meeting, "close")

    body = response.content.decode()
    assert "会议已结束" in body
    assert f'name="publish-motion" value="{motion.pk}"' in body
    meeting.refresh_from_db()
    assert meeting.status == MeetingStatus.CLOSED


def test_the_meeting_list_is_the_secretarys_own(
    d: Deliberation, client: Client, meeting: Meeting
) -> None:
    own = as_(d, client, "secretary_a1").get("/deliberation/meetings/").content.decode()
    other = as_(d, client, "secretary_b1").get("/deliberation/meetings/").content.decode()

    assert f'data-meeting="{meeting.pk}"' in own
    assert f'data-meeting="{meeting.pk}"' not in other


def test_the_seats_poll_returns_only_the_seats(
    d: Deliberation, client: Client, meeting: Meeting
) -> None:
    response = as_(d, client, "secretary_a1").get(
        f"/deliberation/meetings/{meeting.pk}/?part=seats", headers=HTMX
    )

    assert response.content.decode().lstrip().startswith('<section class="dl-card" id="seats"')


def test_named_votes_are_listed_for_the_place_and_not_for_the_public(
    d: Deliberation, client: Client, meeting: Meeting
) -> None:
    seat(d, meeting, 4)
    motion = motion_for(d, meeting, mode="named")
    services.vote_cast(motion=motion, by=d.reps[0].person, choice="yes")
    services.vote_cast(motion=motion, by=d.reps[1].person, choice="no")
    services.motion_decide(motion=motion, by=d.secretary)

    staff = as_(d, client, "secretary_a1").get(f"/deliberation/meetings/{meeting.pk}/")
    public = as_(d, client, "resident_a1").get(f"/deliberation/meetings/{meeting.pk}/")

    assert "rep_a1_1 赞成、rep_a1_2 反对" in staff.content.decode()
    assert "data-named-votes" not in public.content.decode()
