"""Routes of the native API under /api/v1/, one per path of the endpoint table."""

from __future__ import annotations

from django.urls import URLPattern, path

from gongzhi.open311.jsonapi import Endpoint, api_view
from gongzhi.workorders.api.views import ENDPOINTS, openapi_json

app_name = "api"


def _routes(endpoints: list[Endpoint]) -> list[URLPattern]:
    by_path: dict[str, list[Endpoint]] = {}
    for endpoint in endpoints:
        by_path.setdefault(endpoint.path, []).append(endpoint)
    return [
        path(route, api_view(group), name="_".join(e.name for e in group))
        for route, group in by_path.items()
    ]


urlpatterns = [path("openapi.json", openapi_json, name="openapi"), *_routes(ENDPOINTS)]
