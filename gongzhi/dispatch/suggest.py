"""Suggestions at intake: category, place and unit for every new order, and whether it may be
dispatched without a human look.

`advise()` runs in the intake request before the order is written, and asks the database
nothing once this process has its model and gazetteer:

* categories: the top three of the active classifier artifact (ModelArtifact, loaded once per
  process and looked up again every GONGZHI_CLASSIFIER_CHECK_SECONDS, or at once after an
  activation in this process); none active → no category suggestion;
* place: the order's own (the operator's choice or the requester's coordinates via
  places.locate), else the place the gazetteer settles in the address and text.

`advice_rows()` gives intake, before it writes, the rows it writes with the order: the
suggestion (OrderSuggestion), with the unit the responsibility matrix gives for the top
category, and the links to likely duplicates. `advice_record()` writes them for an order
already written.

The rule for dispatching without a human look (Advice.permits): the top category is the one
the order is filed under or one above it (a model may be trained on the top-level categories:
物业管理 agrees with an order filed under 物业管理 › 电梯故障), and its confidence reaches the
threshold — GONGZHI_AUTO_DISPATCH_THRESHOLD if set, else the artifact's own (the lowest
confidence at which its training data's inner cross-validation reached 97 % precision). The unit
is then the matrix's for the order's own, more specific, category. With no model active the
responsibility matrix alone decides, as before there was one.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from django.conf import settings

from gongzhi.dispatch.duplicates import duplicate_links
from gongzhi.dispatch.gazetteer import COMPOUND, PlaceMatch, best_place, find_places
from gongzhi.dispatch.models import Decision, DuplicateLink, ModelArtifact, OrderSuggestion
from gongzhi.workorders.matrix import Place, Suggestion, suggestions_for
from gongzhi.workorders.models import Category, Status, WorkOrder

if TYPE_CHECKING:
    from gongzhi.dispatch.classifier import CategoryClassifier

__all__ = [
    "Advice",
    "Guess",
    "LoadedModel",
    "active_model",
    "advice_record",
    "advice_rows",
    "advise",
    "invalidate_model",
    "lineage_codes",
]

log = logging.getLogger(__name__)

#: How many categories are suggested.
TOP = 3
#: A place read from the text is used for the order only when settled at least this surely.
PLACE_MIN_CONFIDENCE = 0.75


# --- the active model ---------------------------------------------------------------------------


@dataclass(frozen=True)
class LoadedModel:
    artifact_id: int
    version: str
    classifier: CategoryClassifier
    own_threshold: float | None

    @property
    def threshold(self) -> float | None:
        """The threshold in force: the setting if given, else the artifact's own."""
        setting = settings.GONGZHI_AUTO_DISPATCH_THRESHOLD
        return float(setting) if setting is not None else self.own_threshold


_lock = threading.Lock()
_loaded: LoadedModel | None = None
_checked_at = float("-inf")


def _resolve(path: str) -> Path:
    candidate = Path(path)
    return candidate if candidate.is_absolute() else Path(settings.DATA_DIR) / candidate


def active_model() -> LoadedModel | None:
    """The active artifact, loaded (once per process and version), or None. Reads the registry
    at most once every GONGZHI_CLASSIFIER_CHECK_SECONDS; a file that cannot be loaded is logged
    and treated as no model (intake never fails for it)."""
    global _loaded, _checked_at
    # Imported here: scikit-learn and jieba load only in processes that have a model to run.
    from gongzhi.dispatch.classifier import ArtifactError, CategoryClassifier

    with _lock:
        if time.monotonic() - _checked_at < settings.GONGZHI_CLASSIFIER_CHECK_SECONDS:
            return _loaded
        row = ModelArtifact.objects.filter(active=True).values("id", "version", "path").first()
        if row is None:
            _loaded = None
        elif _loaded is None or (_loaded.artifact_id, _loaded.version) != (
            row["id"],
            row["version"],
        ):
            try:
                classifier = CategoryClassifier.load(_resolve(row["path"]))
            except (OSError, ArtifactError) as exc:
                log.error("dispatch: cannot load model %s: %s", row["version"], exc)
                _loaded = None
            else:
                own = classifier.threshold if classifier.threshold <= 1.0 else None
                _loaded = LoadedModel(row["id"], row["version"], classifier, own)
        _checked_at = time.monotonic()
        return _loaded


