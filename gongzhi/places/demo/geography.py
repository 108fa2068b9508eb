"""Generated geography: partitions of an area into cells, points spread inside an area.

Pure functions of their inputs and a `random.Random`; nothing here touches the database.
Lengths are in metres where the name says so and converted to degrees near Beijing's latitude.
"""

from __future__ import annotations

import math
import random
from collections.abc import Sequence

import numpy as np
import shapely
from shapely import affinity
from shapely.geometry import MultiPoint, MultiPolygon, Point, Polygon
from shapely.geometry.base import BaseGeometry
from shapely.ops import nearest_points

XY = tuple[float, float]

# Metres per degree at about 39.95° N.
M_PER_DEG_LAT = 111_000.0
M_PER_DEG_LNG = 85_300.0


def metres_to_deg(m: float) -> float:
    """A length in degrees that is at least `m` metres in every direction (latitude scale)."""
    return m / M_PER_DEG_LNG


def polygonal(geom: BaseGeometry) -> BaseGeometry:
    """The polygon parts of a geometry (an intersection can leave lines and points behind)."""
    if geom.is_empty or geom.geom_type in ("Polygon", "MultiPolygon"):
        return geom
    parts: list[Polygon] = []
    for g in getattr(geom, "geoms", []):
        if g.geom_type == "Polygon":
            parts.append(g)
        elif g.geom_type == "MultiPolygon":
            parts.extend(g.geoms)
    if not parts:
        return Polygon()
    return parts[0] if len(parts) == 1 else MultiPolygon(parts)


def largest_part(geom: BaseGeometry) -> BaseGeometry:
    geom = polygonal(geom)
    if geom.geom_type == "MultiPolygon":
        return max(geom.geoms, key=lambda g: g.area)
    return geom


def inner_point(geom: BaseGeometry) -> Point:
    """The centroid when it lies inside, else a point guaranteed inside."""
    c = geom.centroid
    return c if geom.contains(c) else geom.representative_point()


def sample_points(area: BaseGeometry, n: int, rng: random.Random) -> list[XY]:
    """`n` uniformly random points inside `area` (rejection sampling, vectorised)."""
    if n <= 0:
        return []
    minx, miny, maxx, maxy = area.bounds
    np_rng = np.random.default_rng(rng.getrandbits(64))
    found: list[XY] = []
    shapely.prepare(area)
    for _attempt in range(200):
        want = max(16, 4 * (n - len(found)))
        xs = np_rng.uniform(minx, maxx, want)
        ys = np_rng.uniform(miny, maxy, want)
        inside = shapely.contains_xy(area, xs, ys)
        found.extend(zip(xs[inside].tolist(), ys[inside].tolist(), strict=True))
        if len(found) >= n:
            return found[:n]
    p = area.representative_point()
    return found + [(p.x, p.y)] * (n - len(found))


def spread_points(area: BaseGeometry, n: int, rng: random.Random, *, tries: int = 12) -> list[XY]:
    """`n` points inside `area`, evenly spread (Mitchell's best candidate)."""
    if n <= 0:
        return []
    candidates = np.array(sample_points(area, n * tries, rng)).reshape(n * tries, 2)
    # Distances in "lat-equivalent" units: a degree of longitude is shorter near Beijing.
    candidates[:, 1] *= M_PER_DEG_LAT / M_PER_DEG_LNG
    chosen = np.empty((n, 2))
    chosen[0] = candidates[0]
    for i in range(1, n):
        batch = candidates[i * tries : (i + 1) * tries]
        gaps = ((batch[:, None, :] - chosen[None, :i, :]) ** 2).sum(axis=2).min(axis=1)
        chosen[i] = batch[int(np.argmax(gaps))]
    chosen[:, 1] /= M_PER_DEG_LAT / M_PER_DEG_LNG
    return [(float(x), float(y)) for x, y in chosen]


def voronoi_cells(area: BaseGeometry, seeds: Sequence[XY]) -> list[BaseGeometry]:
    """The Voronoi cells of `seeds` clipped to `area`, in the order of `seeds`."""
    if len(seeds) == 1:
        return [area]
    minx, miny, maxx, maxy = area.bounds
    pad = max(maxx - minx, maxy - miny)
    frame = shapely.box(minx - pad, miny - pad, maxx + pad, maxy + pad)
    cells = shapely.voronoi_polygons(MultiPoint(list(seeds)), extend_to=frame, ordered=True)
    clipped = shapely.intersection(np.array(list(cells.geoms), dtype=object), area)
    return [polygonal(c) for c in clipped]


def partition(
    area: BaseGeometry, seeds: Sequence[XY], *, relax: int = 0
) -> tuple[list[BaseGeometry], list[XY]]:
    """Split `area` into one cell per seed; `relax` Lloyd steps even out the cell sizes."""
    points = list(seeds)
    cells = voronoi_cells(area, points)
    for _step in range(relax):
        moved = []
        for cell, old in zip(cells, points, strict=True):
            if cell.is_empty:
                moved.append(old)
                continue
            p = inner_point(cell)
            moved.append((p.x, p.y))
        if len(set(moved)) < len(moved):
            break
        points = moved
        cells = voronoi_cells(area, points)
    return cells, points


def snap_inside(area: BaseGeometry, xy: XY, *, margin_m: float = 200.0) -> XY:
    """`xy` if it lies in `area`, else the nearest point a little inside it."""
    p = Point(xy)
    if area.contains(p):
        return xy
    inner = area.buffer(-metres_to_deg(margin_m))
    target = inner if not inner.is_empty else area
    q = nearest_points(target, p)[0]
    if not area.contains(q):
        q = area.representative_point()
    return (q.x, q.y)


def rectangle(centre: XY, width_m: float, height_m: float, angle_deg: float) -> Polygon:
    """A `width_m` × `height_m` rectangle around `centre`, turned by `angle_deg`."""
    w = width_m / 2 / M_PER_DEG_LNG
    h = height_m / 2 / M_PER_DEG_LAT
    x, y = centre
    rect = shapely.box(x - w, y - h, x + w, y + h)
    return affinity.rotate(rect, angle_deg, origin=(x, y))


def area_m2(geom: BaseGeometry) -> float:
    return float(geom.area) * M_PER_DEG_LNG * M_PER_DEG_LAT


def lattice_points(poly: BaseGeometry, n: int, rng: random.Random) -> list[XY]:
    """`n` points in rows inside `poly`, like buildings laid out in a compound."""
    if n <= 0:
        return []
    minx, miny, maxx, maxy = poly.bounds
    spacing = math.sqrt(max(area_m2(poly), 1.0) / n)
    shapely.prepare(poly)
    for _attempt in range(12):
        dx = spacing / M_PER_DEG_LNG
        dy = spacing / M_PER_DEG_LAT
        xs = np.arange(minx + dx / 2, maxx, dx)
        ys = np.arange(miny + dy / 2, maxy, dy)
        mx, my = np.meshgrid(xs, ys)
        gx, gy = mx.ravel(), my.ravel()
        inside = shapely.contains_xy(poly, gx, gy)
        if int(inside.sum()) >= n:
            px, py = gx[inside], gy[inside]
            pick = np.linspace(0, len(px) - 1, n).round().astype(int)
            return list(zip(px[pick].tolist(), py[pick].tolist(), strict=True))
        spacing *= 0.8
    return sample_points(poly, n, rng)
