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

from gongzhi.open311.responses import Format, Open311Error, Open311Errors, render, render_errors

SPECIFICATION = "http://wiki.open311.org/GeoReport_v2"
# Changed when the shape of this API changes.
CHANGESET = "2025-11-22T00:00:00+08:00"

View = Callable[..., HttpResponse]


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
