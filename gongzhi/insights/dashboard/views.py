"""The leaders' dashboards: district → subdistrict → community → the community's orders of the
month → the order page (workorders). Every figure comes from the monthly roll-ups
(insights.selectors, rankings, dashboard/selectors.py); only the order list reads orders, one
page at a time. Who may see what: dashboard/rules.py.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from gongzhi.accounts.models import Person
from gongzhi.accounts.selectors import Scope as PersonScope
from gongzhi.accounts.selectors import person_scope
from gongzhi.insights.dashboard import rules
from gongzhi.insights.dashboard import selectors as dash
from gongzhi.insights.dashboard.charts import RATE_SERIES, category_chart, trend_chart
from gongzhi.insights.hotspots.selectors import hotspot_counts_by_community
from gongzhi.insights.rankings import By, RankingRow, ranking
from gongzhi.insights.selectors import DashboardSummary, Scope, dashboard_summary
from gongzhi.places.models import Community, Subdistrict
from gongzhi.workorders.models import Status
from gongzhi.workorders.privacy import requester_masked

ORDERS_PER_PAGE = 25
BY_LABELS = {str(key): label for key, label, _color in RATE_SERIES}


# --- access --------------------------------------------------------------------------------


def _person(request: HttpRequest) -> Person:
    user: Any = request.user
    return user


def _scope(request: HttpRequest) -> PersonScope:
    """The person's scope; 403 for anyone without a dashboard."""
    person = _person(request)
    scope = person_scope(person)
    if not rules.has_dashboard(scope, is_superuser=person.is_superuser):
        raise PermissionDenied
    return scope


def _sees_district(request: HttpRequest, scope: PersonScope) -> bool:
    return rules.sees_district(scope, is_superuser=_person(request).is_superuser)


def _subdistrict_for(request: HttpRequest, scope: PersonScope, pk: int) -> Subdistrict:
    """The subdistrict if the person's dashboards include it; 404 otherwise (absent and
    out of scope are not told apart)."""
    if not rules.sees_subdistrict(scope, pk, is_superuser=_person(request).is_superuser):
        raise Http404
    try:
        return Subdistrict.objects.get(pk=pk)
    except Subdistrict.DoesNotExist:
        raise Http404 from None


def _community_for(request: HttpRequest, scope: PersonScope, pk: int) -> Community:
    try:
        community = Community.objects.select_related("subdistrict").get(pk=pk)
    except Community.DoesNotExist:
        raise Http404 from None
    if not rules.sees_subdistrict(
        scope, community.subdistrict_id, is_superuser=_person(request).is_superuser
    ):
        raise Http404
    return community


# --- the month -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Month:
    first: dt.date
    note: str  # why the asked-for month is not the one shown ("" when it is)

    @property
    def value(self) -> str:
        return f"{self.first:%Y-%m}"

    @property
    def label(self) -> str:
        return _("%(y)d年%(m)d月") % {"y": self.first.year, "m": self.first.month}


def _month(request: HttpRequest) -> Month:
    """?month=YYYY-MM; without it, or when it cannot be read or lies in the future, the last
    complete month with data, and a note saying why."""
    today = timezone.localdate()
    raw = request.GET.get("month", "").strip()
    note = ""
    if raw:
        asked = dash.parse_month(raw)
        if asked is None:
            note = _("无法识别月份“%(raw)s”，应为“年-月”，如 2025-10。") % {"raw": raw[:20]}
        elif asked > today.replace(day=1):
            note = _("%(raw)s 尚未到来，没有数据。") % {"raw": raw[:20]}
        else:
            return Month(asked, "")
    first = dash.default_month(today)
    if note:
        note += " " + _("已显示%(y)d年%(m)d月。") % {"y": first.year, "m": first.month}
    return Month(first, note)


def _with_month(url: str, month: Month, **extra: Any) -> str:
    query = {"month": month.value, **{k: v for k, v in extra.items() if v not in (None, "")}}
    return f"{url}?{urlencode(query)}"


def _optional_url(name: str, **kwargs: Any) -> str | None:
    """A link to a page another part of insights provides, once it exists."""
    try:
        return reverse(name, kwargs=kwargs or None)
    except NoReverseMatch:
        return None


