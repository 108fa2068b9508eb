"""Reads of dispatch intelligence for the pages: what the dispatcher's desk shows about each
order (the suggestion, ready to accept with one click, and the likely duplicates, ready to
merge), the model registry and the feedback.

Visibility: the desk and intake pages decide who sees an order (workorders.selectors); these
functions only add what dispatch intelligence knows about orders already chosen.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Prefetch, QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l

from gongzhi.accounts.models import Unit
from gongzhi.dispatch.gazetteer import PlaceRef
from gongzhi.dispatch.models import (
    Decision,
    DuplicateLink,
    ModelArtifact,
    OrderSuggestion,
    TrainingFeedback,
)
from gongzhi.dispatch.suggest import advise, place_ids
from gongzhi.places.models import Community, Compound
from gongzhi.workorders.matrix import Place, suggestions_for
from gongzhi.workorders.models import OPEN_STATUSES, Category, WorkOrder

__all__ = [
    "DeskAdvice",
    "artifacts",
    "category_labels",
    "desk_advice",
    "feedback_recent",
    "intake_preview",
    "suggestion_cached",
    "suggestion_of",
    "with_advice",
]

PLACE_SOURCES = {
    "operator": _l("登记选择"),
    "coordinates": _l("坐标定位"),
    "text": _l("诉求文本"),
}
SETTLED_BY = {
    "unique": "",
    "coordinates": _l("按诉求人坐标"),
    "nearest": _l("按诉求人坐标（最近）"),
    "context": _l("按文中其他地名"),
    "nested": _l("取包含其余的地点"),
}


def with_advice(orders: QuerySet[WorkOrder]) -> QuerySet[WorkOrder]:
    """`orders` with their suggestion (joined) and likely duplicates (one more query)."""
    return orders.select_related(
        "dispatch_suggestion", "dispatch_suggestion__unit"
    ).prefetch_related(
        Prefetch(
            "duplicate_links",
            queryset=DuplicateLink.objects.select_related("original").order_by("-similarity"),
            to_attr="dispatch_duplicates",
        )
    )


def suggestion_of(order: WorkOrder) -> OrderSuggestion | None:
    """The order's suggestion (joined by with_advice(), else one query), or None."""
    try:
        found: OrderSuggestion = order.dispatch_suggestion  # type: ignore[attr-defined, unused-ignore]
    except OrderSuggestion.DoesNotExist:
        return None
    return found


def suggestion_cached(order: WorkOrder) -> OrderSuggestion | None:
    """The suggestion intake just kept for `order` (set on the instance), without a query."""
    relation: Any = WorkOrder._meta.get_field("dispatch_suggestion")
    if relation.is_cached(order):
        found: OrderSuggestion | None = relation.get_cached_value(order)
        return found
    return None


def category_labels() -> dict[str, str]:
    """code → "物业管理 › 电梯故障" of the active categories (one query)."""
    rows = Category.objects.select_related("parent").filter(is_active=True)
    return {c.code: c.full_name for c in rows}


@dataclass(frozen=True)
class CategoryChip:
    code: str
    label: str
    confidence: float
    is_order_category: bool

    @property
    def percent(self) -> int:
        return round(self.confidence * 100)

    @property
    def fill(self) -> str:
        """For the dispatch form's category <select> (codes)."""
        return json.dumps({"category": self.code})

    @property
    def fill_label(self) -> str:
        """For the intake's category text box (labels, as its list offers them)."""
        return json.dumps({"category": self.label}, ensure_ascii=False)


@dataclass(frozen=True)
class DuplicateRow:
    order: WorkOrder
    similarity: float
    same_category: bool

    @property
    def percent(self) -> int:
        return round(self.similarity * 100)


@dataclass(frozen=True)
class DeskAdvice:
    """What the desk card shows. `accept` holds the dispatch form's values for the one-click
    acceptance (lead, assisting, category), None when the matrix gave no unit."""

    model_version: str = ""
    decision: str = ""
    threshold: float | None = None
    categories: list[CategoryChip] = field(default_factory=list)
    place: str = ""
    place_note: str = ""
    ambiguous: list[str] = field(default_factory=list)
    unit: Unit | None = None
    assisting: list[str] = field(default_factory=list)
    unit_reason: str = ""
    accept: dict[str, Any] | None = None
    accept_label: str = ""
    duplicates: list[DuplicateRow] = field(default_factory=list)

    @property
    def threshold_percent(self) -> int | None:
        return None if self.threshold is None else round(self.threshold * 100)

    @property
    def shown(self) -> bool:
        return bool(self.categories or self.place or self.ambiguous or self.duplicates)


def _place(suggestion: OrderSuggestion) -> tuple[str, str, list[str]]:
    data = suggestion.place or {}
    source = str(PLACE_SOURCES.get(data.get("source", ""), ""))
    place = data.get("place") or {}
    name = place.get("name", "") if isinstance(place, dict) else ""
    note = " · ".join(p for p in (source, str(SETTLED_BY.get(data.get("settled_by", ""), ""))) if p)
    ambiguous = []
    for mention in data.get("mentions", []):
        if mention.get("place") is None and len(mention.get("candidates", [])) > 1:
            names = "、".join(c.get("name", "") for c in mention["candidates"][:4])
            ambiguous.append(
                _("文中“%(text)s”可指：%(names)s") % {"text": mention.get("text"), "names": names}
            )
    return name, note, ambiguous


def _duplicates(order: WorkOrder) -> list[DuplicateRow]:
    links = getattr(order, "dispatch_duplicates", None)
    if links is None:
        links = list(
            DuplicateLink.objects.filter(order=order)
            .select_related("original")
            .order_by("-similarity")
        )
    return [
        DuplicateRow(link.original, link.similarity, link.same_category)
        for link in links
        if link.original.status in OPEN_STATUSES
    ]


