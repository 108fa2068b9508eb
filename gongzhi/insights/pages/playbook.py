"""The playbook (场景治理手册) beside an open order: the best-rated resolved past orders of its
kind and text, with who led them, what they did and how long it took (insights.playbook).

A fragment the order page loads after itself (hx-trigger="load"), as the deliberation app
loads its projects panel, so the order page's own queries stay the work-order app's. The
order is looked up through the work-order selector, so only a person who may see the order
gets its playbook; and only staff (a requester following their own order gets a 403)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from gongzhi.accounts.selectors import person_scope
from gongzhi.insights.pages.rules import can_see_playbook
from gongzhi.insights.playbook import playbook_for
from gongzhi.workorders.errors import NotFound
from gongzhi.workorders.privacy import masked_text
from gongzhi.workorders.selectors import order_get_for
from gongzhi.workorders.views.edge import person_of


@login_required
@require_GET
def playbook(request: HttpRequest, number: str) -> HttpResponse:
    person = person_of(request)
    if not can_see_playbook(person_scope(person)):
        raise PermissionDenied
    try:
        order = order_get_for(person, number)
    except NotFound as exc:
        raise Http404 from exc
    entries = []
    if order.is_open:
        # The playbook reads no requester data; texts may still hold a phone number.
        entries = [
            {
                "entry": e,
                "description": masked_text(e.order.description),
                "feedback": masked_text(e.feedback),
            }
            for e in playbook_for(order)
        ]
    return render(request, "insights/pages/_playbook.html", {"order": order, "entries": entries})
