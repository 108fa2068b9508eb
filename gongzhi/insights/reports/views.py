"""The monthly report downloads (Excel, PDF), the months page that links to them, and the CSV
export of a month's orders with requesters masked.

Who may download what (dashboard/rules.py, over accounts.selectors.person_scope): district
staff and administrators the district and any subdistrict; subdistrict staff their own
subdistrict only (403 for the district or another one); everyone else 403. A month that is not
"YYYY-MM" is a 400 with the reason in the body.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote, urlencode

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseBadRequest,
    StreamingHttpResponse,
)
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from gongzhi.accounts.models import Person
from gongzhi.accounts.selectors import Scope as PersonScope
from gongzhi.accounts.selectors import person_scope
from gongzhi.insights.dashboard import rules
from gongzhi.insights.dashboard.selectors import parse_month
from gongzhi.insights.models import MonthlyLevelRollup
from gongzhi.insights.reports.data import ReportScopeError, monthly_report
from gongzhi.insights.reports.excel import report_workbook
from gongzhi.insights.reports.orders_csv import OrderFilter, csv_chunks
from gongzhi.insights.reports.pdf import report_pdf
from gongzhi.insights.selectors import Scope
from gongzhi.places.models import Subdistrict
from gongzhi.workorders.models import Category, Status

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MONTHS_LISTED = 24


class BadRequest(Exception):
    """An unreadable parameter: the message says which and why."""


def _person(request: HttpRequest) -> Person:
    user: Any = request.user
    return user


def _allowed(request: HttpRequest) -> PersonScope:
    person = _person(request)
    scope = person_scope(person)
    if not rules.has_dashboard(scope, is_superuser=person.is_superuser):
        raise PermissionDenied
    return scope


def _month(raw: str | None) -> dt.date:
    month = parse_month(raw)
    if month is None:
        raise BadRequest(
            _("无法识别月份“%(raw)s”，应为“年-月”，如 2025-10。") % {"raw": (raw or "")[:20]}
        )
    return month


def _int(raw: str | None, name: str) -> int | None:
    raw = (raw or "").strip()
    if not raw:
        return None
    try:
        return int(raw)
    except ValueError:
        raise BadRequest(
            _("参数 %(name)s 应为编号：“%(raw)s”") % {"name": name, "raw": raw[:20]}
        ) from None


def _report_scope(request: HttpRequest) -> Scope:
    """The district, or ?subdistrict=<id>, if the person may see it (403 otherwise)."""
    scope = _allowed(request)
    superuser = _person(request).is_superuser
    subdistrict_id = _int(request.GET.get("subdistrict"), "subdistrict")
    if subdistrict_id is None:
        if not rules.sees_district(scope, is_superuser=superuser):
            raise PermissionDenied
        return Scope.district()
    if not rules.sees_subdistrict(scope, subdistrict_id, is_superuser=superuser):
        raise PermissionDenied
    return Scope(subdistrict_id)


def attachment(filename: str, fallback: str) -> str:
    """Content-Disposition for a zh-hans file name (RFC 6266 / RFC 5987 filename*), with an
    ASCII name for clients that read only `filename`."""
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(filename)}"


def _bad(exc: BadRequest) -> HttpResponse:
    return HttpResponseBadRequest(str(exc), content_type="text/plain; charset=utf-8")


def _download(request: HttpRequest, month: str, kind: str) -> HttpResponse:
    try:
        first = _month(month)
        scope = _report_scope(request)
    except BadRequest as exc:
        return _bad(exc)
    try:
        report = monthly_report(scope, first)
    except ReportScopeError:
        raise Http404 from None
    name = _("%(scope)s月度报告-%(month)s") % {
        "scope": report.scope_name,
        "month": report.month_label,
    }
    suffix = f"-{scope.subdistrict_id}" if scope.subdistrict_id is not None else ""
    fallback = f"gongzhi-report-{report.month_value}{suffix}.{kind}"
    if kind == "xlsx":
        response = HttpResponse(report_workbook(report), content_type=XLSX)
    else:
        response = HttpResponse(report_pdf(report), content_type="application/pdf")
    response["Content-Disposition"] = attachment(f"{name}.{kind}", fallback)
    return response


@login_required
@require_GET
def report_xlsx(request: HttpRequest, month: str) -> HttpResponse:
    return _download(request, month, "xlsx")


@login_required
@require_GET
def report_pdf_view(request: HttpRequest, month: str) -> HttpResponse:
    return _download(request, month, "pdf")


@login_required
@require_GET
def orders_csv(request: HttpRequest) -> HttpResponse | StreamingHttpResponse:
    """?month=YYYY-MM (required) &subdistrict= &category= &status=."""
    try:
        first = _month(request.GET.get("month"))
        scope = _report_scope(request)
        category_id = _int(request.GET.get("category"), "category")
        status = (request.GET.get("status") or "").strip() or None
        if status is not None and status not in Status.values:
            raise BadRequest(_("未知的工单状态：“%(raw)s”") % {"raw": status[:20]})
    except BadRequest as exc:
        return _bad(exc)
    if (
        scope.subdistrict_id is not None
        and not Subdistrict.objects.filter(pk=scope.subdistrict_id).exists()
    ):
        raise Http404
    if category_id is not None and not Category.objects.filter(pk=category_id).exists():
        return _bad(BadRequest(_("未知的类别：%(id)s") % {"id": category_id}))
    f = OrderFilter(
        month=first, subdistrict_id=scope.subdistrict_id, category_id=category_id, status=status
    )
    response = StreamingHttpResponse(csv_chunks(f), content_type="text/csv; charset=utf-8")
    suffix = f"-{scope.subdistrict_id}" if scope.subdistrict_id is not None else ""
    response["Content-Disposition"] = attachment(
        _("工单导出-%(month)s.csv") % {"month": f"{first:%Y-%m}"},
        f"gongzhi-orders-{first:%Y-%m}{suffix}.csv",
    )
    return response


@dataclass(frozen=True)
class MonthLinks:
    value: str
    label: str
    xlsx: str
    pdf: str
    csv: str


def _links(months: list[dt.date], subdistrict_id: int | None) -> list[MonthLinks]:
    query = f"?{urlencode({'subdistrict': subdistrict_id})}" if subdistrict_id else ""
    out = []
    for m in months:
        value = f"{m:%Y-%m}"
        csv_query = {"month": value, **({"subdistrict": subdistrict_id} if subdistrict_id else {})}
        out.append(
            MonthLinks(
                value=value,
                label=_("%(y)d年%(m)d月") % {"y": m.year, "m": m.month},
                xlsx=reverse("insights:report_xlsx", kwargs={"month": value}) + query,
                pdf=reverse("insights:report_pdf", kwargs={"month": value}) + query,
                csv=reverse("insights:orders_csv") + "?" + urlencode(csv_query),
            )
        )
    return out


@login_required
@require_GET
def reports(request: HttpRequest) -> HttpResponse:
    """The months with roll-ups, newest first, with the report and export links for the
    viewer's scope: the district (or a chosen subdistrict) for district staff, their own
    subdistrict for a subdistrict's staff."""
    scope = _allowed(request)
    superuser = _person(request).is_superuser
    district = rules.sees_district(scope, is_superuser=superuser)
    choices = Subdistrict.objects.order_by("code")
    if not district:
        choices = choices.filter(pk__in=scope.subdistrict_ids)
    subdistricts = list(choices.values_list("pk", "name"))
    try:
        chosen = _int(request.GET.get("subdistrict"), "subdistrict")
    except BadRequest as exc:
        return _bad(exc)
    if chosen is not None and chosen not in {pk for pk, _n in subdistricts}:
        raise PermissionDenied
    if chosen is None and not district:
        chosen = rules.home_subdistrict(scope)
    months = list(
        MonthlyLevelRollup.objects.filter(
            level=MonthlyLevelRollup.Level.SUBDISTRICT,
            received__gt=0,
            month__lte=timezone.localdate(),
        )
        .values_list("month", flat=True)
        .distinct()
        .order_by("-month")[:MONTHS_LISTED]
    )
    return render(
        request,
        "insights/reports/reports.html",
        {
            "months": _links(months, chosen),
            "subdistricts": subdistricts,
            "chosen": chosen,
            "sees_district": district,
            "statuses": Status.choices,
            "categories": list(
                Category.objects.filter(parent__isnull=True)
                .order_by("sort_order", "pk")
                .values_list("pk", "name")
            ),
        },
    )