def desk_advice(order: WorkOrder, *, labels: dict[str, str] | None = None) -> DeskAdvice:
    """What dispatch intelligence says about an order on the dispatcher's desk. `labels` are the
    category labels by code (category_labels()), looked up when not given."""
    duplicates = _duplicates(order)
    suggestion = suggestion_of(order)
    if suggestion is None:
        return DeskAdvice(duplicates=duplicates)
    if labels is None:
        labels = category_labels()
    filed_under = {c.code for c in order.category.lineage()}
    chips = [
        CategoryChip(
            c["code"],
            labels.get(c["code"], c["code"]),
            float(c["confidence"]),
            c["code"] in filed_under,
        )
        for c in suggestion.categories
    ]
    place, note, ambiguous = _place(suggestion)
    accept = None
    label = ""
    if suggestion.unit is not None and suggestion.unit.is_active:
        # A top category the order is already filed under (or under one of its children) is
        # kept as it is: accepting never makes the category coarser.
        category = chips[0].code if chips and not chips[0].is_order_category else ""
        accept = {
            "lead": suggestion.unit.pk,
            "assisting": [a["id"] for a in suggestion.assisting],
            "category": category,
        }
        label = (
            _("采纳：%(category)s → %(unit)s")
            % {"category": chips[0].label, "unit": suggestion.unit.name}
            if chips
            else _("采纳：派至 %(unit)s") % {"unit": suggestion.unit.name}
        )
    return DeskAdvice(
        model_version=suggestion.model_version,
        decision=str(Decision(suggestion.decision).label) if suggestion.decision else "",
        threshold=suggestion.threshold,
        categories=chips,
        place=place,
        place_note=note,
        ambiguous=ambiguous,
        unit=suggestion.unit,
        assisting=[a["name"] for a in suggestion.assisting],
        unit_reason=suggestion.unit_reason,
        accept=accept,
        accept_label=label,
        duplicates=duplicates,
    )


def artifacts() -> QuerySet[ModelArtifact]:
    """The model registry, newest first."""
    return ModelArtifact.objects.select_related("registered_by").order_by("-registered_at", "-id")


def feedback_recent(limit: int = 50) -> list[TrainingFeedback]:
    return list(
        TrainingFeedback.objects.select_related(
            "order", "predicted_category", "chosen_category", "predicted_unit", "chosen_unit", "by"
        ).order_by("-at", "-id")[:limit]
    )


# --- The operator's intake: suggestions while the call is taken ---------------------------------


@dataclass(frozen=True)
class PlaceChip:
    key: str  # the intake form's `place` value: "compound:12", "community:5"
    label: str
    note: str


@dataclass(frozen=True)
class IntakePreview:
    model_version: str = ""
    categories: list[CategoryChip] = field(default_factory=list)
    threshold: float | None = None
    places: list[PlaceChip] = field(default_factory=list)
    ambiguous: list[tuple[str, list[PlaceChip]]] = field(default_factory=list)
    unit: Unit | None = None
    would_auto: bool = False

    @property
    def threshold_percent(self) -> int | None:
        return None if self.threshold is None else round(self.threshold * 100)


def _chip(ref: PlaceRef, note: str = "") -> PlaceChip | None:
    if ref.level == "compound":
        return PlaceChip(f"compound:{ref.compound_id}", f"{ref.name}（{ref.within}）", note)
    if ref.level in ("community", "road") and ref.community_id is not None:
        label = ref.name if ref.level == "community" else f"{ref.within}（{ref.name}）"
        return PlaceChip(f"community:{ref.community_id}", label, note)
    return None


def intake_preview(
    *, text: str, address: str = "", place: Compound | Community | None = None
) -> IntakePreview:
    """What the intake page shows while the operator types: the top categories (a click fills
    the category), the places the text names (a click fills the place; each candidate of an
    ambiguous name), the unit the matrix gives for the top category, and whether filing under
    it would dispatch automatically. Reads the category list once, and the matrix when a
    place is known."""
    advice = advise(text=text, address=address, place_source="operator" if place else "")
    labels = category_labels() if advice.categories else {}
    chips = [
        CategoryChip(g.code, labels.get(g.code, g.code), g.confidence, False)
        for g in advice.categories
    ]
    places: list[PlaceChip] = []
    ambiguous: list[tuple[str, list[PlaceChip]]] = []
    for match in advice.places:
        if match.place is not None:
            chip = _chip(match.place, str(SETTLED_BY.get(match.settled_by, "")))
            if chip is not None and chip not in places:
                places.append(chip)
        else:
            options = [c for c in map(_chip, match.candidates) if c is not None]
            if options:
                ambiguous.append((match.text, options))
    unit = None
    top = advice.top
    if top is not None:
        if isinstance(place, Compound):
            where = Place(place.pk, place.community_id, place.community.subdistrict_id)
        elif isinstance(place, Community):
            where = Place(None, place.pk, place.subdistrict_id)
        else:
            where = Place(*place_ids(advice))
        category = Category.objects.filter(code=top.code, is_active=True).first()
        if category is not None and where.community_id is not None:
            found = suggestions_for(category, where, limit=1)
            unit = found[0].lead if found else None
    return IntakePreview(
        model_version=advice.model_version,
        categories=chips,
        threshold=advice.threshold,
        places=places,
        ambiguous=ambiguous,
        unit=unit,
        would_auto=top is not None and advice.verdict([top.code]) == Decision.AUTO,
    )
