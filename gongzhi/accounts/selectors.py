"""Reads about people: their roles and the scope of places they may see."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import QuerySet

from gongzhi.accounts.models import Membership, Person, Role, Unit
from gongzhi.places.models import Community, Compound, Subdistrict

# Roles whose work spans the whole district.
DISTRICT_WIDE_ROLES = frozenset(
    {
        Role.DISTRICT_STAFF,
        Role.ADMINISTRATOR,
        Role.HOTLINE_OPERATOR,
        Role.DISPATCHER,
        Role.CALLBACK_AGENT,
        Role.DEPARTMENT_STAFF,
    }
)
COMMUNITY_ROLES = frozenset({Role.COMMUNITY_SECRETARY, Role.SOCIAL_WORKER})


@dataclass(frozen=True)
class Scope:
    """The places a person may see, resolved to ids once per request."""

    roles: frozenset[str]
    unit_ids: frozenset[int]
    everything: bool = False
    subdistrict_ids: frozenset[int] = frozenset()
    community_ids: frozenset[int] = frozenset()
    compound_ids: frozenset[int] = frozenset()

    @property
    def is_staff_scope(self) -> bool:
        return bool(self.roles - {Role.RESIDENT, Role.RIDER, Role.VOLUNTEER})


def person_scope(person: Person) -> Scope:
    """The union of what each of the person's active memberships lets them see.

    Cached on the person object for the life of the request.
    """
    cached: Scope | None = getattr(person, "_gongzhi_scope", None)
    if cached is not None:
        return cached
    if not person.is_authenticated:
        return Scope(roles=frozenset(), unit_ids=frozenset())
    memberships = list(
        Membership.objects.filter(person=person, is_active=True).select_related("unit")
    )
    roles = {m.role for m in memberships}
    unit_ids = {m.unit_id for m in memberships if m.unit_id is not None}
    everything = person.is_superuser or bool(roles & DISTRICT_WIDE_ROLES)
    subdistricts: set[int] = set()
    communities: set[int] = set()
    compounds: set[int] = set()
    for m in memberships:
        unit = m.unit
        if m.role == Role.SUBDISTRICT_STAFF and unit is not None and unit.subdistrict_id:
            subdistricts.add(unit.subdistrict_id)
        elif m.role in COMMUNITY_ROLES and unit is not None and unit.community_id:
            communities.add(unit.community_id)
        elif m.role == Role.PROPERTY_STAFF and unit is not None:
            compounds.update(unit.compounds.values_list("id", flat=True))
        elif m.role in (Role.RESIDENT, Role.VOLUNTEER):
            if m.compound_id:
                compounds.add(m.compound_id)
            if m.community_id:
                communities.add(m.community_id)
    scope = Scope(
        roles=frozenset(roles),
        unit_ids=frozenset(unit_ids),
        everything=everything,
        subdistrict_ids=frozenset(subdistricts),
        community_ids=frozenset(communities),
        compound_ids=frozenset(compounds),
    )
    person._gongzhi_scope = scope  # type: ignore[attr-defined]
    return scope


def visible_subdistricts(person: Person) -> QuerySet[Subdistrict]:
    scope = person_scope(person)
    qs = Subdistrict.objects.all()
    if scope.everything:
        return qs
    return qs.filter(id__in=scope.subdistrict_ids)


def visible_communities(person: Person) -> QuerySet[Community]:
    scope = person_scope(person)
    qs = Community.objects.select_related("subdistrict")
    if scope.everything:
        return qs
    return qs.filter(subdistrict_id__in=scope.subdistrict_ids) | qs.filter(
        id__in=scope.community_ids
    )


def visible_compounds(person: Person) -> QuerySet[Compound]:
    scope = person_scope(person)
    qs = Compound.objects.select_related("community")
    if scope.everything:
        return qs
    return (
        qs.filter(community__subdistrict_id__in=scope.subdistrict_ids)
        | qs.filter(community_id__in=scope.community_ids)
        | qs.filter(id__in=scope.compound_ids)
    )


def units_of(person: Person) -> QuerySet[Unit]:
    return Unit.objects.filter(id__in=person_scope(person).unit_ids)
