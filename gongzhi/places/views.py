"""The place browser (district → subdistrict → community → compound) and its map's GeoJSON.

Every page and every feature collection goes through places.selectors, which apply the
person's scope: a place outside it is a 404, never shown. Pages answer htmx requests with the
panel partial only, so drilling down swaps the list and leaves the map in place.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.cache import patch_vary_headers
from shapely.geometry import Point
from shapely.geometry.base import BaseGeometry

from gongzhi.accounts.rules import can_see_community, can_see_subdistrict
from gongzhi.accounts.selectors import person_scope
from gongzhi.places import selectors
from gongzhi.places.coords import wgs84_to_gcj02
from gongzhi.places.geometry import geojson_of, to_gcj02
from gongzhi.places.models import Community, Compound, District, Subdistrict


@dataclass(frozen=True)
class Crumb:
    name: str
    url: str | None  # None: the person may not open it (or it is the current page)


def _page(request: HttpRequest, level: str, context: dict[str, Any]) -> HttpResponse:
    """The full browser page, or only its panel for an htmx drill-down."""
    context = {
        **context,
        "level": level,
        "level_template": f"places/_{level}.html",
        "tile_url": settings.GONGZHI_TILE_URL,
        "tile_attribution": settings.GONGZHI_TILE_ATTRIBUTION,
    }
    htmx = getattr(request, "htmx", None)
    partial = bool(htmx) and not htmx.history_restore_request  # type: ignore[union-attr]
    template = "places/browser.html#panel" if partial else "places/browser.html"
    response = render(request, template, context)
    patch_vary_headers(response, ["HX-Request"])
    return response


def _crumbs(
    request: HttpRequest, *places: District | Subdistrict | Community | Compound
) -> list[Crumb]:
    """The trail to the current place; a link only where the person may open the page."""
    scope = person_scope(request.user)  # type: ignore[arg-type]
    crumbs = []
    for place in places[:-1]:
        url: str | None = None
        if isinstance(place, District):
            url = reverse("places:browser")
        elif isinstance(place, Subdistrict) and can_see_subdistrict(scope, place):
            url = reverse("places:subdistrict", args=[place.pk])
        elif isinstance(place, Community) and can_see_community(scope, place):
            url = reverse("places:community", args=[place.pk])
        crumbs.append(Crumb(place.name, url))
    crumbs.append(Crumb(places[-1].name, None))
    return crumbs


@login_required
def browser(request: HttpRequest) -> HttpResponse:
    try:
        overview = selectors.district_overview(person=request.user)  # type: ignore[arg-type]
    except District.DoesNotExist:
        overview = None
    layers = []
    if overview is not None:
        if overview.subdistricts:
            layers.append(reverse("places:geo_subdistricts"))
        if overview.communities:
            layers.append(reverse("places:geo_communities"))
        if overview.compounds:
            layers.append(reverse("places:geo_compounds"))
    return _page(
        request,
        "district",
        {
            "overview": overview,
            "place": overview.district if overview else None,
            "map_layers": layers,
            "generated": overview.generated if overview else False,
        },
    )


@login_required
def subdistrict(request: HttpRequest, pk: int) -> HttpResponse:
    person = request.user
    try:
        sd = selectors.subdistrict_for(person=person, pk=pk)  # type: ignore[arg-type]
    except Subdistrict.DoesNotExist:
        raise Http404 from None
    communities = list(selectors.community_rows(person=person, subdistrict=sd))  # type: ignore[arg-type]
    return _page(
        request,
        "subdistrict",
        {
            "place": sd,
            "crumbs": _crumbs(request, sd.district, sd),
            "communities": communities,
            "totals": selectors.totals_of(communities),
            "units": selectors.units_serving_subdistrict(sd),
            "map_layers": [f"{reverse('places:geo_communities')}?subdistrict={sd.pk}"],
            "generated": sd.generated or any(c.generated for c in communities),
        },
    )


@login_required
def community(request: HttpRequest, pk: int) -> HttpResponse:
    person = request.user
    try:
        comm = selectors.community_for(person=person, pk=pk)  # type: ignore[arg-type]
    except Community.DoesNotExist:
        raise Http404 from None
    compounds = list(selectors.compound_rows(person=person, community=comm))  # type: ignore[arg-type]
    return _page(
        request,
        "community",
        {
            "place": comm,
            "crumbs": _crumbs(request, comm.subdistrict.district, comm.subdistrict, comm),
            "compounds": compounds,
            "totals": selectors.totals_of(compounds),
            "grids": selectors.grids_of(comm),
            "units": selectors.units_serving_community(comm),
            "map_layers": [
                f"{reverse('places:geo_communities')}?id={comm.pk}",
                f"{reverse('places:geo_compounds')}?community={comm.pk}",
            ],
            "generated": comm.generated or any(k.generated for k in compounds),
        },
    )


@login_required
def compound(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        k = selectors.compound_for(person=request.user, pk=pk)  # type: ignore[arg-type]
    except Compound.DoesNotExist:
        raise Http404 from None
    comm = k.community
    buildings = selectors.buildings_of(k)
    return _page(
        request,
        "compound",
        {
            "place": k,
            "crumbs": _crumbs(request, comm.subdistrict.district, comm.subdistrict, comm, k),
            "buildings": buildings,
            "n_entrances": sum(len(b.entrances.all()) for b in buildings),
            "grids": selectors.grids_of(comm),
            "units": selectors.units_serving_compound(k),
            # The community's area (when the person may see it) around its compounds.
            "map_layers": [
                f"{reverse('places:geo_communities')}?id={comm.pk}",
                f"{reverse('places:geo_compounds')}?community={comm.pk}",
            ],
            "map_focus": f"compound:{k.pk}",
            "generated": k.generated,
        },
    )


# --- GeoJSON for the map ----------------------------------------------------------------------


def _edge(geom: BaseGeometry) -> BaseGeometry:
    """Stored WGS-84, converted to the tile server's datum when that is GCJ-02."""
    return to_gcj02(geom) if settings.GONGZHI_TILE_CRS == "gcj02" else geom


