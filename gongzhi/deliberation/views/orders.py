"""The practical-matter projects a work order is linked to, as a fragment the order page loads
(hx-trigger="load"): the order is looked up through the work-order selectors, so only a person
who may see the order sees this; the projects themselves are public.

A fragment rather than an include keeps the order page's own queries to the work-order app."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from gongzhi.deliberation.selectors import projects_for_order
from gongzhi.deliberation.views.case_page import STEP_NAMES
from gongzhi.deliberation.views.edge import person_of
from gongzhi.workorders.errors import NotFound
from gongzhi.workorders.selectors import order_get_for


@login_required
@require_GET
def order_projects(request: HttpRequest, number: str) -> HttpResponse:
    try:
        order = order_get_for(person_of(request), number)
    except NotFound as exc:
        raise Http404 from exc
    projects = [
        {"project": p, "step_name": STEP_NAMES.get(p.case.step, "")}
        for p in projects_for_order(order)
    ]
    return render(request, "deliberation/_order_projects.html", {"projects": projects})
