"""Reads for the intake pages: find a place by name as the operator or resident types.

Staff search within what they may see (accounts.selectors.visible_*); the public filing page
searches compounds only, which are public geography (names and outlines, no people).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from django.db.models import Q, QuerySet
from django.utils import timezone

from gongzhi.accounts.models import Person
from gongzhi.accounts.selectors import visible_communities, visible_compounds
from gongzhi.places.models import Community, Compound
from gongzhi.workorders.models import OPEN_STATUSES, WorkOrder

SEARCH_LIMIT = 8
# Open orders at the same place and category within this many days are shown as possible
# duplicates while the operator types.
DUPLICATE_DAYS = 7
DUPLICATE_LIMIT = 5


@dataclass(frozen=True)
class PlaceHit:
    kind: str  # "compound" or "community"
    id: int
    name: str
    within: str  # the community (for a compound) or subdistrict (for a community)
    lng: float | None
    lat: float | None

    @property
    def key(self) -> str:
        """The value the intake form's `place` field takes: "compound:12", "community:5"."""
        return f"{self.kind}:{self.id}"


def _compound_hits(qs: QuerySet[Compound], q: str, limit: int) -> list[PlaceHit]:
    rows = (
        qs.filter(Q(name__icontains=q) | Q(address__icontains=q))
        .select_related("community")
        .order_by("name")[:limit]
    )
    return [PlaceHit("compound", c.pk, c.name, c.community.name, c.lng, c.lat) for c in rows]


def place_search(*, person: Person, q: str, limit: int = SEARCH_LIMIT) -> list[PlaceHit]:
    """Compounds, then communities, whose name contains `q`, among the places `person` sees."""
    q = q.strip()
    if not q:
        return []
    hits = _compound_hits(visible_compounds(person), q, limit)
    if len(hits) < limit:
        communities = (
            visible_communities(person)
            .filter(Q(name__icontains=q) | Q(official_name__icontains=q))
            .order_by("name")[: limit - len(hits)]
        )
        hits += [
            PlaceHit("community", c.pk, c.name, c.subdistrict.name, c.lng, c.lat)
            for c in communities
        ]
    return hits


def compound_search_public(*, q: str, limit: int = SEARCH_LIMIT) -> list[PlaceHit]:
    """Compounds by name or address for the public filing page (no login)."""
    q = q.strip()
    if not q:
        return []
    return _compound_hits(Compound.objects.all(), q, limit)


def place_from_key(*, person: Person, key: str) -> Compound | Community | None:
    """The compound or community a `place` key names, if the person may see it."""
    kind, _, raw_id = key.partition(":")
    if not raw_id.isdigit():
        return None
    if kind == "compound":
        return visible_compounds(person).filter(pk=int(raw_id)).first()
    if kind == "community":
        return visible_communities(person).filter(pk=int(raw_id)).first()
    return None


def duplicate_hints(
    *, person: Person, place: Compound | Community, category_code: str
) -> list[WorkOrder]:
    """Open orders of the same category at the same compound (or community) received in the
    last DUPLICATE_DAYS days, newest first, among the orders the person may see."""
    from gongzhi.workorders.selectors import orders_visible_to

    since = timezone.now() - timedelta(days=DUPLICATE_DAYS)
    where = Q(compound=place) if isinstance(place, Compound) else Q(community=place)
    return list(
        orders_visible_to(person=person)
        .filter(where, category__code=category_code, received_at__gte=since)
        .filter(status__in=OPEN_STATUSES)
        .order_by("-received_at")[:DUPLICATE_LIMIT]
    )


def recent_intakes(*, person: Person, limit: int = 5) -> list[WorkOrder]:
    """The last orders this operator took in (the intake page lists them)."""
    return list(
        WorkOrder.objects.filter(created_by=person)
        .select_related("category")
        .order_by("-received_at")[:limit]
    )
