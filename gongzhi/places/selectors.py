"""Reads of the place registry for the place browser and its map, always within a person's scope.

Single places are fetched by id and checked with the rules of accounts.rules; lists start
from the scoped querysets of accounts.selectors, so a place outside the person's scope is never
listed and never found (the view turns `DoesNotExist` into a 404). Every list is one query with
its counts annotated: the browser pins its query counts in tests.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db.models import Count, Prefetch, Q, QuerySet, Sum, Value
from django.db.models.functions import Coalesce

from gongzhi.accounts.models import Person, Unit
from gongzhi.accounts.rules import can_see_community, can_see_compound, can_see_subdistrict
from gongzhi.accounts.selectors import (
    person_scope,
    visible_communities,
    visible_compounds,
    visible_subdistricts,
)
from gongzhi.places.models import (
    Building,
    Community,
    Compound,
    District,
    Entrance,
    Grid,
    Subdistrict,
)

# --- Single places ----------------------------------------------------------------------------


def home_district() -> District:
    """The district the deployment serves (settings.GONGZHI_DISTRICT_CODE), else the first one."""
    district = District.objects.filter(code=settings.GONGZHI_DISTRICT_CODE).first()
    if district is None:
        district = District.objects.order_by("id").first()
    if district is None:
        raise District.DoesNotExist("no district loaded: run `gongzhi import_divisions`")
    return district


def subdistrict_for(*, person: Person, pk: int) -> Subdistrict:
    """The subdistrict, if the person may see it; else Subdistrict.DoesNotExist."""
    subdistrict = Subdistrict.objects.select_related("district").get(pk=pk)
    if not can_see_subdistrict(person_scope(person), subdistrict):
        raise Subdistrict.DoesNotExist
    return subdistrict


def community_for(*, person: Person, pk: int) -> Community:
    """The community, if the person may see it; else Community.DoesNotExist."""
    community = Community.objects.select_related("subdistrict__district").get(pk=pk)
    if not can_see_community(person_scope(person), community):
        raise Community.DoesNotExist
    return community


def compound_for(*, person: Person, pk: int) -> Compound:
    """The compound, if the person may see it; else Compound.DoesNotExist."""
    compound = Compound.objects.select_related("community__subdistrict__district").get(pk=pk)
    if not can_see_compound(person_scope(person), compound):
        raise Compound.DoesNotExist
    return compound


# --- Lists with their counts ------------------------------------------------------------------


def _zero(expr: Any) -> Coalesce:
    return Coalesce(expr, Value(0))


def subdistrict_rows(*, person: Person) -> QuerySet[Subdistrict]:
    """Visible subdistricts with n_communities, n_compounds, households and population."""
    # subdistrict ⟕ community ⟕ compound is a chain, so each compound is joined once and the
    # sums are not inflated; only the community count needs DISTINCT.
    return (
        visible_subdistricts(person)
        .annotate(
            n_communities=Count("communities", distinct=True),
            n_compounds=Count("communities__compounds"),
            households=_zero(Sum("communities__compounds__households")),
            population=_zero(Sum("communities__compounds__population")),
        )
        .order_by("code")
    )


def community_rows(
    *, person: Person, subdistrict: Subdistrict | None = None
) -> QuerySet[Community]:
    """Visible communities (of one subdistrict) with n_compounds, households and population."""
    qs = visible_communities(person)
    if subdistrict is not None:
        qs = qs.filter(subdistrict=subdistrict)
    return qs.annotate(
        n_compounds=Count("compounds"),
        households=_zero(Sum("compounds__households")),
        population=_zero(Sum("compounds__population")),
    ).order_by("code")


def compound_rows(*, person: Person, community: Community | None = None) -> QuerySet[Compound]:
    """Visible compounds (of one community) with n_buildings and n_entrances."""
    qs = visible_compounds(person)
    if community is not None:
        qs = qs.filter(community=community)
    return qs.annotate(
        n_buildings=Count("buildings", distinct=True),
        n_entrances=Count("buildings__entrances"),
    ).order_by("community__code", "name")


@dataclass
class Totals:
    subdistricts: int = 0
    communities: int = 0
    compounds: int = 0
    households: int = 0
    population: int = 0

    def add(self, row: Subdistrict | Community) -> None:
        """Add an annotated row of subdistrict_rows or community_rows."""
        if isinstance(row, Subdistrict):
            self.subdistricts += 1
            self.communities += row.n_communities  # type: ignore[attr-defined]
        else:
            self.communities += 1
        self.compounds += row.n_compounds  # type: ignore[union-attr]
        self.households += row.households  # type: ignore[union-attr]
        self.population += row.population  # type: ignore[union-attr]

    def add_compound(self, compound: Compound) -> None:
        self.compounds += 1
        self.households += compound.households
        self.population += compound.population


@dataclass
class Overview:
    """What a person sees at the top of the place browser.

    The subdistricts they see whole; then the communities they see outside those (a community
    worker's own community); then the compounds outside both (a property company's compounds,
    a resident's home). Most people have only one of the three.
    """

    district: District
    subdistricts: list[Subdistrict] = field(default_factory=list)
    communities: list[Community] = field(default_factory=list)
    compounds: list[Compound] = field(default_factory=list)
    totals: Totals = field(default_factory=Totals)

    @property
    def generated(self) -> bool:
        places: list[Any] = [*self.subdistricts, *self.communities, *self.compounds]
        return any(p.generated for p in places)

    @property
    def is_empty(self) -> bool:
        return not (self.subdistricts or self.communities or self.compounds)


def district_overview(*, person: Person) -> Overview:
    scope = person_scope(person)
    overview = Overview(district=home_district())
    totals = overview.totals
    if scope.everything or scope.subdistrict_ids:
        overview.subdistricts = list(subdistrict_rows(person=person))
        for sd in overview.subdistricts:
            totals.add(sd)
    if scope.everything:
        return overview
    seen_subdistricts = {sd.pk for sd in overview.subdistricts}
    if scope.community_ids:
        overview.communities = [
            c for c in community_rows(person=person) if c.subdistrict_id not in seen_subdistricts
        ]
        for c in overview.communities:
            totals.add(c)
    seen_communities = {c.pk for c in overview.communities}
    if scope.compound_ids:
        overview.compounds = [
            k
            for k in compound_rows(person=person).select_related("community")
            if k.community_id not in seen_communities
            and k.community.subdistrict_id not in seen_subdistricts
        ]
        for k in overview.compounds:
            totals.add_compound(k)
    return overview


def totals_of(rows: list[Subdistrict] | list[Community] | list[Compound]) -> Totals:
    """Totals of annotated rows of one of the lists above."""
    totals = Totals()
    for row in rows:
        if isinstance(row, Compound):
            totals.add_compound(row)
        else:
            totals.add(row)
    return totals


# --- What serves a place ----------------------------------------------------------------------

# The order in which the units serving a place are listed: nearest to the resident first.
_UNIT_ORDER: dict[str, int] = {
    Unit.Kind.PROPERTY_COMPANY: 0,
    Unit.Kind.COMMUNITY_COMMITTEE: 1,
    Unit.Kind.SUBDISTRICT_OFFICE: 2,
}


def _ordered(units: QuerySet[Unit]) -> list[Unit]:
    return sorted(units, key=lambda u: (_UNIT_ORDER.get(u.kind, 9), u.name))


def units_serving_subdistrict(subdistrict: Subdistrict) -> list[Unit]:
    return _ordered(
        Unit.objects.filter(
            is_active=True, kind=Unit.Kind.SUBDISTRICT_OFFICE, subdistrict=subdistrict
        )
    )


def units_serving_community(community: Community) -> list[Unit]:
    """Its community committee, its subdistrict office, the property companies of its compounds."""
    return _ordered(
        Unit.objects.filter(is_active=True)
        .filter(
            Q(kind=Unit.Kind.COMMUNITY_COMMITTEE, community=community)
            | Q(kind=Unit.Kind.SUBDISTRICT_OFFICE, subdistrict_id=community.subdistrict_id)
            | Q(kind=Unit.Kind.PROPERTY_COMPANY, compounds__community=community)
        )
        .distinct()
    )


def units_serving_compound(compound: Compound) -> list[Unit]:
    """Its property company, its community committee and its subdistrict office."""
    return _ordered(
        Unit.objects.filter(is_active=True)
        .filter(
            Q(compounds=compound)
            | Q(kind=Unit.Kind.COMMUNITY_COMMITTEE, community_id=compound.community_id)
            | Q(
                kind=Unit.Kind.SUBDISTRICT_OFFICE,
                subdistrict_id=compound.community.subdistrict_id,
            )
        )
        .distinct()
    )


def grids_of(community: Community) -> list[Grid]:
    return list(Grid.objects.filter(community=community).order_by("code"))


def buildings_of(compound: Compound) -> list[Building]:
    """Buildings with their entrances (two queries whatever the number of buildings)."""
    return list(
        Building.objects.filter(compound=compound)
        .order_by("id")
        .prefetch_related(Prefetch("entrances", queryset=Entrance.objects.order_by("id")))
    )


# --- Map features -----------------------------------------------------------------------------


def subdistrict_shapes(*, person: Person) -> QuerySet[Subdistrict]:
    return (
        visible_subdistricts(person)
        .exclude(area=None)
        .only("id", "name", "area", "generated")
        .order_by("code")
    )


def community_shapes(*, person: Person, subdistrict_id: int | None = None) -> QuerySet[Community]:
    qs = visible_communities(person)
    if subdistrict_id is not None:
        qs = qs.filter(subdistrict_id=subdistrict_id)
    return (
        qs.select_related(None)
        .exclude(area=None)
        .only("id", "name", "area", "generated", "subdistrict_id")
        .order_by("code")
    )


def compound_shapes(*, person: Person, community_id: int | None = None) -> QuerySet[Compound]:
    qs = visible_compounds(person)
    if community_id is not None:
        qs = qs.filter(community_id=community_id)
    return (
        qs.select_related(None)
        .filter(Q(area__isnull=False) | Q(lng__isnull=False, lat__isnull=False))
        .only("id", "name", "kind", "area", "lng", "lat", "generated", "community_id")
        .order_by("community_id", "name")
    )
