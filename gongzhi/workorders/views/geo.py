"""The outlines the filing map draws: the district and its compounds, as GeoJSON.

Public, because the filing page needs no login (the place browser's GeoJSON is for signed-in
people); it holds only public geography: outlines and compound names. The map speaks
the tile server's datum (GONGZHI_TILE_CRS): WGS-84 by default, GCJ-02 converted here.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET
from shapely.geometry.base import BaseGeometry

from gongzhi.places.geometry import geojson_of, to_gcj02
from gongzhi.places.models import Compound, District
from gongzhi.places.selectors import home_district

# About 10 m: enough for a pick map, and it keeps a 1,500-compound district small.
SIMPLIFY_DEGREES = 0.0001


def _feature(geom: BaseGeometry, **properties: Any) -> dict[str, Any]:
    geom = geom.simplify(SIMPLIFY_DEGREES, preserve_topology=True)
    if settings.GONGZHI_TILE_CRS == "gcj02":
        geom = to_gcj02(geom)
    return {"type": "Feature", "geometry": geojson_of(geom), "properties": properties}


@require_GET
@cache_control(max_age=300, public=True)
def filing_map(request: HttpRequest) -> JsonResponse:
    try:
        district: District | None = home_district()
    except District.DoesNotExist:
        district = None
    features = []
    if district is not None and district.outline is not None:
        features.append(_feature(district.outline, kind="district", name=district.name))
    features += [
        _feature(area, kind="compound", id=pk, name=name)
        for pk, name, area in Compound.objects.exclude(area=None).values_list("id", "name", "area")
    ]
    return JsonResponse(
        {"type": "FeatureCollection", "features": features},
        content_type="application/geo+json",
    )
