"""Choosing the month's topic (每月一题) among the candidates (insights.topics).

The district's leaders choose for the district or any subdistrict, a subdistrict's staff for
their own: the same people who may see the candidates (pages/rules.topic_scopes). A problem is
chosen as the candidates show it now, and its score and evidence are kept with it, so that the
choice can be explained later whatever the data became. Each write is one transaction; a
problem chosen twice for the same month and scope is refused (also between two people choosing
at once: the unique constraint decides).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from gongzhi.accounts.models import Person, Unit
from gongzhi.insights.hotspots.errors import InvalidInput, NotPermitted, SignalError
from gongzhi.insights.models import MonthlyTopic
from gongzhi.insights.pages.rules import topic_scopes
from gongzhi.insights.topics import topic_candidates

__all__ = ["AlreadyChosen", "topic_choose", "topic_withdraw", "topics_chosen"]

# How far down the candidates a problem may be chosen from.
CANDIDATES = 50


class AlreadyChosen(SignalError):
    code = "already_chosen"
    default_message = gettext_noop("该问题已选为本月的每月一题")


def _check_scope(by: Person, subdistrict_id: int | None) -> None:
    district, own = topic_scopes(by)
    if district or (subdistrict_id is not None and subdistrict_id in own):
        return
    raise NotPermitted(_("您无权为该范围选定每月一题"))


def topics_chosen(month: dt.date, subdistrict_id: int | None) -> list[MonthlyTopic]:
    """The topics chosen for the month and scope (None: the district), best score first."""
    scope = (
        {"subdistrict__isnull": True}
        if subdistrict_id is None
        else {"subdistrict_id": subdistrict_id}
    )
    return list(
        MonthlyTopic.objects.filter(month=month.replace(day=1), **scope)
        .select_related("category", "lead_unit", "chosen_by")
        .order_by("-score", "pk")
    )


def topic_choose(
    *,
    by: Person,
    month: dt.date,
    subdistrict_id: int | None,
    category_id: int,
    place_kind: str = "",
    plan: str = "",
    lead_unit: Unit | None = None,
) -> MonthlyTopic:
    """Choose a candidate problem as the month's topic of the scope; returns the new row."""
    _check_scope(by, subdistrict_id)
    month = month.replace(day=1)
    candidates = topic_candidates(
        month,
        limit=CANDIDATES,
        by_place_kind=bool(place_kind),
        subdistrict_id=subdistrict_id,
    )
    found = next(
        (c for c in candidates if c.category_id == category_id and c.place_kind == place_kind),
        None,
    )
    if found is None:
        raise InvalidInput(_("该问题不在本月的候选问题之中"))
    if lead_unit is not None and not lead_unit.is_active:
        raise InvalidInput(_("牵头单位已停用"))
    try:
        with transaction.atomic():
            return MonthlyTopic.objects.create(
                month=month,
                subdistrict_id=subdistrict_id,
                category_id=category_id,
                place_kind=place_kind,
                score=found.score,
                evidence={"parts": found.parts, **asdict(found)["evidence"]},
                plan=plan.strip(),
                lead_unit=lead_unit,
                chosen_by=by,
                chosen_at=timezone.now(),
            )
    except IntegrityError:
        raise AlreadyChosen() from None


def topic_withdraw(*, by: Person, topic: MonthlyTopic) -> None:
    """Take a choice back (a mistaken choice; the month's work has not started on it)."""
    _check_scope(by, topic.subdistrict_id)
    with transaction.atomic():
        MonthlyTopic.objects.filter(pk=topic.pk).delete()
