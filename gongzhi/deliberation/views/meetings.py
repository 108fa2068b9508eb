"""The meetings a person runs, and the meeting console: the secretary signs representatives in
(tap to sign in), watches the quorum, puts motions, enters hand counts or closes named votes,
writes the minutes, adds photos and closes the meeting; representatives sign themselves in and
vote on the same page. Each form posts to `meeting_action`, which calls the one service and
re-renders the part of the console it changed (so a half-written minute is not lost)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_POST

from gongzhi.accounts.models import Person
from gongzhi.deliberation import rules, selectors, services
from gongzhi.deliberation.errors import DeliberationError, NotFound
from gongzhi.deliberation.forms.meeting import (
    CancelForm,
    CheckInForm,
    HandCountForm,
    MinutesForm,
    MotionForm,
    PhotosForm,
    VoteForm,
)
from gongzhi.deliberation.models import Meeting, MeetingPhoto, Motion, MotionStatus, Vote
from gongzhi.deliberation.transitions import MEETING_TABLE, Action, MeetingAction
from gongzhi.deliberation.views.edge import (
    error_status,
    error_text,
    form_errors_text,
    is_htmx,
    person_of,
)

TEMPLATE = "deliberation/meeting.html"


def _meeting(request: HttpRequest, pk: int) -> Meeting:
    try:
        return selectors.meeting_get(person_of(request), pk)
    except NotFound as exc:
        raise Http404 from exc


def _allows(meeting: Meeting, action: MeetingAction) -> bool:
    """Does the meeting's status allow the action? (The one table; the service checks again.)"""
    return meeting.status in MEETING_TABLE[action].sources


@login_required
@require_GET
def meeting_list(request: HttpRequest) -> HttpResponse:
    """The meetings the person may run that are not over yet, soonest first."""
    meetings = selectors.meetings_to_run(person_of(request)).prefetch_related("cases")
    return render(request, "deliberation/meetings.html", {"meetings": meetings})


def console_context(request: HttpRequest, meeting: Meeting, **extra: Any) -> dict[str, Any]:
    person = person_of(request)
    console = selectors.meeting_console(person, meeting)
    staff = rules.case_grant(person, Action.RUN_MEETING, meeting.place) is not None
    mine = rules.representative_for(person, meeting.place)
    my_seat = None
    if mine is not None:
        my_seat = next((s for s in console.seats if s.representative.pk == mine[0].pk), None)
    voted = (
        set(
            Vote.objects.filter(motion__meeting=meeting, cast_by=person).values_list(
                "motion_id", flat=True
            )
        )
        if mine is not None
        else set()
    )
    named: dict[int, list[Vote]] = {}
    if console.may_see_votes:  # who voted how: the place's staff and representatives only
        for vote in (
            Vote.objects.filter(motion__meeting=meeting)
            .select_related("representative__person")
            .order_by("representative_id")
        ):
            named.setdefault(vote.motion_id, []).append(vote)
    bound = extra.pop("bound", {})
    open_motions = [row for row in console.motions if row.motion.status == MotionStatus.OPEN]
    # Passed motions not yet on notice, for those who may publish them (on the case's page).
    passed_unpublished = [
        motion
        for motion in Motion.objects.filter(
            meeting=meeting, status=MotionStatus.PASSED, resolution__isnull=True
        ).select_related("case")
        if rules.can_publish_resolution(person, motion.case)
    ]
    return {
        "meeting": meeting,
        "console": console,
        "staff": staff,
        "can_run": staff and rules.can_run_meeting(person, meeting),
        "may": {a.value: _allows(meeting, a) for a in MeetingAction},
        "my_seat": my_seat,
        "my_substitute": mine[1] if mine else False,
        "can_vote": rules.can_vote(person, meeting),
        "voted": voted,
        "named": named,
        "open_motions": open_motions,
        "passed_motions": passed_unpublished,
        "motion_form": bound.get("motion")
        or MotionForm(prefix="motion", cases=meeting.cases.all()),
        "count_fields": [("yes", _("赞成")), ("no", _("反对")), ("abstain", _("弃权"))],
        "bound_motion": "motion" in bound,
        "minutes_form": bound.get("minutes")
        or MinutesForm(prefix="minutes", initial={"minutes": meeting.minutes}),
        "photos_form": PhotosForm(prefix="photos"),
        "cancel_form": bound.get("cancel") or CancelForm(prefix="cancel"),
        "photos": list(meeting.photos.all()),
        **extra,
    }


