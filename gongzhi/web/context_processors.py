"""The navigation a person sees, by role."""

from typing import Any

from django.http import HttpRequest


def navigation(request: HttpRequest) -> dict[str, Any]:
    from gongzhi.web.navigation import nav_items

    return {"nav_items": nav_items(request.user) if request.user.is_authenticated else []}