def _report_links(month: Month, subdistrict_id: int | None) -> list[tuple[str, str, str]]:
    """The monthly report (Excel, PDF) and the masked CSV of the month's orders, for the
    shown month and scope (reports/)."""
    scope = {"subdistrict": subdistrict_id} if subdistrict_id is not None else {}
    links = []
    for name, kind, label in (
        ("insights:report_xlsx", "xlsx", _("下载月度报告（Excel）")),
        ("insights:report_pdf", "pdf", _("下载月度报告（PDF）")),
    ):
        url = _optional_url(name, month=month.value)
        if url is not None:
            links.append((kind, label, f"{url}?{urlencode(scope)}" if scope else url))
    csv = _optional_url("insights:orders_csv")
    if csv is not None:
        query = urlencode({"month": month.value, **scope})
        links.append(("csv", _("导出本月工单（CSV，已脱敏）"), f"{csv}?{query}"))
    return links


# --- figures -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Headline:
    key: str
    label: str
    value: str
    delta: str  # the change on last month, signed ("" when either month has none)
    trend: str  # "up", "down", "same" or ""


def _signed(delta: float, unit: str = "") -> str:
    """+3, -1.5个百分点; 持平 (no change)."""
    if not delta:
        return _("持平")
    text = f"{delta:+.2f}".rstrip("0").rstrip(".") if isinstance(delta, float) else f"{delta:+d}"
    return text + unit


def _headlines(summary: DashboardSummary, hotspots: int | None) -> list[Headline]:
    now, before = summary.totals, summary.previous
    received, received_before = now.counts["received"], before.counts["received"]
    items = [
        Headline(
            "orders",
            _("受理工单"),
            f"{received:,}",
            _signed(received - received_before) if received_before else "",
            "up"
            if received > received_before
            else "down"
            if received < received_before
            else "same",
        )
    ]
    for key, label, _color in RATE_SERIES:
        v, b = getattr(now.rates, key), getattr(before.rates, key)
        unit = "" if key == "composite" else "%"
        delta = round(v - b, 2) if v is not None and b is not None else None
        items.append(
            Headline(
                key,
                str(label),
                f"{v:.2f}{unit}" if v is not None else "—",
                _signed(float(delta), "" if key == "composite" else _("个百分点"))
                if delta is not None
                else "",
                ("up" if delta > 0 else "down" if delta < 0 else "same")
                if delta is not None
                else "",
            )
        )
    if hotspots is not None:
        items.append(Headline("hotspots", _("超出控制限的热点"), str(hotspots), "", ""))
    return items


@dataclass(frozen=True)
class RankingLine:
    row: RankingRow
    url: str


def _ranking_lines(rows: list[RankingRow], url_name: str, month: Month) -> list[RankingLine]:
    return [RankingLine(r, _with_month(reverse(url_name, args=[r.key]), month)) for r in rows]


def _by(request: HttpRequest) -> str:
    raw = request.GET.get("by", "")
    return raw if raw in {b.value for b in By} else By.COMPOSITE.value


@dataclass(frozen=True)
class Crumb:
    name: str
    url: str | None


def _months_nav(month: Month, request: HttpRequest) -> dict[str, str | None]:
    this = timezone.localdate().replace(day=1)
    before = (month.first - dt.timedelta(days=1)).replace(day=1)
    after = dash.next_month(month.first)
    keep = {k: v for k, v in request.GET.items() if k not in ("month", "page")}
    return {
        "previous_url": "?" + urlencode({**keep, "month": f"{before:%Y-%m}"}),
        "next_url": "?" + urlencode({**keep, "month": f"{after:%Y-%m}"}) if after <= this else None,
        "max": f"{this:%Y-%m}",
    }


def _rate_steps() -> list[float]:
    """The map's four colour steps of a rate: the grades' thresholds (治理类 below, 整改
    below, halfway to 先进, 先进 from)."""
    govern = settings.GONGZHI_INSIGHTS_GOVERN_BELOW
    rectify = settings.GONGZHI_INSIGHTS_RECTIFY_BELOW
    advanced = settings.GONGZHI_INSIGHTS_ADVANCED_MIN
    return [govern, rectify, round((rectify + advanced) / 2, 1), advanced]


