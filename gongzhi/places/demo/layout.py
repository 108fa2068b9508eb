"""Laying the plan out on the map, inside the real district outline.

Subdistricts are Voronoi cells around approximate real centres (centres.py), clipped to the
outline, one polygon part of the outline at a time (Chaoyang's airport exclave is its own
subdistrict). Communities are relaxed Voronoi cells inside their subdistrict, villages on the
side away from the city centre. Compounds are small rectangles inside their community, each
in its own cell so that no two overlap; buildings stand in rows inside their compound; grids
partition each community. Deterministic for a given random stream.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass, field

from shapely.geometry import Point
from shapely.geometry.base import BaseGeometry

from gongzhi.places.demo import geography as geo
from gongzhi.places.demo.centres import CENTRES, CITY_CENTRE
from gongzhi.places.demo.plan import CompoundPlan
from gongzhi.places.models import Community, Subdistrict

COMPOUND_GAP_M = 12.0  # a street between neighbouring compounds
SITE_M2_PER_HOME = 40.0


@dataclass
class CompoundLayout:
    area: BaseGeometry
    point: geo.XY
    buildings: list[geo.XY] = field(default_factory=list)


def subdistrict_areas(
    outline: BaseGeometry, subdistricts: list[Subdistrict], rng: random.Random
) -> dict[str, BaseGeometry]:
    parts = list(getattr(outline, "geoms", [outline]))
    seeds: dict[str, geo.XY] = {}
    for sd in sorted(subdistricts, key=lambda s: s.code):
        xy = CENTRES.get(sd.code) or geo.sample_points(outline, 1, rng)[0]
        seeds[sd.code] = geo.snap_inside(outline, xy)
    # Which part of the outline each seed lies in; parts without a seed join the nearest cell.
    members: dict[int, list[str]] = {i: [] for i in range(len(parts))}
    for code, xy in seeds.items():
        p = Point(xy)
        i = min(range(len(parts)), key=lambda j: parts[j].distance(p))
        members[i].append(code)
    areas: dict[str, BaseGeometry] = {}
    for i, codes in members.items():
        if not codes:
            continue
        cells = geo.voronoi_cells(parts[i], [seeds[c] for c in codes])
        areas.update(zip(codes, cells, strict=True))
    for i, codes in members.items():
        if codes:
            continue
        nearest = min(seeds, key=lambda c: parts[i].distance(Point(seeds[c])))
        areas[nearest] = areas[nearest].union(parts[i])
    return areas


def community_areas(
    area: BaseGeometry, communities: list[Community], rng: random.Random
) -> dict[str, BaseGeometry]:
    """Cells for the communities of one subdistrict; villages get the outer cells."""
    ordered = sorted(communities, key=lambda c: c.code)
    seeds = geo.spread_points(area, len(ordered), rng)
    cells, _points = geo.partition(area, seeds, relax=2)
    cx, cy = CITY_CENTRE
    by_distance = sorted(cells, key=lambda g: math.hypot(g.centroid.x - cx, g.centroid.y - cy))
    urban = [c for c in ordered if c.kind != Community.Kind.VILLAGE]
    villages = [c for c in ordered if c.kind == Community.Kind.VILLAGE]
    rng.shuffle(urban)
    return {c.code: cell for c, cell in zip(urban + villages, by_distance, strict=True)}


def _fallback_area(cell: BaseGeometry, gap: float) -> BaseGeometry:
    """A small polygon in a cell too thin for a rectangle: the cell shrunk around its middle."""
    from shapely import affinity

    inner = geo.largest_part(cell.buffer(-gap))
    if inner.is_empty:
        inner = geo.largest_part(cell)
    middle = geo.inner_point(inner)
    return geo.largest_part(affinity.scale(inner, 0.6, 0.6, origin=middle).intersection(inner))


def compound_layouts(
    area: BaseGeometry, plans: list[CompoundPlan], rng: random.Random
) -> list[CompoundLayout]:
    """A polygon, a point and building points for each compound of one community."""
    if not plans:
        return []
    gap = geo.metres_to_deg(COMPOUND_GAP_M)
    inner = area.buffer(-3 * gap)
    seeds = geo.spread_points(inner if not inner.is_empty else area, len(plans), rng)
    cells = geo.voronoi_cells(area, seeds)
    layouts = []
    for plan, seed, cell in zip(plans, seeds, cells, strict=True):
        side = math.sqrt(plan.households * SITE_M2_PER_HOME)
        ratio = rng.uniform(0.7, 1.4)
        angle = rng.choice((0.0, 0.0, 0.0, rng.uniform(-12, 12)))
        rect = geo.rectangle(seed, side * ratio, side / ratio, angle)
        poly = geo.largest_part(rect.intersection(cell.buffer(-gap)))
        if poly.is_empty or poly.area < 0.15 * rect.area:
            poly = _fallback_area(cell, gap)
        p = geo.inner_point(poly)
        yard = poly.buffer(-gap / 3)
        buildings = geo.lattice_points(poly if yard.is_empty else yard, len(plan.buildings), rng)
        layouts.append(CompoundLayout(area=poly, point=(p.x, p.y), buildings=buildings))
    return layouts


def grid_areas(area: BaseGeometry, count: int, rng: random.Random) -> list[BaseGeometry]:
    """`count` grids covering a community."""
    seeds = geo.spread_points(area, count, rng)
    cells, _points = geo.partition(area, seeds, relax=1)
    return cells
