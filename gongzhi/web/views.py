from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from gongzhi.accounts.models import Role
from gongzhi.accounts.selectors import person_scope
from gongzhi.web.navigation import nav_items
from gongzhi.web.roles import purposes


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """What the person can do here: one sentence per role and the pages that exist for them."""
    scope = person_scope(request.user)  # type: ignore[arg-type]
    roles = set(scope.roles)
    if request.user.is_superuser:
        roles.add(Role.ADMINISTRATOR.value)
    context: dict[str, Any] = {
        "purposes": purposes(frozenset(roles)),
        "destinations": [item for item in nav_items(request.user) if item.url_name != "web:home"],
    }
    return render(request, "web/home.html", context)
