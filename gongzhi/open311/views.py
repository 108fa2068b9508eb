"""Open311 GeoReport v2 views: parse the request, call the workorders selectors and services,
render JSON or XML. Nothing is decided here; see schemas.py for the shapes."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt

from gongzhi.open311 import schemas
from gongzhi.open311.responses import Format, Open311Error, Open311Errors, render, render_errors
from gongzhi.open311.selectors import apikey_active, requests_public, service_categories
from gongzhi.open311.services import apikey_mark_used
from gongzhi.open311.tokens import number_from_token, token_for
from gongzhi.places.models import Compound
from gongzhi.workorders.errors import WorkOrderError
from gongzhi.workorders.services import category_for, workorder_receive

SPECIFICATION = "http://wiki.open311.org/GeoReport_v2"
# Changed when the shape of this API changes.
CHANGESET = "2025-11-22T00:00:00+08:00"

View = Callable[..., HttpResponse]
# The specification's statuses for the domain's refusals; anything else is a 400.
_DOMAIN_STATUS = {"unknown_category": 404, "not_found": 404, "not_permitted": 403}


def domain_error(exc: WorkOrderError) -> Open311Error:
    description = exc.message
    if exc.code == "unknown_category":
        description = _("service_code 不存在或已停用：%(c)s") % {
            "c": exc.details.get("code_value", "")
        }
    return Open311Error(_DOMAIN_STATUS.get(exc.code, 400), description)


def open311_view(*methods: str) -> Callable[[View], View]:
    """Allow `methods`; turn refusals into the specification's error format."""

    def wrap(view: View) -> View:
        @functools.wraps(view)
        def wrapped(request: HttpRequest, *args: Any, fmt: Format, **kwargs: Any) -> HttpResponse:
            try:
                if request.method not in methods:
                    raise Open311Error(405, _("不支持此请求方法：%(m)s") % {"m": request.method})
                return view(request, *args, fmt=fmt, **kwargs)
            except Open311Error as exc:
                return render_errors([exc], fmt=fmt)
            except Open311Errors as exc:
                return render_errors(exc.errors, fmt=fmt)
            except WorkOrderError as exc:
                return render_errors([domain_error(exc)], fmt=fmt)

        # Clients post with an api_key, not a session cookie: there is nothing to forge.
        return csrf_exempt(wrapped)

    return wrap


@open311_view("GET")
def discovery(request: HttpRequest, *, fmt: Format) -> HttpResponse:
    base = request.build_absolute_uri(reverse("open311:discovery", kwargs={"fmt": fmt}))
    data = {
        "changeset": CHANGESET,
        "contact": getattr(settings, "GONGZHI_OPEN311_CONTACT", "")
        or _("12345 热线中心接口管理员"),
        "key_service": _("API 密钥由系统管理员签发：请联系接口管理员。"),
        "endpoints": [
            {
                "specification": SPECIFICATION,
                "url": base.rsplit("/", 1)[0] + "/",
                "changeset": CHANGESET,
                "type": "production",
                "formats": ["application/json", "text/xml"],
            }
        ],
    }
    return render(data, fmt=fmt, root="discovery")


@open311_view("GET")
def services(request: HttpRequest, *, fmt: Format) -> HttpResponse:
    schemas.jurisdiction_check(request.GET)
    data = [schemas.service_out(c) for c in schemas.leaf_services(service_categories())]
    return render(data, fmt=fmt, root="services")


@open311_view("GET")
def service_definition(request: HttpRequest, *, service_code: str, fmt: Format) -> HttpResponse:
    schemas.jurisdiction_check(request.GET)
    category = category_for(service_code)
    return render(schemas.service_definition_out(category), fmt=fmt, root="service_definition")


@open311_view("GET", "POST")
def requests(request: HttpRequest, *, fmt: Format) -> HttpResponse:
    if request.method == "POST":
        return _request_create(request, fmt=fmt)
    schemas.jurisdiction_check(request.GET)
    orders = requests_public(schemas.request_filters(request.GET))
    return _render_requests(request, orders, fmt=fmt)


def _request_create(request: HttpRequest, *, fmt: Format) -> HttpResponse:
    key = (request.POST.get("api_key") or request.GET.get("api_key") or "").strip()
    if not key:
        raise Open311Error(403, str(schemas.API_KEY_MISSING))
    api_key = apikey_active(key=key)
    if api_key is None:
        raise Open311Error(403, str(schemas.API_KEY_INVALID))
    schemas.jurisdiction_check(request.POST)
    form = schemas.RequestForm(request.POST, request.FILES)
    if not form.is_complete():
        raise form.open311_errors()
    data = form.cleaned_data
    compound = None
    if data.get("address_id"):
        # Compounds are public geography: any client may name one.
        compound = Compound.objects.filter(pk=data["address_id"]).first()
        if compound is None:
            raise Open311Error(400, _("address_id 不存在：%(a)s") % {"a": data["address_id"]})
    client = api_key.client
    order = workorder_receive(
        by=None,
        channel=client.channel,
        source=client.source,
        idempotency_key=schemas.idempotency_key_of(request, data),
        kind=form.attributes.get("kind", schemas.DEFAULT_KIND),
        urgency=form.attributes.get("urgency", schemas.DEFAULT_URGENCY),
        category=data["service_code"],
        description=schemas.description_with_media(data),
        lng=data.get("long"),
        lat=data.get("lat"),
        address=data.get("address_string") or "",
        compound=compound,
        requester_name=schemas.requester_name(data),
        requester_phone=data.get("phone") or "",
        photos=[data["media"]] if data.get("media") else [],
    )
    apikey_mark_used(api_key=api_key)
    body = schemas.created_out(
        order, token=token_for(order.number), account_id=data.get("account_id")
    )
    return render(body, fmt=fmt, root="service_requests")


@open311_view("GET")
def request_one(request: HttpRequest, *, service_request_id: str, fmt: Format) -> HttpResponse:
    schemas.jurisdiction_check(request.GET)
    orders = requests_public(schemas.RequestFilters([service_request_id], [], None, None, []))
    if not orders:
        raise Open311Error(404, _("service_request_id 不存在：%(n)s") % {"n": service_request_id})
    return _render_requests(request, orders, fmt=fmt)


@open311_view("GET")
def token(request: HttpRequest, *, token: str, fmt: Format) -> HttpResponse:
    schemas.jurisdiction_check(request.GET)
    number = number_from_token(token)
    if number is None or not requests_public(schemas.RequestFilters([number], [], None, None, [])):
        raise Open311Error(404, _("token 不存在：%(t)s") % {"t": token})
    return render(schemas.token_out(number, token), fmt=fmt, root="service_requests")


def _render_requests(request: HttpRequest, orders: list[Any], *, fmt: Format) -> HttpResponse:
    media_base = f"{request.scheme}://{request.get_host()}"
    data = [schemas.request_out(order, media_base=media_base) for order in orders]
    return render(data, fmt=fmt, root="service_requests")