@login_required
@require_GET
def meeting_console(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = _meeting(request, pk)
    part = request.GET.get("part", "")
    template = TEMPLATE
    if is_htmx(request) and part in PARTS:
        template += f"#{part}"
    return render(request, template, console_context(request, meeting))


# --- Actions ---------------------------------------------------------------------------------


def _motion(meeting: Meeting, request: HttpRequest) -> Motion:
    motion = Motion.objects.filter(meeting=meeting, pk=request.POST.get("motion") or 0).first()
    if motion is None:
        raise NotFound(_("表决事项不存在"))
    return motion


def _check_in(request: HttpRequest, meeting: Meeting, by: Person) -> Any:
    form = CheckInForm(request.POST)
    if not form.is_valid():
        raise NotFound(_("代表不存在"))
    rep = next(
        (
            s.representative
            for s in selectors.meeting_console(by, meeting).seats
            if s.representative.pk == form.cleaned_data["representative"]
        ),
        None,
    )
    if rep is None:
        raise NotFound(_("该代表不是本议事范围的在任代表"))
    services.meeting_check_in(
        meeting=meeting, by=by, representative=rep, substitute=form.cleaned_data["substitute"]
    )
    if form.cleaned_data["substitute"]:
        return _("%(name)s 的替补已签到") % {"name": rep.person}
    return _("%(name)s 已签到") % {"name": rep.person}


@dataclass(frozen=True)
class ConsoleAction:
    part: str  # the part of the console re-rendered
    run: Callable[[HttpRequest, Meeting, Person], Any]  # returns the flash (or a bound form)


class Invalid(Exception):
    """A form did not validate: re-render its part with the bound form."""

    def __init__(self, key: str, form: Any) -> None:
        self.key, self.form = key, form


def _form(key: str, form: Any) -> Any:
    if not form.is_valid():
        raise Invalid(key, form)
    return form.cleaned_data


def _propose(request: HttpRequest, meeting: Meeting, by: Person) -> Any:
    d = _form("motion", MotionForm(request.POST, prefix="motion", cases=meeting.cases.all()))
    services.motion_propose(
        meeting=meeting,
        case=d["case"],
        by=by,
        text=d["text"],
        majority=d["majority"],
        mode=d["mode"],
    )
    return _("已提出表决事项")


def _hand_count(request: HttpRequest, meeting: Meeting, by: Person) -> Any:
    motion = _motion(meeting, request)
    d = _form(f"hand_count:{motion.pk}", HandCountForm(request.POST, prefix=f"h{motion.pk}"))
    motion = services.motion_hand_count(
        motion=motion, by=by, yes=d["yes"], no=d["no"], abstain=d["abstain"]
    )
    return _outcome(motion)


def _outcome(motion: Motion) -> str:
    verdict = _("通过") if motion.status == MotionStatus.PASSED else _("未通过")
    return _(
        "表决结果：赞成 %(yes)s，反对 %(no)s，弃权 %(abstain)s，出席 %(present)s —— %(verdict)s"
    ) % {
        "yes": motion.yes,
        "no": motion.no,
        "abstain": motion.abstain,
        "present": motion.present,
        "verdict": verdict,
    }


def _vote(request: HttpRequest, meeting: Meeting, by: Person) -> Any:
    motion = _motion(meeting, request)
    d = _form("vote", VoteForm(request.POST))
    services.vote_cast(motion=motion, by=by, choice=d["choice"])
    return _("您的表决已记录")


def _decide(request: HttpRequest, meeting: Meeting, by: Person) -> Any:
    return _outcome(services.motion_decide(motion=_motion(meeting, request), by=by))


def _minutes(request: HttpRequest, meeting: Meeting, by: Person) -> Any:
    d = _form("minutes", MinutesForm(request.POST, prefix="minutes"))
    services.meeting_record_minutes(meeting=meeting, by=by, minutes=d["minutes"])
    return _("纪要已保存")


def _photos(request: HttpRequest, meeting: Meeting, by: Person) -> Any:
    d = _form("photos", PhotosForm(request.POST, request.FILES, prefix="photos"))
    saved = services.meeting_add_photos(meeting=meeting, by=by, files=d["photos"])
    return ngettext("已上传 %(n)s 张照片", "已上传 %(n)s 张照片", len(saved)) % {"n": len(saved)}


def _open(request: HttpRequest, meeting: Meeting, by: Person) -> Any:
    services.meeting_open(meeting=meeting, by=by)
    return _("会议开始")


def _self_check_in(request: HttpRequest, meeting: Meeting, by: Person) -> Any:
    attendance = services.meeting_check_in(meeting=meeting, by=by)
    if attendance.is_substitute:
        return _("您已作为替补签到")
    return _("您已签到")


def _close(request: HttpRequest, meeting: Meeting, by: Person) -> Any:
    services.meeting_close(meeting=meeting, by=by)
    return _("会议已结束")


def _cancel(request: HttpRequest, meeting: Meeting, by: Person) -> Any:
    d = _form("cancel", CancelForm(request.POST, prefix="cancel"))
    services.meeting_cancel(meeting=meeting, by=by, reason=d["reason"])
    return _("会议已取消")


ACTIONS: dict[str, ConsoleAction] = {
    "open": ConsoleAction("body", _open),
    "check_in": ConsoleAction("seats", _check_in),
    "self_check_in": ConsoleAction("seats", _self_check_in),
    "motion": ConsoleAction("motions", _propose),
    "hand_count": ConsoleAction("motions", _hand_count),
    "vote": ConsoleAction("motions", _vote),
    "decide": ConsoleAction("motions", _decide),
    "minutes": ConsoleAction("record", _minutes),
    "photos": ConsoleAction("record", _photos),
    "close": ConsoleAction("body", _close),
    "cancel": ConsoleAction("body", _cancel),
}
PARTS = frozenset({"body", "seats", "motions", "record"})


@login_required
@require_POST
def meeting_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    step = ACTIONS.get(action)
    if step is None:
        raise Http404
    meeting = _meeting(request, pk)
    by = person_of(request)
    status = 200
    extra: dict[str, Any] = {}
    try:
        extra["done"] = step.run(request, meeting, by)
    except Invalid as invalid:
        status = 400
        extra["bound"] = {invalid.key: invalid.form}
        extra["error"] = form_errors_text(invalid.form)
    except DeliberationError as exc:
        status = error_status(exc)
        extra["error"] = error_text(exc)
    extra["part"] = step.part
    if not is_htmx(request):
        if "error" in extra:
            messages.error(request, extra["error"])
        else:
            messages.success(request, str(extra["done"]))
        return redirect("deliberation:meeting", pk=meeting.pk)
    meeting = _meeting(request, pk)
    template = f"{TEMPLATE}#{step.part}"
    return render(request, template, console_context(request, meeting, **extra), status=status)


@login_required
@require_GET
def meeting_photo(request: HttpRequest, pk: int, seq: int) -> FileResponse:
    meeting = _meeting(request, pk)
    row = MeetingPhoto.objects.filter(meeting=meeting, seq=seq).first()
    if row is None:
        raise Http404
    response = FileResponse(row.file.open("rb"), content_type=row.content_type)
    response["Cache-Control"] = "private, max-age=3600"
    return response