def invalidate_model() -> None:
    """Look the active artifact up again at the next intake (after an activation)."""
    global _checked_at
    with _lock:
        _checked_at = float("-inf")


# --- advice -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Guess:
    code: str
    confidence: float


@dataclass(frozen=True)
class Advice:
    """What intake learnt from the text before writing the order.

    `place_source` is where the order's place comes from: "operator", "coordinates", "text"
    (then `place` is the gazetteer's match), or "" (none). `places` are every place the text
    names.
    """

    model_version: str = ""
    categories: tuple[Guess, ...] = ()
    threshold: float | None = None
    place_source: str = ""
    place: PlaceMatch | None = None
    places: tuple[PlaceMatch, ...] = field(default=())

    @property
    def top(self) -> Guess | None:
        return self.categories[0] if self.categories else None

    def verdict(self, lineage: Sequence[str]) -> str:
        """The model's word on dispatching without a human look an order filed under the
        category whose `lineage` (its code, then its parents' up to the root) is given:
        Decision.AUTO, or why not (the matrix must still place it)."""
        if not self.model_version:
            return Decision.NO_MODEL
        top = self.top
        if top is None or self.threshold is None or top.confidence < self.threshold:
            return Decision.BELOW_THRESHOLD
        if top.code not in lineage:
            return Decision.CATEGORY_DIFFERS
        return Decision.AUTO

    def permits(self, lineage: Sequence[str]) -> bool:
        """May the matrix dispatch this order at intake? Always when no model is active."""
        return self.verdict(lineage) in (Decision.AUTO, Decision.NO_MODEL)

    def categories_data(self) -> list[dict[str, Any]]:
        return [{"code": g.code, "confidence": round(g.confidence, 4)} for g in self.categories]

    def place_data(self) -> dict[str, Any]:
        data: dict[str, Any] = {"source": self.place_source}
        if self.place is not None:
            data.update(self.place.as_dict())
        elif self.places:
            data["mentions"] = [m.as_dict() for m in self.places[:5]]
        return data

    def event_data(self) -> dict[str, Any]:
        """What an automatic dispatch's event carries about the model (empty without one)."""
        if not self.model_version or self.top is None:
            return {}
        return {
            "model_version": self.model_version,
            "confidence": round(self.top.confidence, 4),
            "threshold": None if self.threshold is None else round(self.threshold, 4),
            "suggestion": {"categories": self.categories_data(), "place": self.place_data()},
        }


def advise(
    *,
    text: str,
    address: str = "",
    lng: float | None = None,
    lat: float | None = None,
    place_source: str = "",
) -> Advice:
    """Categories and (when the order has no place yet: `place_source` "") the place, for a new
    order's text. No queries once the model and gazetteer are loaded; a few ms."""
    loaded = active_model()
    categories: tuple[Guess, ...] = ()
    if loaded is not None and text.strip():
        top = loaded.classifier.predict_top(text, TOP)
        categories = tuple(Guess(code, confidence) for code, confidence in top)
    place: PlaceMatch | None = None
    places: tuple[PlaceMatch, ...] = ()
    if not place_source:
        places = tuple(find_places(f"{address} {text}".strip(), lng=lng, lat=lat))
        found = best_place(places)
        if found is not None and found.confidence >= PLACE_MIN_CONFIDENCE:
            place, place_source = found, "text"
    return Advice(
        model_version=loaded.version if loaded is not None else "",
        categories=categories,
        threshold=loaded.threshold if loaded is not None else None,
        place_source=place_source,
        place=place,
        places=places,
    )


def place_ids(advice: Advice) -> tuple[int | None, int | None, int | None]:
    """(compound, community, subdistrict) of the place the text gave, or Nones."""
    if advice.place is None or advice.place.place is None:
        return None, None, None
    ref = advice.place.place
    compound = ref.compound_id if ref.level == COMPOUND else None
    return compound, ref.community_id, ref.subdistrict_id


