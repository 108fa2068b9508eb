"""Reading geometry at the edge: GeoJSON in GCJ-02 or WGS-84 becomes shapely in WGS-84."""

import json
from pathlib import Path
from typing import Any, Literal

import numpy as np
import shapely
from shapely.geometry import mapping, shape
from shapely.geometry.base import BaseGeometry

from gongzhi.places.coords import gcj02_to_wgs84, wgs84_to_gcj02

CRS = Literal["wgs84", "gcj02"]


def _convert(geom: BaseGeometry, fn: Any) -> BaseGeometry:
    def per_coords(coords: np.ndarray) -> np.ndarray:
        return np.array([fn(x, y) for x, y in coords], dtype=float).reshape(-1, 2)

    return shapely.transform(geom, per_coords)


def to_wgs84(geom: BaseGeometry, crs: CRS) -> BaseGeometry:
    return geom if crs == "wgs84" else _convert(geom, gcj02_to_wgs84)


def to_gcj02(geom: BaseGeometry) -> BaseGeometry:
    return _convert(geom, wgs84_to_gcj02)


def read_geojson(path: Path, crs: CRS) -> BaseGeometry:
    """A GeoJSON geometry, Feature or FeatureCollection (union of its features), as WGS-84."""
    data = json.loads(path.read_text(encoding="utf-8"))
    if data.get("type") == "FeatureCollection":
        from shapely.ops import unary_union

        geom = unary_union([shape(f["geometry"]) for f in data["features"]])
    elif data.get("type") == "Feature":
        geom = shape(data["geometry"])
    else:
        geom = shape(data)
    if not geom.is_valid:
        geom = geom.buffer(0)
    return to_wgs84(geom, crs)


def geojson_of(geom: BaseGeometry, *, precision: int = 6) -> dict[str, Any]:
    """A GeoJSON mapping, coordinates rounded to `precision` decimals (6 ≈ 0.1 m)."""

    def rnd(obj: Any) -> Any:
        if isinstance(obj, float):
            return round(obj, precision)
        if isinstance(obj, list | tuple):
            return [rnd(o) for o in obj]
        return obj

    m = mapping(geom)
    return {"type": m["type"], "coordinates": rnd(m["coordinates"])}
