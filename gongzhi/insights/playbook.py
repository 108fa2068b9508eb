"""The playbook (场景治理手册): for an open order, how similar orders were handled when it went
well — the best-rated resolved past orders of its kind and text, with the lead unit, what it
did (the resolution feedback) and how many days it took.

Candidates: the GONGZHI_PLAYBOOK_POOL latest resolved orders of the same category, and as
many of its sibling categories (the same parent), with a resolution feedback, not the order
itself, and not those whose requester was unsatisfied (a playbook shows what worked). Each is
compared with the order's description by the cosine of character 2–3-gram TF-IDF vectors
(fitted on the candidates and the order). Order of the list:

1. the same category before a sibling category;
2. similar texts (cosine ≥ GONGZHI_PLAYBOOK_MIN_SIMILARITY) before the others;
3. satisfied callbacks (满意), then basically satisfied (基本满意), then resolved without a
   reached callback;
4. the more similar first, then the more recent.

Two queries, whatever the pool's size (pinned in the tests). Requester data is not read.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Q, QuerySet, Subquery
from sklearn.feature_extraction.text import TfidfVectorizer

from gongzhi.workorders.models import Category, Satisfaction, WorkOrder

_TIER = {Satisfaction.SATISFIED: 0, Satisfaction.BASICALLY: 1}


@dataclass(frozen=True)
class PlaybookEntry:
    order: WorkOrder  # number, category, description, feedback, lead_unit loaded
    similarity: float
    same_category: bool
    satisfaction: str  # "satisfied", "basically" or "" (no reached callback)
    days_taken: float  # calendar days from receipt to resolution

    @property
    def lead_unit_name(self) -> str:
        unit = self.order.lead_unit
        return unit.name if unit is not None else ""

    @property
    def feedback(self) -> str:
        return self.order.feedback


def _candidates(order: WorkOrder) -> QuerySet[WorkOrder]:
    return (
        WorkOrder.objects.filter(resolved_at__isnull=False)
        .exclude(pk=order.pk)
        .exclude(feedback="")
        .exclude(satisfaction=Satisfaction.UNSATISFIED)
        .select_related("lead_unit", "category")
        .only(
            "number",
            "description",
            "feedback",
            "satisfaction",
            "received_at",
            "resolved_at",
            "category__id",
            "category__name",
            "category__code",
            "lead_unit__id",
            "lead_unit__name",
        )
        .order_by("-pk")
    )


def playbook_for(order: WorkOrder, limit: int = 5) -> list[PlaybookEntry]:
    """The best past handling of orders like this one (see the module's docstring)."""
    pool = settings.GONGZHI_PLAYBOOK_POOL
    same = list(_candidates(order).filter(category_id=order.category_id)[:pool])
    siblings = list(
        _candidates(order)
        .filter(
            category__parent_id=Subquery(
                Category.objects.filter(pk=order.category_id).values("parent_id")[:1]
            )
        )
        .exclude(Q(category_id=order.category_id) | Q(category__parent_id__isnull=True))[:pool]
    )
    candidates = same + siblings
    if not candidates:
        return []
    texts = [order.description or "", *(c.description or "" for c in candidates)]
    vectors = TfidfVectorizer(analyzer="char", ngram_range=(2, 3), sublinear_tf=True).fit_transform(
        texts
    )
    similarity = (vectors[1:] @ vectors[0].T).toarray().ravel()
    floor = settings.GONGZHI_PLAYBOOK_MIN_SIMILARITY
    entries = [
        PlaybookEntry(
            order=c,
            similarity=round(float(s), 4),
            same_category=c.category_id == order.category_id,
            satisfaction=c.satisfaction,
            days_taken=_days(c.received_at, c.resolved_at),
        )
        for c, s in zip(candidates, similarity, strict=True)
    ]
    entries.sort(
        key=lambda e: (
            not e.same_category,
            e.similarity < floor,
            _TIER.get(e.satisfaction, 2),  # type: ignore[call-overload]
            -e.similarity,
            -e.order.pk,
        )
    )
    return entries[:limit]


def _days(start: dt.datetime, end: dt.datetime | None) -> float:
    if end is None:
        return 0.0
    return round((end - start).total_seconds() / 86400.0, 1)
