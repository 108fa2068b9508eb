"""The hotline operator's intake, built for speed: one keyboard-only form, place search and
duplicate hints as the operator types, then the next blank form with the new number."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods
from django.views.decorators.vary import vary_on_headers

from gongzhi.dispatch.selectors import suggestion_cached
from gongzhi.places.models import Community, Compound
from gongzhi.workorders import rules
from gongzhi.workorders.errors import WorkOrderError
from gongzhi.workorders.forms import IntakeForm
from gongzhi.workorders.models import Channel, Status
from gongzhi.workorders.selectors_intake import (
    DUPLICATE_DAYS,
    duplicate_hints,
    place_from_key,
    place_search,
    recent_intakes,
)
from gongzhi.workorders.views.edge import error_text, person_of


def _require_intake(request: HttpRequest) -> None:
    if rules.receive_grant(person_of(request), Channel.HOTLINE) is None:
        raise PermissionDenied


def _place_label(request: HttpRequest, form: IntakeForm) -> str:
    """The chosen place, shown again when a form comes back with errors."""
    key = form.data.get("place", "") if form.is_bound else ""
    place = place_from_key(person=person_of(request), key=key) if key else None
    if isinstance(place, Compound):
        return f"{place.name}（{place.community.name}）"
    return place.name if place is not None else ""


def _context(request: HttpRequest, form: IntakeForm, **extra: Any) -> dict[str, Any]:
    return {
        "form": form,
        "place_label": _place_label(request, form),
        "category_options": form.categories.labels,
        "recent": recent_intakes(person=person_of(request)),
        "days": DUPLICATE_DAYS,
        **extra,
    }


@login_required
@require_http_methods(["GET", "POST"])
@vary_on_headers("HX-Request")  # the page or, for htmx, its partial
def intake(request: HttpRequest) -> HttpResponse:
    from gongzhi.workorders.services import workorder_receive

    _require_intake(request)
    person = person_of(request)
    template = "workorders/desk/intake.html"
    if request.htmx:  # type: ignore[attr-defined]
        template += "#form"
    if request.method == "GET":
        return render(request, template, _context(request, IntakeForm()))

    form = IntakeForm(request.POST)
    if not form.is_valid():
        return render(request, template, _context(request, form), status=400)
    data = form.cleaned_data
    place = place_from_key(person=person, key=data["place"]) if data["place"] else None
    try:
        order = workorder_receive(
            by=person,
            channel=Channel.HOTLINE,
            source="hotline",
            kind=data["kind"],
            urgency=data["urgency"],
            category=data["category"],
            description=data["description"],
            address=data["address"],
            compound=place if isinstance(place, Compound) else None,
            community=place if isinstance(place, Community) else None,
            requester_name=data["requester_name"],
            requester_phone=data["requester_phone"],
            auto_dispatch=data["auto_dispatch"],
        )
    except WorkOrderError as exc:
        context = _context(request, form, domain_error=error_text(exc))
        return render(request, template, context, status=400)
    suggestion = suggestion_cached(order)
    if order.status == Status.DISPATCHED and order.lead_unit is not None:
        note = _("已按权责清单派至 %(unit)s") % {"unit": order.lead_unit.name}
        if suggestion is not None and suggestion.model_version and suggestion.confidence:
            note = _("已自动派至 %(unit)s（模型 %(version)s，置信度 %(percent)d%%）") % {
                "unit": order.lead_unit.name,
                "version": suggestion.model_version,
                "percent": round(suggestion.confidence * 100),
            }
    else:
        note = _("待派单员派单")
        if suggestion is not None and suggestion.model_version:
            note += " · " + str(suggestion.get_decision_display())
    if not request.htmx:  # type: ignore[attr-defined]
        from django.contrib import messages

        messages.success(
            request, _("已生成工单 %(n)s · %(note)s") % {"n": order.number, "note": note}
        )
        return redirect("workorders:intake")
    return render(request, template, _context(request, IntakeForm(), filed=order, filed_note=note))


@login_required
@require_GET
def intake_places(request: HttpRequest) -> HttpResponse:
    _require_intake(request)
    q = request.GET.get("place_q", "")
    hits = place_search(person=person_of(request), q=q)
    return render(request, "workorders/desk/_place_results.html", {"hits": hits, "q": q.strip()})


@login_required
@require_GET
def intake_duplicates(request: HttpRequest) -> HttpResponse:
    _require_intake(request)
    person = person_of(request)
    form = IntakeForm(request.GET)
    key = request.GET.get("place", "")
    place = place_from_key(person=person, key=key) if key else None
    category = form.categories.lookup.get(request.GET.get("category", "").strip())
    duplicates = []
    if place is not None and category is not None:
        duplicates = duplicate_hints(person=person, place=place, category_code=category)
    asked = place is not None and category is not None
    return render(
        request,
        "workorders/desk/_duplicates.html",
        {"duplicates": duplicates, "asked": asked, "days": DUPLICATE_DAYS},
    )
