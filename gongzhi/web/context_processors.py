"""What every page shows about the signed-in person: the navigation by role, who they are.

Both are computed lazily: a page that renders neither (an htmx fragment, an error page)
costs no query.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from gongzhi.accounts.models import Membership


@dataclass(frozen=True)
class Post:
    """One role of the person, where they hold it: 社区书记 · 永安里社区居委会."""

    role: str
    where: str


def _posts(user: Any) -> list[Post]:
    memberships = (
        Membership.objects.filter(person=user, is_active=True)
        .select_related("unit", "community", "compound")
        .order_by("id")
    )
    return [
        Post(role=str(m.get_role_display()), where=str(m.unit or m.compound or m.community or ""))
        for m in memberships
    ]


def _current(items: list[Any], path: str) -> str:
    """The url of the navigation entry the page belongs to: the longest matching prefix."""
    best = ""
    for item in items:
        url = item.url
        if (path == url or (url != "/" and path.startswith(url))) and len(url) > len(best):
            best = url
    return best


def navigation(request: HttpRequest) -> dict[str, Any]:
    from gongzhi.web.navigation import nav_items

    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_items": [], "nav_current": "", "posts": []}
    items = SimpleLazyObject(lambda: nav_items(user))
    return {
        "nav_items": items,
        "nav_current": SimpleLazyObject(lambda: _current(list(items), request.path)),
        "posts": SimpleLazyObject(lambda: _posts(user)),
    }
