"""Which compound and community contain a point: an in-memory R-tree (shapely STRtree).

The index is built once per process from the registry's polygons and rebuilt when the registry
changes in this process (`invalidate()`), or after `GONGZHI_PLACE_INDEX_TTL` seconds so that other
processes pick up changes. A lookup is a tree query plus a point-in-polygon test on the few
candidates, not a loop over every polygon.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass

import shapely
from django.conf import settings
from shapely.geometry import Point
from shapely.strtree import STRtree

from gongzhi.places.models import Community, Compound, District


@dataclass(frozen=True)
class Located:
    compound_id: int | None
    community_id: int | None
    subdistrict_id: int | None
    in_district: bool


class _Layer:
    def __init__(self, ids: list[int], geoms: list[shapely.Geometry]) -> None:
        self.ids = ids
        self.geoms = geoms
        self.tree = STRtree(geoms) if geoms else None
        for g in geoms:
            shapely.prepare(g)

    def find(self, point: Point) -> int | None:
        if self.tree is None:
            return None
        for idx in self.tree.query(point, predicate="intersects"):
            return self.ids[int(idx)]
        return None


class PlaceIndex:
    def __init__(self) -> None:
        rows = Community.objects.exclude(area=None).values_list("id", "subdistrict_id", "area")
        self.community_subdistrict: dict[int, int] = {}
        c_ids, c_geoms = [], []
        for cid, sid, area in rows:
            c_ids.append(cid)
            c_geoms.append(area)
            self.community_subdistrict[cid] = sid
        self.communities = _Layer(c_ids, c_geoms)
        k_ids, k_geoms, self.compound_community = [], [], {}
        for kid, comm_id, area in Compound.objects.exclude(area=None).values_list(
            "id", "community_id", "area"
        ):
            k_ids.append(kid)
            k_geoms.append(area)
            self.compound_community[kid] = comm_id
        self.compounds = _Layer(k_ids, k_geoms)
        outlines = [d.outline for d in District.objects.exclude(outline=None)]
        self.outline = shapely.union_all(outlines) if outlines else None
        if self.outline is not None:
            shapely.prepare(self.outline)
        self.built_at = time.monotonic()

    def locate(self, lng: float, lat: float) -> Located:
        point = Point(lng, lat)
        compound_id = self.compounds.find(point)
        community_id = (
            self.compound_community[compound_id]
            if compound_id is not None
            else self.communities.find(point)
        )
        subdistrict_id = (
            self.community_subdistrict.get(community_id) if community_id is not None else None
        )
        in_district = (
            self.outline.intersects(point) if self.outline is not None else community_id is not None
        )
        return Located(compound_id, community_id, subdistrict_id, in_district)


_lock = threading.Lock()
_index: PlaceIndex | None = None


def place_index() -> PlaceIndex:
    global _index
    ttl = getattr(settings, "GONGZHI_PLACE_INDEX_TTL", 300)
    with _lock:
        if _index is None or time.monotonic() - _index.built_at > ttl:
            _index = PlaceIndex()
        return _index


def invalidate() -> None:
    """Forget the index; the next lookup rebuilds it. Call after changing place geometry."""
    global _index
    with _lock:
        _index = None


def locate(lng: float, lat: float) -> Located:
    """The compound, community and subdistrict containing a WGS-84 point (ids, or None)."""
    return place_index().locate(lng, lat)