def _render(
    request: HttpRequest,
    *,
    level: str,
    place: Subdistrict | Community | None,
    month: Month,
    summary: DashboardSummary,
    categories: list[dash.CategoryFigures],
    hotspots: int | None,
    crumbs: list[Crumb],
    map_config: dict[str, Any],
    ranking_lines: list[RankingLine] | None = None,
    by: str = By.COMPOSITE.value,
    orders_url: str | None = None,
    report_subdistrict: int | None = None,
    switch: list[Crumb] | None = None,
) -> HttpResponse:
    hotspots_url = _optional_url("insights:hotspots")
    context = {
        "switch": switch or [],
        "level": level,
        "place": place,
        "month": month,
        "months_nav": _months_nav(month, request),
        "summary": summary,
        "headlines": _headlines(summary, hotspots),
        "trend": trend_chart(summary.trend),
        "categories": category_chart(categories),
        "crumbs": crumbs,
        "map": {
            **map_config,
            "tile_url": settings.GONGZHI_TILE_URL,
            "tile_attribution": settings.GONGZHI_TILE_ATTRIBUTION,
            "rate_steps": " ".join(f"{step:g}" for step in _rate_steps()),
        },
        "ranking": ranking_lines,
        "by": by,
        "by_label": BY_LABELS.get(by, ""),
        "by_choices": [(str(k), str(label)) for k, label, _c in RATE_SERIES],
        "orders_url": orders_url,
        "reports": _report_links(month, report_subdistrict),
        "hotspots_url": _with_month(hotspots_url, month, subdistrict=report_subdistrict)
        if hotspots_url
        else None,
        "reports_url": _optional_url("insights:reports"),
        "as_of": summary.as_of,
        "nav_current": reverse("insights:dashboard"),
    }
    return render(request, "insights/dashboard/dashboard.html", context)


# --- pages ---------------------------------------------------------------------------------


@login_required
@require_GET
def district(request: HttpRequest) -> HttpResponse:
    """The district's month: headline figures, map, trend and category charts, and the
    subdistricts' ranking. Subdistrict staff are sent to their own subdistrict."""
    scope = _scope(request)
    if not _sees_district(request, scope):
        home = rules.home_subdistrict(scope)
        url = reverse("insights:subdistrict", args=[home])
        query = request.GET.urlencode()
        return redirect(f"{url}?{query}" if query else url)
    month, by = _month(request), _by(request)
    summary = dashboard_summary(Scope.district(), month.first)
    rows = ranking("subdistrict", month.first, by=by)
    return _render(
        request,
        level="district",
        place=None,
        month=month,
        summary=summary,
        categories=dash.top_categories(month.first),
        hotspots=dash.flagged_hotspots(_person(request), month.first),
        crumbs=[Crumb(_("朝阳区"), None)],
        map_config={
            "geo_url": reverse("places:geo_subdistricts"),
            "values_url": _with_month(reverse("insights:map_values"), month),
            "focus": "",
        },
        ranking_lines=_ranking_lines(rows, "insights:subdistrict", month),
        by=by,
    )


@login_required
@require_GET
def subdistrict(request: HttpRequest, pk: int) -> HttpResponse:
    """A subdistrict's month, with its communities' ranking."""
    scope = _scope(request)
    place = _subdistrict_for(request, scope, pk)
    month, by = _month(request), _by(request)
    summary = dashboard_summary(Scope(place.pk), month.first)
    rows = ranking("community", month.first, by=by, within=place.pk)
    district_url = (
        _with_month(reverse("insights:dashboard"), month)
        if _sees_district(request, scope)
        else None
    )
    return _render(
        request,
        level="subdistrict",
        place=place,
        month=month,
        summary=summary,
        categories=dash.top_categories(month.first, subdistrict_id=place.pk),
        hotspots=dash.flagged_hotspots(_person(request), month.first, subdistrict_id=place.pk),
        crumbs=[Crumb(_("朝阳区"), district_url), Crumb(place.name, None)],
        map_config={
            "geo_url": reverse("places:geo_communities")
            + "?"
            + urlencode({"subdistrict": place.pk}),
            "values_url": _with_month(reverse("insights:map_values"), month, subdistrict=place.pk),
            "focus": "",
        },
        ranking_lines=_ranking_lines(rows, "insights:community", month),
        by=by,
        report_subdistrict=place.pk,
        switch=_own_subdistricts(scope, place, month) if district_url is None else None,
    )


def _own_subdistricts(scope: PersonScope, current: Subdistrict, month: Month) -> list[Crumb]:
    """For staff of several subdistricts (who have no district page): each of theirs, to
    switch between them (the one shown has no link). Empty for staff of one."""
    if len(scope.subdistrict_ids) < 2:
        return []
    return [
        Crumb(
            s.name,
            None
            if s.pk == current.pk
            else _with_month(reverse("insights:subdistrict", args=[s.pk]), month),
        )
        for s in Subdistrict.objects.filter(pk__in=scope.subdistrict_ids).order_by("name")
    ]


