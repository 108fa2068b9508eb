"""The demo district in memory: places, units and the people who act for them, loaded once so
that generating twenty thousand orders asks the database nothing per order.

Who leads an order is answered by the domain's responsibility matrix: `matrix.matching_rules`
gives the rules for a category and place (cached per category and the places that have rules
of their own), and each rule's unit kind is resolved here exactly as `matrix.unit_for_kind`
resolves it (the active unit of that kind serving the compound, community or subdistrict, the
lowest id first) from the in-memory index instead of one query per order.
"""

from __future__ import annotations

import random
from collections import defaultdict
from dataclasses import dataclass, field

from gongzhi.accounts.models import Membership, Role, Unit
from gongzhi.places.demo.names import roads_for
from gongzhi.places.models import Building, Community, Compound, Subdistrict
from gongzhi.workorders import matrix
from gongzhi.workorders.models import Category, ResponsibilityRule
from gongzhi.workorders.rules import HANDLER_ROLES, STAFF_ROLES


@dataclass(frozen=True)
class CompoundInfo:
    id: int
    name: str
    community_id: int
    population: int
    lng: float | None
    lat: float | None
    buildings: tuple[str, ...]


@dataclass(frozen=True)
class CommunityInfo:
    id: int
    name: str
    subdistrict_id: int
    lng: float | None
    lat: float | None
    roads: tuple[str, ...]


@dataclass(frozen=True)
class UnitInfo:
    id: int
    code: str
    name: str
    kind: str


@dataclass(frozen=True)
class Placement:
    lead: UnitInfo | None
    assisting: tuple[UnitInfo, ...]
    rule_id: int | None
    reason: str


@dataclass
class DemoDistrict:
    subdistricts: dict[int, str]
    communities: dict[int, CommunityInfo]
    compounds: dict[int, CompoundInfo]
    units: dict[int, UnitInfo]
    by_code: dict[str, UnitInfo]
    # unit id → person ids who may act for it (handlers; for departments any staff)
    staff: dict[int, list[int]]
    hotline: UnitInfo
    operators: list[int]
    dispatchers: list[int]
    callback_agents: list[int]
    # person ids of residents by compound, riders
    residents: dict[int, int]
    riders: list[int]
    categories: dict[str, Category]
    tops: dict[str, str]  # leaf code → top-level code (a top maps to itself)
    leaves: dict[str, list[str]]  # top-level code → leaf codes (or [top] when it has none)
    property_of: dict[int, int] = field(default_factory=dict)  # compound → property unit
    committee_of: dict[int, int] = field(default_factory=dict)  # community → committee
    office_of: dict[int, int] = field(default_factory=dict)  # subdistrict → office
    _rules: dict[tuple[int, int | None, int | None], list[ResponsibilityRule]] = field(
        default_factory=dict
    )
    _reasons: dict[int, str] = field(default_factory=dict)
    _specific_subdistricts: set[int] = field(default_factory=set)
    _specific_communities: set[int] = field(default_factory=set)

    # --- who leads: the responsibility matrix --------------------------------------------

    def unit_for_kind(
        self,
        kind: str,
        compound_id: int | None,
        community_id: int | None,
        subdistrict_id: int | None,
    ) -> UnitInfo | None:
        if kind == Unit.Kind.PROPERTY_COMPANY:
            found = self.property_of.get(compound_id) if compound_id else None
        elif kind == Unit.Kind.COMMUNITY_COMMITTEE:
            found = self.committee_of.get(community_id) if community_id else None
        elif kind == Unit.Kind.SUBDISTRICT_OFFICE:
            found = self.office_of.get(subdistrict_id) if subdistrict_id else None
        else:
            found = None
        return self.units.get(found) if found else None

    def rules_for(
        self, category: Category, community_id: int | None, subdistrict_id: int | None
    ) -> list[ResponsibilityRule]:
        sd = subdistrict_id if subdistrict_id in self._specific_subdistricts else None
        cm = community_id if community_id in self._specific_communities else None
        key = (category.pk, sd, cm)
        if key not in self._rules:
            self._rules[key] = matrix.matching_rules(category, matrix.Place(None, cm, sd))
        return self._rules[key]

    def place(
        self,
        category: Category,
        compound_id: int | None,
        community_id: int | None,
        subdistrict_id: int | None,
    ) -> Placement:
        """The matrix's answer for an order, like `matrix.matrix_resolve`."""
        for rule in self.rules_for(category, community_id, subdistrict_id):
            if rule.lead_unit_code:
                lead = self.by_code.get(rule.lead_unit_code)
            else:
                lead = self.unit_for_kind(rule.lead_kind, compound_id, community_id, subdistrict_id)
            if lead is None:
                continue
            helpers: dict[int, UnitInfo] = {}
            for kind in rule.assist_kinds or []:
                unit = self.unit_for_kind(kind, compound_id, community_id, subdistrict_id)
                if unit is not None and unit.id != lead.id:
                    helpers.setdefault(unit.id, unit)
            for code in rule.assist_unit_codes or []:
                unit = self.by_code.get(code)
                if unit is not None and unit.id != lead.id:
                    helpers.setdefault(unit.id, unit)
            if rule.pk not in self._reasons:
                self._reasons[rule.pk] = f"{rule.category.name} · {rule.get_scope_display()}"
            return Placement(lead, tuple(helpers.values()), rule.pk, self._reasons[rule.pk])
        return Placement(None, (), None, "")

    def actor(self, unit: UnitInfo, rng: random.Random) -> int | None:
        people = self.staff.get(unit.id)
        return rng.choice(people) if people else None


