"""The responsibility matrix (权责清单): which unit leads an order, and who assists.

`matrix_resolve(order)` reads ResponsibilityRule rows (editable in the admin) and answers with
a Suggestion, or None when no rule places the order — it then waits on the dispatcher's desk.
The most specific rule wins: the deepest category on the order's category path first, then a
community rule over a subdistrict rule over a district-wide one, then the lowest rank. A rule
whose lead cannot be found for this place (no property company serves the compound, say) is
skipped and the next one is tried.

The rules and the units they name are read from this process's snapshot of the configuration
(reference.py): no query per order, nor per card on the dispatcher's desk.

Unit kinds are resolved against the order's place:
  property_company    → the active property company serving the order's compound
  community_committee → the committee of the order's community
  subdistrict_office  → the office of the order's subdistrict
Other kinds need a unit code (dept-traffic, utility-water…).
"""

from __future__ import annotations

from dataclasses import dataclass

from gongzhi.accounts.models import Unit
from gongzhi.workorders import reference
from gongzhi.workorders.models import Category, ResponsibilityRule, WorkOrder, choice_label

_SCOPE_ORDER: dict[str, int] = {
    ResponsibilityRule.Scope.COMMUNITY: 0,
    ResponsibilityRule.Scope.SUBDISTRICT: 1,
    ResponsibilityRule.Scope.DISTRICT: 2,
}


@dataclass(frozen=True)
class Place:
    compound_id: int | None
    community_id: int | None
    subdistrict_id: int | None


@dataclass(frozen=True)
class Suggestion:
    lead: Unit
    assisting: tuple[Unit, ...]
    rule: ResponsibilityRule
    reason: str


# The place a unit of each kind serves (the snapshot's units_by_place is keyed by it).
_PLACE_FILTER: dict[str, str] = {
    Unit.Kind.PROPERTY_COMPANY: "compound_id",
    Unit.Kind.COMMUNITY_COMMITTEE: "community_id",
    Unit.Kind.SUBDISTRICT_OFFICE: "subdistrict_id",
}


def unit_for_kind(kind: str, place: Place) -> Unit | None:
    """The active unit of this kind at the place (from this process's snapshot:
    reference.py)."""
    where = _PLACE_FILTER.get(kind)
    if where is None:
        return None  # a district-wide kind is ambiguous without a code
    place_id = getattr(place, where)
    if place_id is None:
        return None
    return reference.current().units_by_place.get((kind, place_id))


def unit_for_code(code: str) -> Unit | None:
    return reference.current().units_by_code.get(code)


def _lead(rule: ResponsibilityRule, place: Place) -> Unit | None:
    if rule.lead_unit_code:
        return unit_for_code(rule.lead_unit_code)
    return unit_for_kind(rule.lead_kind, place)


def _assisting(rule: ResponsibilityRule, place: Place, lead: Unit) -> tuple[Unit, ...]:
    found: list[Unit] = []
    for kind in rule.assist_kinds or []:
        unit = unit_for_kind(kind, place)
        if unit is not None:
            found.append(unit)
    for code in rule.assist_unit_codes or []:
        unit = unit_for_code(code)
        if unit is not None:
            found.append(unit)
    unique: dict[int, Unit] = {}
    for unit in found:
        if unit.pk != lead.pk:
            unique.setdefault(unit.pk, unit)
    return tuple(unique.values())


def matching_rules(category: Category, place: Place) -> list[ResponsibilityRule]:
    """Active rules for the category path and place, most specific first."""
    snapshot = reference.current()
    # The snapshot's copy has its parents linked (an order's category may not: a query a level).
    lineage = snapshot.by_id.get(category.pk, category).lineage_ids()
    depth = {cid: i for i, cid in enumerate(lineage)}
    by_category = snapshot.rules
    scope = ResponsibilityRule.Scope
    rules = [
        rule
        for cid in lineage
        for rule in by_category.get(cid, ())
        if rule.scope == scope.DISTRICT
        or (
            rule.scope == scope.SUBDISTRICT
            and place.subdistrict_id is not None
            and rule.subdistrict_id == place.subdistrict_id
        )
        or (
            rule.scope == scope.COMMUNITY
            and place.community_id is not None
            and rule.community_id == place.community_id
        )
    ]
    rules.sort(key=lambda r: (depth[r.category_id], _SCOPE_ORDER[r.scope], r.rank, r.pk))
    return rules


def suggestions_for(category: Category, place: Place, *, limit: int = 3) -> list[Suggestion]:
    """Up to `limit` distinct lead units the matrix offers, best first (the dispatcher's desk
    shows them)."""
    out: list[Suggestion] = []
    seen: set[int] = set()
    for rule in matching_rules(category, place):
        lead = _lead(rule, place)
        if lead is None or lead.pk in seen:
            continue
        seen.add(lead.pk)
        reason = f"{rule.category.name} · {choice_label(ResponsibilityRule.Scope, rule.scope)}"
        out.append(Suggestion(lead, _assisting(rule, place, lead), rule, reason))
        if len(out) >= limit:
            break
    return out


def matrix_resolve(order: WorkOrder) -> Suggestion | None:
    """The matrix's answer for this order, or None (→ the dispatcher's desk)."""
    place = Place(order.compound_id, order.community_id, order.subdistrict_id)
    found = suggestions_for(order.category, place, limit=1)
    return found[0] if found else None
