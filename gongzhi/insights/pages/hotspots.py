"""The hotspot pages (未诉先办): the month's hotspots strongest first, and a hotspot's page with
the evidence that raised it (an SVG series against its band), the orders behind it, its
clusters and the actions (signals.py)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from gongzhi.accounts.models import Person
from gongzhi.insights import services
from gongzhi.insights.hotspots.models import Cluster, Hotspot, Level, SignalStatus, Window
from gongzhi.insights.hotspots.rules import can_act_on_signal
from gongzhi.insights.hotspots.selectors import (
    hotspot_detail,
    hotspot_list,
    hotspot_orders,
    latest_scan,
    visible_clusters,
)
from gongzhi.insights.pages.chart import hotspot_chart
from gongzhi.insights.pages.signals import (
    ORDERS_SHOWN,
    PAGE_SIZE,
    action_forms,
    by_category,
    month_label,
    order_rows,
    person_and_scope,
    query_of,
    signal_action,
    signal_filters,
)


@login_required
@require_GET
def hotspots(request: HttpRequest) -> HttpResponse:
    """The month's hotspots the person may see, strongest first (smallest p-value)."""
    person, scope = person_and_scope(request)
    form = signal_filters(request, scope)
    context: dict[str, Any] = {"form": form, "tab": "hotspots"}
    if not form.is_valid():
        return render(request, "insights/pages/hotspots.html", context, status=400)
    data = form.cleaned_data
    # The month asked for, else the month of the latest scan (the hotspots last looked for).
    asked: dt.date | None = data["month"].replace(day=1) if data["month"] else None
    scan = latest_scan(window=Window.MONTH, period_start=asked)
    month = asked or (scan.period_start if scan else timezone.localdate().replace(day=1))
    status = data["status"] or None
    qs = hotspot_list(
        person,
        period_start=month,
        subdistrict_id=data["subdistrict"],
        status=status,
        # Asked for the open ones: all nobody has acted on yet, also those that fell back
        # under their limit at the last scan (badged 已回落), not only those still above it.
        include_fallen=status == SignalStatus.OPEN,
    )
    page = Paginator(by_category(qs, data["category"]), PAGE_SIZE).get_page(request.GET.get("page"))
    context.update(
        page=page,
        month=month,
        month_label=month_label(month),
        month_value=f"{month:%Y-%m}",
        scan=scan,
        query=query_of(request),
    )
    return render(request, "insights/pages/hotspots.html", context)


def _hotspot_clusters(person: Person, hotspot: Hotspot) -> list[Cluster]:
    qs = visible_clusters(person).filter(
        category_id=hotspot.category_id,
        period_start__lt=hotspot.period_end,
        period_end__gt=hotspot.period_start,
    )
    if hotspot.level == Level.COMPOUND and hotspot.compound_id is not None:
        qs = qs.filter(compound_id=hotspot.compound_id)
    else:
        qs = qs.filter(community_id=hotspot.community_id)
    return list(qs.order_by("-size", "pk"))


def _hotspot_page(
    request: HttpRequest,
    person: Person,
    hotspot: Hotspot,
    *,
    status: int = 200,
    bound: dict[str, forms.Form] | None = None,
    action_error: str = "",
) -> HttpResponse:
    orders_qs = hotspot_orders(hotspot)
    orders = list(orders_qs[: ORDERS_SHOWN + 1])
    evidence = hotspot.evidence or {}
    context = {
        "tab": "hotspots",
        "hotspot": hotspot,
        "signal": hotspot,
        "kind": "hotspot",
        "chart": hotspot_chart(hotspot),
        "evidence": evidence,
        "share_pct": round(100 * float(evidence["share"]), 2) if evidence.get("share") else None,
        "period_last": hotspot.period_end - dt.timedelta(days=1),
        "orders": order_rows(orders[:ORDERS_SHOWN]),
        "orders_more": len(orders) > ORDERS_SHOWN,
        "orders_total": orders_qs.count() if len(orders) > ORDERS_SHOWN else len(orders),
        "clusters": _hotspot_clusters(person, hotspot),
        "events": list(hotspot.events.all()),
        "can_act": can_act_on_signal(person, hotspot),
        "actions": action_forms(bound),
        "action_error": action_error,
        "action_url_name": "insights:hotspot_action",
    }
    return render(request, "insights/pages/hotspot.html", context, status=status)


@login_required
@require_GET
def hotspot(request: HttpRequest, pk: int) -> HttpResponse:
    person, _scope = person_and_scope(request)
    found = hotspot_detail(person, pk)
    if found is None:
        raise Http404
    return _hotspot_page(request, person, found)


_HOTSPOT_SERVICES: dict[str, Callable[..., Any]] = {
    "order": services.hotspot_to_proactive_order,
    "proposal": services.hotspot_to_proposal,
    "dismiss": services.hotspot_dismiss,
}


@login_required
@require_POST
def hotspot_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    return signal_action(
        request,
        pk,
        action,
        detail=hotspot_detail,
        page_for=_hotspot_page,
        services=_HOTSPOT_SERVICES,
        argument="hotspot",
        url_name="insights:hotspot",
    )