def load(subdistrict_ids: set[int] | None = None) -> DemoDistrict:
    """Read the registry, the units and their people (a dozen queries)."""
    subdistricts = dict(Subdistrict.objects.values_list("pk", "name"))
    if subdistrict_ids is not None:
        subdistricts = {k: v for k, v in subdistricts.items() if k in subdistrict_ids}
    communities: dict[int, CommunityInfo] = {}
    for pk, name, sd, lng, lat in Community.objects.filter(
        subdistrict_id__in=subdistricts
    ).values_list("pk", "name", "subdistrict_id", "lng", "lat"):
        communities[pk] = CommunityInfo(
            pk, name, sd, lng, lat, tuple(roads_for(subdistricts[sd], name))
        )
    buildings: dict[int, list[str]] = defaultdict(list)
    for compound_id, number in (
        Building.objects.filter(compound__community_id__in=communities)
        .order_by("compound_id", "id")
        .values_list("compound_id", "number")
    ):
        buildings[compound_id].append(number)
    compounds = {
        pk: CompoundInfo(pk, name, cm, pop, lng, lat, tuple(buildings.get(pk, ())))
        for pk, name, cm, pop, lng, lat in Compound.objects.filter(
            community_id__in=communities
        ).values_list("pk", "name", "community_id", "population", "lng", "lat")
    }
    units: dict[int, UnitInfo] = {}
    district = DemoDistrict(
        subdistricts=subdistricts,
        communities=communities,
        compounds=compounds,
        units=units,
        by_code={},
        staff=defaultdict(list),
        hotline=UnitInfo(0, "", "", ""),
        operators=[],
        dispatchers=[],
        callback_agents=[],
        residents={},
        riders=[],
        categories={},
        tops={},
        leaves={},
    )
    for pk, code, name, kind, sd, cm in (
        Unit.objects.filter(is_active=True)
        .order_by("pk")
        .values_list("pk", "code", "name", "kind", "subdistrict_id", "community_id")
    ):
        info = UnitInfo(pk, code, name, kind)
        units[pk] = info
        district.by_code[code] = info
        if kind == Unit.Kind.COMMUNITY_COMMITTEE and cm is not None:
            district.committee_of.setdefault(cm, pk)
        elif kind == Unit.Kind.SUBDISTRICT_OFFICE and sd is not None:
            district.office_of.setdefault(sd, pk)
        elif kind == Unit.Kind.HOTLINE_CENTRE and not district.hotline.code:
            district.hotline = info
    for unit_id, compound_id in (
        Unit.compounds.through.objects.filter(
            unit__kind=Unit.Kind.PROPERTY_COMPANY, unit__is_active=True
        )
        .order_by("unit_id")
        .values_list("unit_id", "compound_id")
    ):
        district.property_of.setdefault(compound_id, unit_id)
    for person_id, role, unit_id, compound_id in (
        Membership.objects.filter(is_active=True, person__is_active=True)
        .order_by("person_id")
        .values_list("person_id", "role", "unit_id", "compound_id")
    ):
        if unit_id is not None and unit_id in units:
            kind = units[unit_id].kind
            department = kind in (Unit.Kind.DEPARTMENT, Unit.Kind.UTILITY)
            if role in HANDLER_ROLES or (department and role in STAFF_ROLES):
                district.staff[unit_id].append(person_id)
        if role == Role.HOTLINE_OPERATOR:
            district.operators.append(person_id)
        elif role == Role.DISPATCHER:
            district.dispatchers.append(person_id)
        elif role == Role.CALLBACK_AGENT:
            district.callback_agents.append(person_id)
        elif role == Role.RESIDENT and compound_id is not None:
            district.residents.setdefault(compound_id, person_id)
        elif role == Role.RIDER:
            district.riders.append(person_id)
    categories = {
        c.code: c for c in Category.objects.filter(is_active=True).select_related("parent")
    }
    district.categories = categories
    for code, c in categories.items():
        top = c
        while top.parent is not None:
            top = top.parent
        district.tops[code] = top.code
    for code, c in categories.items():
        if c.parent is None:
            children = sorted(k for k, v in categories.items() if v.parent_id == c.pk)
            district.leaves[code] = children or [code]
    specific = ResponsibilityRule.objects.filter(is_active=True).exclude(
        scope=ResponsibilityRule.Scope.DISTRICT
    )
    district._specific_subdistricts = set(
        specific.filter(subdistrict__isnull=False).values_list("subdistrict_id", flat=True)
    )
    district._specific_communities = set(
        specific.filter(community__isnull=False).values_list("community_id", flat=True)
    )
    return district