def lineage_codes(category: Category) -> list[str]:
    """The category's code, then its parents' up to the root (no query once the parents are
    loaded, as intake's time limits load them)."""
    return [c.code for c in category.lineage()]


def _unit_for(
    order: WorkOrder, advice: Advice, matrix: Suggestion | None
) -> tuple[Category | None, Suggestion | None]:
    """The model's top category and the unit the matrix gives at the order's place: for the
    order's own category when the top one is it or above it (the intake's matrix answer is
    reused), else for the top category."""
    top = advice.top
    if top is None:
        return None, None
    lineage = {c.code: c for c in order.category.lineage()}
    if top.code in lineage:
        predicted: Category | None = lineage[top.code]
        if matrix is not None:
            return predicted, matrix
        asked: Category | None = order.category
    else:
        predicted = asked = (
            Category.objects.filter(code=top.code, is_active=True).select_related("parent").first()
        )
    if asked is None:
        return None, None
    place = Place(order.compound_id, order.community_id, order.subdistrict_id)
    found = suggestions_for(asked, place, limit=1)
    return predicted, found[0] if found else None


def _decision(order: WorkOrder, advice: Advice, *, wanted: bool) -> str:
    """How intake's dispatch of `order` went, in the model's terms."""
    if order.status == Status.DISPATCHED:
        return Decision.AUTO
    if not wanted:
        return Decision.MANUAL
    verdict = advice.verdict(lineage_codes(order.category))
    # The model agreed (or there was none) and still the order waits: the matrix had no unit.
    return Decision.UNPLACED if verdict in (Decision.AUTO, Decision.NO_MODEL) else verdict


def advice_record(
    *,
    order: WorkOrder,
    advice: Advice,
    wanted: bool,
    matrix: Suggestion | None,
    at: dt.datetime,
    decision: str | None = None,
) -> OrderSuggestion | None:
    """Keep what was suggested for a written `order` and link its likely duplicates (the rows
    of `advice_rows`, written). Returns the suggestion kept, if any."""
    rows = advice_rows(
        order=order, advice=advice, wanted=wanted, matrix=matrix, at=at, decision=decision
    )
    links = [r for r in rows if isinstance(r, DuplicateLink)]
    if links:
        DuplicateLink.objects.bulk_create(links)
    kept = next((r for r in rows if isinstance(r, OrderSuggestion)), None)
    if kept is not None:
        kept.save(force_insert=True)
    return kept


def advice_rows(
    *,
    order: WorkOrder,
    advice: Advice,
    wanted: bool,
    matrix: Suggestion | None,
    at: dt.datetime,
    decision: str | None = None,
) -> list[DuplicateLink | OrderSuggestion]:
    """What to keep for a just-received `order`, not yet written (intake writes it with the
    order, which need not be written yet): the links to its likely duplicates, then what was
    suggested (OrderSuggestion) — nothing of that when there was nothing to suggest (no model,
    and the place was not read from the text). `wanted` is whether automatic dispatch was
    asked for; `matrix` the matrix's answer for the order's category if intake asked.
    `decision` overrides how the order's dispatch is described (a suggestion made later)."""
    rows: list[DuplicateLink | OrderSuggestion] = list(duplicate_links(order=order, at=at))
    if not advice.model_version and advice.place_source != "text":
        return rows
    if decision is None:
        decision = _decision(order, advice, wanted=wanted)
    category, unit = _unit_for(order, advice, matrix)
    top = advice.top
    rows.append(
        OrderSuggestion(
            order=order,
            model_version=advice.model_version,
            categories=advice.categories_data(),
            category=category,
            confidence=round(top.confidence, 4) if top is not None else None,
            threshold=advice.threshold,
            place=advice.place_data(),
            unit=unit.lead if unit is not None else None,
            assisting=[{"id": u.pk, "code": u.code, "name": u.name} for u in unit.assisting]
            if unit is not None
            else [],
            unit_reason=unit.reason[:255] if unit is not None else "",
            decision=decision,
            created_at=at,
        )
    )
    return rows
