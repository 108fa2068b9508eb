"""公示 public notice: a passed motion published as a resolution for the notice period;
residents' objections and the answers to them."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from gongzhi.accounts.models import Person
from gongzhi.deliberation import rules
from gongzhi.deliberation.errors import (
    InvalidInput,
    MotionNotPassed,
    NoticeNotOver,
    NotPermitted,
    ObjectionsUnanswered,
    StepNotAllowed,
)
from gongzhi.deliberation.models import (
    Case,
    CaseEventKind,
    Motion,
    MotionStatus,
    Objection,
    Resolution,
    ResolutionStatus,
)
from gongzhi.deliberation.services.guard import begin, lock_case, move, now_or, record, send
from gongzhi.deliberation.transitions import Action, check


def notice_days() -> int:
    return int(settings.GONGZHI_DELIBERATION_NOTICE_DAYS)


@transaction.atomic
def resolution_publish(
    *, motion: Motion, by: Person, text: str = "", at: dt.datetime | None = None
) -> Resolution:
    """Publish the passed motion as the case's resolution for the notice period
    (settings.GONGZHI_DELIBERATION_NOTICE_DAYS calendar days). The case moves to notice; the
    representatives of the case's place and the proposals' supporters are told."""
    case, _grant, target = begin(motion.case_id, Action.PUBLISH_RESOLUTION, by)
    motion = Motion.objects.select_related("meeting").get(pk=motion.pk)
    if motion.status != MotionStatus.PASSED:
        raise MotionNotPassed(motion=motion.pk)
    if Resolution.objects.filter(motion=motion).exists():
        raise StepNotAllowed(_("该表决事项已形成决议"), motion=motion.pk)
    now = now_or(at)
    resolution = Resolution.objects.create(
        case=case,
        motion=motion,
        text=(text or motion.text).strip(),
        published_at=now,
        notice_ends_at=now + dt.timedelta(days=notice_days()),
        published_by=by,
    )
    from_step = move(case, target, at=now)
    record(
        case,
        CaseEventKind.RESOLUTION_PUBLISHED,
        at=now,
        by=by,
        from_step=from_step,
        to_step=target,
        note=resolution.text,
        data={"resolution": resolution.pk, "ends": resolution.notice_ends_at.isoformat()},
    )
    recipients = [r.person for r in rules.representatives_of(case.place)]
    if motion.meeting.place.key != case.place.key:
        recipients += [r.person for r in rules.representatives_of(motion.meeting.place)]
    recipients += _supporters(case)
    send(
        "dl_resolution_notice",
        recipients=recipients,
        case=case,
        ends=f"{timezone.localtime(resolution.notice_ends_at):%Y-%m-%d %H:%M}",
    )
    return resolution


def _supporters(case: Case) -> list[Person]:
    people: list[Person] = []
    for proposal in case.proposals.select_related("author").prefetch_related("supports__person"):
        people.append(proposal.author)
        people += [s.person for s in proposal.supports.all()]
    return people


def current_resolution(case: Case) -> Resolution | None:
    """The case's resolution on notice (or adopted), the latest one."""
    return (
        Resolution.objects.filter(case=case)
        .exclude(status=ResolutionStatus.WITHDRAWN)
        .order_by("-published_at", "-id")
        .first()
    )


@transaction.atomic
def objection_raise(
    *, resolution: Resolution, by: Person, text: str, at: dt.datetime | None = None
) -> Objection:
    """A resident of the case's place objects to the resolution during the notice period."""
    case = lock_case(resolution.case_id)
    check(case, Action.OBJECT)
    resolution = Resolution.objects.get(pk=resolution.pk)
    now = now_or(at)
    if resolution.status != ResolutionStatus.ON_NOTICE or now >= resolution.notice_ends_at:
        raise StepNotAllowed(_("公示期已结束，不能再提出异议"), resolution=resolution.pk)
    if not rules.is_resident_of(by, case.place):
        raise NotPermitted(_("只有本小区或本社区的居民可以提出异议"), action="object")
    text = (text or "").strip()
    if not text:
        raise InvalidInput(_("请填写异议内容"), field="text")
    objection = Objection.objects.create(resolution=resolution, person=by, text=text, at=now)
    record(
        case,
        CaseEventKind.OBJECTION_RAISED,
        at=now,
        by=by,
        note=text,
        data={"objection": objection.pk},
    )
    return objection


@transaction.atomic
def objection_answer(
    *, objection: Objection, by: Person, answer: str, at: dt.datetime | None = None
) -> Objection:
    """Answer an objection (publicly). An answer may be given after the period ended too:
    the case waits for it."""
    resolution = Resolution.objects.get(pk=objection.resolution_id)
    case, _grant, _target = begin(resolution.case_id, Action.ANSWER_OBJECTION, by)
    objection = Objection.objects.select_for_update().get(pk=objection.pk)
    if objection.answered_at is not None:
        raise StepNotAllowed(_("该异议已答复"), objection=objection.pk)
    answer = (answer or "").strip()
    if not answer:
        raise InvalidInput(_("请填写答复"), field="answer")
    now = now_or(at)
    objection.answer = answer
    objection.answered_by = by
    objection.answered_at = now
    objection.save(update_fields=["answer", "answered_by", "answered_at"])
    record(
        case,
        CaseEventKind.OBJECTION_ANSWERED,
        at=now,
        by=by,
        note=answer,
        data={"objection": objection.pk},
    )
    return objection


def require_notice_passed(resolution: Resolution, now: dt.datetime) -> None:
    """Raise NoticeNotOver before the end of the period, ObjectionsUnanswered while an
    objection waits for its answer."""
    if now < resolution.notice_ends_at:
        raise NoticeNotOver(ends=resolution.notice_ends_at.isoformat())
    waiting = resolution.objections.filter(answered_at__isnull=True).count()
    if waiting:
        raise ObjectionsUnanswered(waiting=waiting)
