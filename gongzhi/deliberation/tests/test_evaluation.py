"""评: the residents' evaluation decides: at or above the threshold the case closes, below it
the project reopens; a project cannot be closed below the threshold."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.test import override_settings

from gongzhi.deliberation import services
from gongzhi.deliberation.errors import AlreadyRated, BelowThreshold, NotPermitted, TooFewRatings
from gongzhi.deliberation.models import Case, CaseEvent, Project, Rating, Step
from gongzhi.deliberation.tests.factories import Deliberation, case_at, project_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def evaluating(d: Deliberation) -> Project:
    return project_of(case_at(d, Step.EVALUATE))


def _rate(d: Deliberation, project: Project, scores: list[int]) -> None:
    raters = d.residents + [r.person for r in d.reps]
    for person, score in zip(raters, scores, strict=False):
        services.rating_submit(project=project, by=person, score=score)


def test_it_closes_at_or_above_the_threshold(d: Deliberation, evaluating: Project) -> None:
    _rate(d, evaluating, [4, 4, 4])  # mean 4.00, the threshold
    outcome = services.evaluation_close(project=evaluating, by=d.secretary)
    case = Case.objects.get(pk=evaluating.case_id)
    assert (outcome.closed, outcome.score, case.step) == (True, Decimal("4.00"), Step.CLOSED)


def test_it_reopens_below_the_threshold(d: Deliberation, evaluating: Project) -> None:
    _rate(d, evaluating, [5, 4, 2])  # mean 3.67
    outcome = services.evaluation_close(project=evaluating, by=d.secretary)
    case = Case.objects.get(pk=evaluating.case_id)
    project = Project.objects.get(pk=evaluating.pk)
    assert (outcome.closed, case.step, case.reopen_count, project.reopen_count) == (
        False,
        Step.ACT,
        1,
        1,
    )
    assert (project.completed_at, project.score) == (None, Decimal("3.67"))


def test_a_project_cannot_be_closed_below_the_threshold(
    d: Deliberation, evaluating: Project
) -> None:
    _rate(d, evaluating, [3, 3, 4])
    with pytest.raises(BelowThreshold):
        services.project_close(project=evaluating, by=d.secretary)
    assert Case.objects.get(pk=evaluating.case_id).step == Step.EVALUATE


@override_settings(GONGZHI_DELIBERATION_EVALUATION_THRESHOLD=3.0)
def test_the_threshold_comes_from_the_settings(d: Deliberation, evaluating: Project) -> None:
    _rate(d, evaluating, [3, 3, 4])
    services.project_close(project=evaluating, by=d.secretary)
    assert Case.objects.get(pk=evaluating.case_id).step == Step.CLOSED


def test_a_reopened_case_keeps_its_history_and_rates_again(
    d: Deliberation, evaluating: Project
) -> None:
    _rate(d, evaluating, [1, 2, 2])
    services.evaluation_close(project=evaluating, by=d.secretary)
    services.project_launch(project=evaluating, by=d.secretary)
    services.project_complete(project=evaluating, by=d.secretary)
    _rate(d, evaluating, [5, 5, 4])  # the same people, a new round
    outcome = services.evaluation_close(project=evaluating, by=d.secretary)
    kinds = list(
        CaseEvent.objects.filter(case_id=evaluating.case_id).values_list("kind", flat=True)
    )
    rounds = sorted(set(Rating.objects.filter(project=evaluating).values_list("round", flat=True)))
    assert (outcome.closed, outcome.score, rounds) == (True, Decimal("4.67"), [0, 1])
    assert kinds.count("completed") == 2 and kinds.count("reopened") == 1
    assert kinds[-1] == "closed"


def test_it_refuses_a_second_rating_by_the_same_person(
    d: Deliberation, evaluating: Project
) -> None:
    services.rating_submit(project=evaluating, by=d.residents[0], score=5)
    with pytest.raises(AlreadyRated):
        services.rating_submit(project=evaluating, by=d.residents[0], score=1)


def test_the_three_words_map_to_scores(d: Deliberation, evaluating: Project) -> None:
    ratings = [
        services.rating_submit(project=evaluating, by=person, satisfaction=word)
        for person, word in zip(
            d.residents, ["satisfied", "basically", "unsatisfied"], strict=False
        )
    ]
    assert [r.score for r in ratings] == [5, 4, 1]


def test_a_representative_rates_in_that_capacity(d: Deliberation, evaluating: Project) -> None:
    outsider_rep = d.reps[0].person  # a representative with no home in community A1
    rating = services.rating_submit(project=evaluating, by=outsider_rep, score=4)
    assert rating.as_representative is True


def test_people_of_other_places_may_not_rate(d: Deliberation, evaluating: Project) -> None:
    with pytest.raises(NotPermitted):
        services.rating_submit(project=evaluating, by=d.world.person("secretary_b1"), score=5)


def test_it_needs_enough_ratings_to_decide(d: Deliberation, evaluating: Project) -> None:
    _rate(d, evaluating, [5, 5])
    with pytest.raises(TooFewRatings):
        services.evaluation_close(project=evaluating, by=d.secretary)


def test_the_scan_decides_an_evaluation_whose_window_ended(
    d: Deliberation, evaluating: Project
) -> None:
    _rate(d, evaluating, [2, 2, 3])
    ends = Project.objects.get(pk=evaluating.pk).evaluation_ends_at
    assert ends is not None
    result = services.projects_scan(now=ends + dt.timedelta(minutes=1))
    assert (result.reopened, Case.objects.get(pk=evaluating.case_id).step) == (
        [evaluating.pk],
        Step.ACT,
    )


def test_the_scan_leaves_an_evaluation_without_enough_ratings(
    d: Deliberation, evaluating: Project
) -> None:
    ends = Project.objects.get(pk=evaluating.pk).evaluation_ends_at
    assert ends is not None
    result = services.projects_scan(now=ends + dt.timedelta(minutes=1))
    assert (result.waiting_for_ratings, Case.objects.get(pk=evaluating.case_id).step) == (
        [evaluating.pk],
        Step.EVALUATE,
    )
