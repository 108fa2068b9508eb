"""The public resident pages (no login): file a request, track it by number and phone, rate it.

The phone number is the proof. A successful track remembers the order in the session, so the
progress page and the rating need no second proof; a failed one says the same thing whether the
number exists or not, and repeated failures from one address are slowed down.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from typing import Any

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from gongzhi.places.coords import wgs84_to_gcj02
from gongzhi.web.throttle import client_key, throttle_failed, throttled
from gongzhi.workorders.errors import InvalidPhoto, WorkOrderError
from gongzhi.workorders.forms import FileRequestForm, RateForm, TrackForm
from gongzhi.workorders.models import Channel, Status, WorkOrder
from gongzhi.workorders.selectors import order_lookup_public, order_timeline
from gongzhi.workorders.selectors_intake import PlaceHit, compound_search_public
from gongzhi.workorders.views.display import progress_steps, resident_timeline
from gongzhi.workorders.views.edge import error_text

SESSION_KEY = "workorders_tracked"
# Failed track attempts allowed per client address in the window, then a pause.
TRACK_MAX_FAILURES = 10
TRACK_WINDOW_SECONDS = 15 * 60


def _remember(request: HttpRequest, number: str, phone: str) -> None:
    """Keep the proof (number and phone) in this browser's session, for the progress page and
    the rating. At most 20 orders."""
    tracked = dict(request.session.get(SESSION_KEY, {}))
    tracked[number] = phone
    request.session[SESSION_KEY] = dict(list(tracked.items())[-20:])


def _tracked(request: HttpRequest, number: str) -> WorkOrder | None:
    phone = request.session.get(SESSION_KEY, {}).get(number)
    return order_lookup_public(number, phone) if phone else None


@require_http_methods(["GET", "POST"])
def file_request(request: HttpRequest) -> HttpResponse:
    from gongzhi.workorders.services import workorder_receive

    user: Any = request.user
    # A signed-in person files under their own name and phone unless they change them.
    initial = {"name": user.display_name, "phone": user.phone} if user.is_authenticated else {}
    form = FileRequestForm(request.POST or None, request.FILES or None, initial=initial)
    context: dict[str, Any] = {
        "form": form,
        "geo_url": reverse("workorders:file_map"),
        "tile_url": settings.GONGZHI_TILE_URL,
        "photo_max_count": settings.GONGZHI_PHOTO_MAX_COUNT,
        "photo_max_mb": round(settings.GONGZHI_PHOTO_MAX_BYTES / 1024 / 1024, 1),
    }
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            order = workorder_receive(
                by=user if user.is_authenticated else None,
                channel=Channel.WEB,
                source="web",
                kind=data["kind"],
                category=data["category"],
                description=data["description"],
                lng=data["lng"],
                lat=data["lat"],
                compound=data["compound"],
                address=data["address"],
                requester_name=data["name"],
                requester_phone=data["phone"],
                photos=data["photos"],
            )
        except InvalidPhoto as exc:
            context["photo_error"] = error_text(exc)
            context["domain_error"] = error_text(exc)
        except WorkOrderError as exc:
            context["domain_error"] = error_text(exc)
        else:
            _remember(request, order.number, data["phone"])
            return redirect("workorders:filed", number=order.number)
    status = 400 if request.method == "POST" else 200
    return render(request, "workorders/resident/file.html", context, status=status)


@require_GET
def filed(request: HttpRequest, number: str) -> HttpResponse:
    if _tracked(request, number) is None:
        raise Http404
    return render(
        request,
        "workorders/resident/filed.html",
        {"number": number, "can_rate": _rate_service() is not None},
    )


def _on_map(hit: PlaceHit) -> PlaceHit:
    """A search result in the map's datum: its button moves the marker, and the form converts
    the point back to WGS-84 on submit (forms.resident.PointMixin)."""
    if settings.GONGZHI_TILE_CRS != "gcj02" or hit.lng is None or hit.lat is None:
        return hit
    lng, lat = wgs84_to_gcj02(hit.lng, hit.lat)
    return replace(hit, lng=lng, lat=lat)


@require_GET
def file_places(request: HttpRequest) -> HttpResponse:
    q = request.GET.get("q", "")
    hits = [_on_map(hit) for hit in compound_search_public(q=q)]
    return render(
        request, "workorders/resident/_place_results.html", {"hits": hits, "q": q.strip()}
    )


@require_http_methods(["GET", "POST"])
def track(request: HttpRequest) -> HttpResponse:
    form = TrackForm(request.POST or None)
    context: dict[str, Any] = {"form": form}
    if request.method == "POST" and form.is_valid():
        # Counted in the database: every server process sees the same failures.
        key = client_key(request)
        if throttled("track", key, limit=TRACK_MAX_FAILURES):
            context["not_found"] = _("查询次数过多，请稍后再试。")
            return render(request, "workorders/resident/track.html", context, status=429)
        number, phone = form.cleaned_data["number"], form.cleaned_data["phone"]
        order = order_lookup_public(number, phone)
        if order is not None:
            _remember(request, order.number, phone)
            return redirect("workorders:track_order", number=order.number)
        throttle_failed("track", key, window=dt.timedelta(seconds=TRACK_WINDOW_SECONDS))
        # The same words whether the number exists or the phone does not match.
        context["not_found"] = _("没有找到与该编号和手机号对应的工单，请核对后再试。")
        return render(request, "workorders/resident/track.html", context, status=404)
    return render(request, "workorders/resident/track.html", context)


def _progress_context(order: WorkOrder) -> dict[str, Any]:
    return {
        "order": order,
        "steps": progress_steps(order),
        "timeline": resident_timeline(order, order_timeline(order)),
        # The requester rates a resolved order; see _rate_service.
        "can_rate": order.status == Status.RESOLVED and _rate_service() is not None,
        "awaiting_callback": order.status == Status.RESOLVED,
        "rated": None,
    }


@require_GET
def track_order(request: HttpRequest, number: str) -> HttpResponse:
    order = _tracked(request, number)
    if order is None:
        return redirect("workorders:track")
    context = _progress_context(order)
    context["rate_form"] = RateForm()
    return render(request, "workorders/resident/progress.html", context)


def _rate_service() -> Any:
    """The domain's service for the requester's own evaluation: `workorder_requester_rate(*,
    order, phone, resolved, satisfaction, note="")`, allowed once per resolved round, the phone
    being the proof. The rating is the callback of its round (services.closing). Looked up by
    name so that a deployment without it says the callback desk will call instead."""
    from gongzhi.workorders import services

    return getattr(services, "workorder_requester_rate", None)


def _rated_text(resolved: bool) -> str:
    if resolved:
        return _("已作为本次回访记录。")
    return _("您反映问题尚未解决，工单已退回承办单位重新办理，请留意联系。")


@require_POST
def track_rate(request: HttpRequest, number: str) -> HttpResponse:
    order = _tracked(request, number)
    rate = _rate_service()
    if order is None or rate is None:
        raise Http404
    context = _progress_context(order)
    form = RateForm(request.POST)
    context["rate_form"] = form
    if form.is_valid():
        try:
            rate(
                order=order,
                phone=request.session[SESSION_KEY][number],
                resolved=form.cleaned_data["resolved"],
                satisfaction=form.cleaned_data["satisfaction"],
                note=form.cleaned_data["note"],
            )
        except WorkOrderError as exc:
            context["rate_error"] = error_text(exc)
        else:
            order = order_lookup_public(number, order.requester_phone) or order
            context = _progress_context(order)
            context["rated"] = _rated_text(form.cleaned_data["resolved"])
    template = "workorders/resident/progress.html"
    if request.htmx:  # type: ignore[attr-defined]
        template += "#rate"
    return render(request, template, context)
