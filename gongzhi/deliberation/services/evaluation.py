"""评 evaluate: residents and representatives rate the finished project; the mean score
decides: at or above the threshold the case closes, below it the project reopens (back to act)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Avg, Count
from django.utils.translation import gettext as _

from gongzhi.accounts.models import Person
from gongzhi.deliberation import rules
from gongzhi.deliberation.errors import (
    AlreadyRated,
    BelowThreshold,
    InvalidInput,
    NotPermitted,
    TooFewRatings,
)
from gongzhi.deliberation.models import (
    Case,
    CaseEventKind,
    Project,
    Rating,
    Satisfaction,
    Step,
)
from gongzhi.deliberation.services.guard import lock_case, move, now_or, record, send
from gongzhi.deliberation.transitions import Action, check


def threshold() -> Decimal:
    return Decimal(str(settings.GONGZHI_DELIBERATION_EVALUATION_THRESHOLD))


def score_for(satisfaction: str) -> int:
    """The 1–5 score of 满意 / 基本满意 / 不满意 (settings.GONGZHI_DELIBERATION_RATING_SCORES)."""
    return int(settings.GONGZHI_DELIBERATION_RATING_SCORES[satisfaction])


@dataclass(frozen=True)
class Tally:
    ratings: int
    mean: Decimal | None  # two decimals, None without ratings


def tally(project: Project, *, round: int | None = None) -> Tally:
    """The ratings of one evaluation round (the current one by default)."""
    rnd = project.evaluation_round if round is None else round
    row = Rating.objects.filter(project=project, round=rnd).aggregate(
        n=Count("id"), mean=Avg("score")
    )
    mean = row["mean"]
    return Tally(
        row["n"],
        None
        if mean is None
        else Decimal(str(mean)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP),
    )


def _lock(project: Project) -> tuple[Project, Case]:
    case = lock_case(project.case_id)
    locked = Project.objects.select_for_update(of=("self",)).get(pk=project.pk)
    locked.case = case
    return locked, case


@transaction.atomic
def rating_submit(
    *,
    project: Project,
    by: Person,
    score: int | None = None,
    satisfaction: str = "",
    comment: str = "",
    at: dt.datetime | None = None,
) -> Rating:
    """Rate the project: a score 1–5, or 满意 / 基本满意 / 不满意 (mapped to a score). A resident
    of the place or a representative within its community; once per person per round."""
    project, case = _lock(project)
    check(case, Action.RATE)
    capacity = rules.rater_capacity(by, project)
    if capacity is None:
        raise NotPermitted(_("只有本小区或本社区的居民和议事代表可以评价"), action="rate")
    if satisfaction:
        if satisfaction not in Satisfaction.values:
            raise InvalidInput(_("满意度选项不正确"), field="satisfaction")
        if score is None:
            score = score_for(satisfaction)
    if score is None or not 1 <= score <= 5:
        raise InvalidInput(_("评分须为1到5分"), field="score")
    rnd = project.evaluation_round
    if Rating.objects.filter(project=project, person=by, round=rnd).exists():
        raise AlreadyRated()
    now = now_or(at)
    try:
        with transaction.atomic():
            rating = Rating.objects.create(
                project=project,
                person=by,
                round=rnd,
                score=score,
                satisfaction=satisfaction,
                as_representative=capacity == "representative",
                comment=(comment or "").strip(),
                at=now,
            )
    except IntegrityError as exc:
        raise AlreadyRated() from exc
    record(
        case,
        CaseEventKind.RATED,
        at=now,
        by=by,
        data={"score": score, "round": rnd, "as": capacity},
    )
    return rating


@dataclass(frozen=True)
class Outcome:
    project: Project
    closed: bool  # False: reopened
    score: Decimal
    ratings: int


def _close(
    project: Project, case: Case, score: Decimal, n: int, by: Person | None, now: dt.datetime
) -> None:
    project.score = score
    project.closed_at = now
    project.save(update_fields=["score", "closed_at"])
    case.closed_at = now
    from_step = move(case, Step.CLOSED, at=now)
    record(
        case,
        CaseEventKind.CLOSED,
        at=now,
        by=by,
        from_step=from_step,
        to_step=Step.CLOSED,
        data={"score": str(score), "ratings": n, "threshold": str(threshold())},
    )


def _reopen(
    project: Project, case: Case, score: Decimal, n: int, by: Person | None, now: dt.datetime
) -> None:
    target = check(case, Action.REOPEN)
    project.score = score
    project.reopen_count += 1
    project.completed_at = None
    project.evaluation_ends_at = None
    project.save(update_fields=["score", "reopen_count", "completed_at", "evaluation_ends_at"])
    case.reopen_count += 1
    from_step = move(case, target, at=now)
    record(
        case,
        CaseEventKind.REOPENED,
        at=now,
        by=by,
        from_step=from_step,
        to_step=target,
        data={
            "score": str(score),
            "ratings": n,
            "threshold": str(threshold()),
            "reopen_count": case.reopen_count,
        },
    )
    send(
        "dl_project_reopened",
        recipients=[link.unit for link in project.unit_links.select_related("unit")],
        case=case,
        title=project.title,
        score=str(score),
        threshold=str(threshold()),
    )


@transaction.atomic
def evaluation_close(
    *, project: Project, by: Person | None = None, at: dt.datetime | None = None
) -> Outcome:
    """End the evaluation round and let the score decide: at or above
    settings.GONGZHI_DELIBERATION_EVALUATION_THRESHOLD the case closes; below it the project
    reopens (back to act, reopen count +1, the ratings kept with their round). `by` None is the
    periodic scan after the window ended; a person must be one of the place's leaders. Needs at
    least settings.GONGZHI_DELIBERATION_EVALUATION_MIN_RATINGS ratings (TooFewRatings)."""
    project, case = _lock(project)
    check(case, Action.CLOSE_EVALUATION)
    if by is not None and rules.case_grant(by, Action.CLOSE_EVALUATION, case.place) is None:
        raise NotPermitted(action="close_evaluation", case=case.number)
    result = tally(project)
    if result.ratings < settings.GONGZHI_DELIBERATION_EVALUATION_MIN_RATINGS or result.mean is None:
        raise TooFewRatings(
            ratings=result.ratings, needed=settings.GONGZHI_DELIBERATION_EVALUATION_MIN_RATINGS
        )
    now = now_or(at)
    if result.mean >= threshold():
        _close(project, case, result.mean, result.ratings, by, now)
        return Outcome(project, True, result.mean, result.ratings)
    _reopen(project, case, result.mean, result.ratings, by, now)
    return Outcome(project, False, result.mean, result.ratings)


@transaction.atomic
def project_close(*, project: Project, by: Person, at: dt.datetime | None = None) -> Project:
    """Close the project on its evaluation (办结). Refused when the current round's score is
    below the threshold (BelowThreshold): such a project must be reopened, not closed."""
    project, case = _lock(project)
    check(case, Action.CLOSE_EVALUATION)
    if rules.case_grant(by, Action.CLOSE_EVALUATION, case.place) is None:
        raise NotPermitted(action="close", case=case.number)
    result = tally(project)
    if result.ratings < settings.GONGZHI_DELIBERATION_EVALUATION_MIN_RATINGS or result.mean is None:
        raise TooFewRatings(
            ratings=result.ratings, needed=settings.GONGZHI_DELIBERATION_EVALUATION_MIN_RATINGS
        )
    if result.mean < threshold():
        raise BelowThreshold(score=str(result.mean), threshold=str(threshold()))
    _close(project, case, result.mean, result.ratings, by, now_or(at))
    return project
