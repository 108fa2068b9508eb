"""Pages of dispatch intelligence. The suggestions themselves show on the work-order pages (the
intake, the dispatcher's desk, the order's timeline); this is the intake's live panel."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from gongzhi.dispatch.selectors import intake_preview
from gongzhi.workorders import rules
from gongzhi.workorders.models import Channel
from gongzhi.workorders.selectors_intake import place_from_key
from gongzhi.workorders.views.edge import person_of

# Longer texts are cut: the panel is a hint, the order keeps the whole text.
MAX_TEXT = 4000


@login_required
@require_GET
def intake_suggest(request: HttpRequest) -> HttpResponse:
    """The intake page's suggestion panel (htmx): categories, places, unit for what is typed."""
    person = person_of(request)
    if rules.receive_grant(person, Channel.HOTLINE) is None:
        raise PermissionDenied
    text = request.GET.get("description", "")[:MAX_TEXT]
    address = request.GET.get("address", "")[:255]
    key = request.GET.get("place", "")
    place = place_from_key(person=person, key=key) if key else None
    preview = intake_preview(text=text, address=address, place=place) if text.strip() else None
    return render(request, "dispatch/_intake_suggest.html", {"preview": preview})