@login_required
@require_GET
def community(request: HttpRequest, pk: int) -> HttpResponse:
    """A community's month; its orders are one click further."""
    scope = _scope(request)
    place = _community_for(request, scope, pk)
    month = _month(request)
    summary = dash.community_summary(place, month.first)
    district_url = (
        _with_month(reverse("insights:dashboard"), month)
        if _sees_district(request, scope)
        else None
    )
    hotspots = hotspot_counts_by_community(_person(request), period_start=month.first)
    return _render(
        request,
        level="community",
        place=place,
        month=month,
        summary=summary,
        categories=dash.top_categories(month.first, community_id=place.pk),
        hotspots=hotspots.get(place.pk, 0),
        crumbs=[
            Crumb(_("朝阳区"), district_url),
            Crumb(
                place.subdistrict.name,
                _with_month(reverse("insights:subdistrict", args=[place.subdistrict_id]), month),
            ),
            Crumb(place.name, None),
        ],
        map_config={
            "geo_url": reverse("places:geo_communities")
            + "?"
            + urlencode({"subdistrict": place.subdistrict_id}),
            "values_url": _with_month(
                reverse("insights:map_values"), month, subdistrict=place.subdistrict_id
            ),
            "focus": str(place.pk),
        },
        orders_url=_with_month(reverse("insights:community_orders", args=[place.pk]), month),
        report_subdistrict=place.subdistrict_id,
    )


@login_required
@require_GET
def community_orders(request: HttpRequest, pk: int) -> HttpResponse:
    """The community's orders received in the month, newest first, 25 a page, filtered by
    category and status; requesters masked. Each links to the order page."""
    scope = _scope(request)
    place = _community_for(request, scope, pk)
    month = _month(request)
    categories = dash.month_categories(month.first, place.pk)
    category_id: int | None = None
    raw_category = request.GET.get("category", "")
    if raw_category.isdigit():
        category_id = int(raw_category)
    statuses = dict(Status.choices)
    status = request.GET.get("status", "")
    if status not in statuses:
        status = ""
    orders = dash.community_orders(
        _person(request), place.pk, month.first, category_id=category_id, status=status or None
    )
    page = Paginator(orders, ORDERS_PER_PAGE).get_page(request.GET.get("page"))
    rows = [(order, requester_masked(order)) for order in page.object_list]
    district_url = (
        _with_month(reverse("insights:dashboard"), month)
        if _sees_district(request, scope)
        else None
    )
    query = urlencode(
        {
            "month": month.value,
            **({"category": category_id} if category_id else {}),
            **({"status": status} if status else {}),
        }
    )
    context = {
        "place": place,
        "month": month,
        "months_nav": _months_nav(month, request),
        "categories": categories,
        "category_id": category_id,
        "statuses": list(statuses.items()),
        "status": status,
        "page": page,
        "rows": rows,
        "query": query,
        "crumbs": [
            Crumb(_("朝阳区"), district_url),
            Crumb(
                place.subdistrict.name,
                _with_month(reverse("insights:subdistrict", args=[place.subdistrict_id]), month),
            ),
            Crumb(place.name, _with_month(reverse("insights:community", args=[place.pk]), month)),
            Crumb(_("工单"), None),
        ],
        "nav_current": reverse("insights:dashboard"),
    }
    return render(request, "insights/dashboard/orders.html", context)


@login_required
@require_GET
def map_values(request: HttpRequest) -> JsonResponse:
    """The map's figures: every subdistrict (or, with ?subdistrict=, its communities) with the
    month's orders, rates and flagged hotspots. The shapes come from the places' GeoJSON."""
    scope = _scope(request)
    month = dash.parse_month(request.GET.get("month"))
    if month is None:
        return JsonResponse({"error": _("month 参数应为“年-月”，如 2025-10。")}, status=400)
    raw = request.GET.get("subdistrict", "")
    subdistrict_id: int | None = None
    if raw:
        if not raw.isdigit():
            return JsonResponse({"error": _("subdistrict 参数应为编号。")}, status=400)
        subdistrict_id = _subdistrict_for(request, scope, int(raw)).pk
    elif not _sees_district(request, scope):
        raise PermissionDenied
    areas = dash.map_areas(_person(request), month, subdistrict_id=subdistrict_id)
    drill = "insights:community" if subdistrict_id else "insights:subdistrict"
    return JsonResponse(
        {
            "month": f"{month:%Y-%m}",
            "level": "community" if subdistrict_id else "subdistrict",
            "generated": any(a.generated for a in areas),
            "areas": [
                {
                    **a.as_dict(),
                    "url": reverse(drill, args=[a.id])
                    + "?"
                    + urlencode({"month": f"{month:%Y-%m}"}),
                }
                for a in areas
            ],
        }
    )