def _feature(geom: BaseGeometry, **properties: Any) -> dict[str, Any]:
    return {"type": "Feature", "geometry": geojson_of(_edge(geom)), "properties": properties}


def _collection(features: list[dict[str, Any]]) -> JsonResponse:
    generated = any(f["properties"].get("generated") for f in features)
    return JsonResponse(
        {
            "type": "FeatureCollection",
            "features": features,
            # The datum of the coordinates, so that a client can tell what it was given.
            "crs_name": settings.GONGZHI_TILE_CRS,
            "generated": generated,
        }
    )


def _int_param(request: HttpRequest, name: str) -> int | None:
    raw = request.GET.get(name)
    if raw is None or raw == "":
        return None
    try:
        return int(raw)
    except ValueError:
        raise Http404 from None


@login_required
def geo_outline(request: HttpRequest) -> JsonResponse:
    """The outline of the district: the frame of every map, shown to everyone signed in."""
    try:
        district = selectors.home_district()
    except District.DoesNotExist:
        return _collection([])
    if district.outline is None:
        return _collection([])
    return _collection(
        [_feature(district.outline, id=district.pk, level="district", name=district.name)]
    )


@login_required
def geo_subdistricts(request: HttpRequest) -> JsonResponse:
    return _collection(
        [
            _feature(
                sd.area,
                id=sd.pk,
                level="subdistrict",
                name=sd.name,
                url=reverse("places:subdistrict", args=[sd.pk]),
                generated=sd.generated,
            )
            for sd in selectors.subdistrict_shapes(person=request.user)  # type: ignore[arg-type]
        ]
    )


@login_required
def geo_communities(request: HttpRequest) -> JsonResponse:
    shapes = selectors.community_shapes(
        person=request.user,  # type: ignore[arg-type]
        subdistrict_id=_int_param(request, "subdistrict"),
    )
    only = _int_param(request, "id")
    if only is not None:
        shapes = shapes.filter(pk=only)
    return _collection(
        [
            _feature(
                c.area,
                id=c.pk,
                level="community",
                name=c.name,
                url=reverse("places:community", args=[c.pk]),
                generated=c.generated,
            )
            for c in shapes
        ]
    )


@login_required
def geo_compounds(request: HttpRequest) -> JsonResponse:
    features = []
    shapes = selectors.compound_shapes(
        person=request.user,  # type: ignore[arg-type]
        community_id=_int_param(request, "community"),
    )
    for k in shapes:
        geom = k.area if k.area is not None else Point(k.lng, k.lat)
        properties: dict[str, Any] = {
            "id": k.pk,
            "level": "compound",
            "name": k.name,
            "kind": k.get_kind_display(),
            "url": reverse("places:compound", args=[k.pk]),
            "generated": k.generated,
        }
        if k.lng is not None and k.lat is not None:
            lng, lat = (
                wgs84_to_gcj02(k.lng, k.lat)
                if settings.GONGZHI_TILE_CRS == "gcj02"
                else (k.lng, k.lat)
            )
            properties["centre"] = [round(lng, 6), round(lat, 6)]
        features.append(_feature(geom, **properties))
    return _collection(features)
