"""The configuration every intake reads, kept in memory per process: the category tree, the
time limits, the active responsibility-matrix rules and the active units the matrix names by
place or code (read together, five queries), and the places intake names (each read once,
then remembered).

Intake used to read these rows on every request (category, time limits, matrix rules, lead and
assisting units: five or six queries of an intake's ~20). They change when an administrator
edits them, rarely; so they are read again

- at once in the process that changed them: post_save / post_delete / m2m_changed of Category,
  TimeLimit, ResponsibilityRule, Unit (and Unit.compounds), Compound, Community and
  Subdistrict call `invalidate()`;
- in every other process after GONGZHI_REFERENCE_TTL seconds (default 30), as places.locate's
  index does: an edit made in the admin reaches all workers within that time;
- after bulk writes that send no signals (seeding, QuerySet.update): call `invalidate()`.

A category code the snapshot does not know is looked up in the database before it is refused
(a category added a moment ago in another process is taken at once). The objects handed out are
shared between requests: read them, never change them.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save

from gongzhi.accounts.models import Unit
from gongzhi.places.models import Community, Compound, Subdistrict
from gongzhi.workorders.models import Category, ResponsibilityRule, TimeLimit

DEFAULT_TTL = 30.0


@dataclass(frozen=True)
class TimeLimitRow:
    contact_amount: int
    contact_unit: str
    resolve_amount: int
    resolve_unit: str


_MISSING = object()


@dataclass
class Reference:
    """One snapshot of the configuration (five queries: categories, time limits, rules, units
    and the compounds property companies serve)."""

    built_at: float
    by_code: dict[str, Category]
    by_id: dict[int, Category]
    limits: dict[tuple[int, str], TimeLimitRow]
    rules: dict[int, list[ResponsibilityRule]]  # category id → its active rules
    # The active units the matrix can name: by code, and by (kind, place id) for the kinds
    # that serve a place (the property company of a compound, the committee of a community,
    # the office of a subdistrict; the lowest id where a place has several).
    units_by_code: dict[str, Unit] = field(default_factory=dict)
    units_by_place: dict[tuple[str, int], Unit] = field(default_factory=dict)
    # kind → its active units by name (the unit pickers list them by kind).
    units_by_kind: dict[str, list[Unit]] = field(default_factory=dict)


def _build() -> Reference:
    categories = list(Category.objects.all())
    by_id = {c.pk: c for c in categories}
    for c in categories:
        # Link the tree in memory so that lineage() never queries.
        c.parent = by_id.get(c.parent_id) if c.parent_id is not None else None
    limits = {
        (r.category_id, r.urgency): TimeLimitRow(
            r.contact_amount, r.contact_unit, r.resolve_amount, r.resolve_unit
        )
        for r in TimeLimit.objects.all()
    }
    rules: dict[int, list[ResponsibilityRule]] = {}
    for rule in ResponsibilityRule.objects.filter(is_active=True).order_by("pk"):
        rule.category = by_id[rule.category_id]
        rules.setdefault(rule.category_id, []).append(rule)
    units_by_code, units_by_place = _units()
    units_by_kind: dict[str, list[Unit]] = {}
    for unit in sorted(units_by_code.values(), key=lambda u: (u.name, u.pk)):
        units_by_kind.setdefault(unit.kind, []).append(unit)
    return Reference(
        built_at=time.monotonic(),
        by_code={c.code: c for c in categories},
        by_id=by_id,
        limits=limits,
        rules=rules,
        units_by_code=units_by_code,
        units_by_place=units_by_place,
        units_by_kind=units_by_kind,
    )


def _units() -> tuple[dict[str, Unit], dict[tuple[str, int], Unit]]:
    """The active units by code and by the place they serve (two queries: the units, and the
    compounds the property companies serve)."""
    kind = Unit.Kind
    by_id = {u.pk: u for u in Unit.objects.filter(is_active=True).order_by("id")}
    by_place: dict[tuple[str, int], Unit] = {}
    for unit in by_id.values():  # by id: the lowest id is met first and kept
        if unit.kind == kind.COMMUNITY_COMMITTEE and unit.community_id is not None:
            by_place.setdefault((unit.kind, unit.community_id), unit)
        elif unit.kind == kind.SUBDISTRICT_OFFICE and unit.subdistrict_id is not None:
            by_place.setdefault((unit.kind, unit.subdistrict_id), unit)
    served = (
        Unit.compounds.through.objects.filter(
            unit__is_active=True, unit__kind=kind.PROPERTY_COMPANY
        )
        .order_by("unit_id")
        .values_list("compound_id", "unit_id")
    )
    for compound_id, unit_id in served:
        by_place.setdefault((kind.PROPERTY_COMPANY, compound_id), by_id[unit_id])
    return {u.code: u for u in by_id.values()}, by_place


_lock = threading.Lock()
_current: Reference | None = None


def current() -> Reference:
    """This process's snapshot, read again after GONGZHI_REFERENCE_TTL seconds."""
    global _current
    ttl = float(getattr(settings, "GONGZHI_REFERENCE_TTL", DEFAULT_TTL))
    ref = _current
    if ref is not None and time.monotonic() - ref.built_at <= ttl:
        return ref
    with _lock:
        if _current is None or time.monotonic() - _current.built_at > ttl:
            _current = _build()
        return _current


def invalidate(**_: Any) -> None:
    """Forget the snapshot; the next intake reads the configuration again."""
    global _current
    with _lock:
        _current = None
    _places.clear()


# Places change more rarely still: remembered as long as places.locate keeps its index
# (GONGZHI_PLACE_INDEX_TTL, 300 s), apart from the configuration snapshot.
_places: dict[tuple[str, int], Any] = {}
_places_since = time.monotonic()


def place(model: type[Compound] | type[Community] | type[Subdistrict], pk: int) -> Any:
    """A compound, community or subdistrict by id (or None), remembered: public geography the
    intake names (an order's place, its answer's place names)."""
    global _places_since
    key = (model.__name__, pk)
    ttl = float(getattr(settings, "GONGZHI_PLACE_INDEX_TTL", 300))
    if time.monotonic() - _places_since > ttl:
        _places.clear()
        _places_since = time.monotonic()
    found = _places.get(key, _MISSING)
    if found is _MISSING:
        found = _places[key] = model.objects.filter(pk=pk).first()
    return found


def places_forget(**_: Any) -> None:
    _places.clear()


def category(code: str) -> Category | None:
    """The category with this code (active or not), with its parents linked; None if there is
    none. A code unknown to the snapshot is looked up in the database (then read afresh)."""
    found = current().by_code.get(code)
    if found is None and Category.objects.filter(code=code).exists():
        invalidate()
        found = current().by_code.get(code)
    return found


def _changed(**_: Any) -> None:
    # Now, and again after the commit: a snapshot another thread reads in between would not
    # see the uncommitted change.
    invalidate()
    transaction.on_commit(invalidate)


for _model in (Category, TimeLimit, ResponsibilityRule, Unit, Compound, Community, Subdistrict):
    post_save.connect(_changed, sender=_model, dispatch_uid=f"reference-save-{_model.__name__}")
    post_delete.connect(_changed, sender=_model, dispatch_uid=f"reference-delete-{_model.__name__}")
m2m_changed.connect(
    _changed, sender=Unit.compounds.through, dispatch_uid="reference-unit-compounds"
)
