"""The cluster pages: orders of one place, category and window whose texts are near-duplicates
(thirty heating complaints from one compound are one problem), with the same actions as a
hotspot's (signals.py)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from gongzhi.accounts.models import Person
from gongzhi.insights import services
from gongzhi.insights.hotspots.counts import next_month
from gongzhi.insights.hotspots.models import Cluster, Level
from gongzhi.insights.hotspots.rules import can_act_on_signal
from gongzhi.insights.hotspots.selectors import (
    cluster_detail,
    cluster_list,
    visible_clusters,
    visible_hotspots,
)
from gongzhi.insights.pages.signals import (
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
from gongzhi.workorders.privacy import masked_text


@login_required
@require_GET
def clusters(request: HttpRequest) -> HttpResponse:
    """The month's clusters of similar orders the person may see, largest first."""
    person, scope = person_and_scope(request)
    form = signal_filters(request, scope)
    context: dict[str, Any] = {"form": form, "tab": "clusters"}
    if not form.is_valid():
        return render(request, "insights/pages/clusters.html", context, status=400)
    data = form.cleaned_data
    month = form.month_or(timezone.localdate())
    if data["month"] is None:
        latest = visible_clusters(person).order_by("-period_start").values("period_start").first()
        if latest is not None:
            month = latest["period_start"].replace(day=1)
    qs = cluster_list(person, subdistrict_id=data["subdistrict"], status=data["status"] or None)
    qs = qs.filter(period_start__gte=month, period_start__lt=next_month(month))
    page = Paginator(by_category(qs, data["category"]), PAGE_SIZE).get_page(request.GET.get("page"))
    rows = [
        {
            "cluster": c,
            "text": masked_text(c.representative.description, name=c.representative.requester_name),
        }
        for c in page.object_list
    ]
    context.update(
        page=page,
        rows=rows,
        month=month,
        month_label=month_label(month),
        month_value=f"{month:%Y-%m}",
        query=query_of(request),
    )
    return render(request, "insights/pages/clusters.html", context)


def _cluster_page(
    request: HttpRequest,
    person: Person,
    cluster: Cluster,
    *,
    status: int = 200,
    bound: dict[str, forms.Form] | None = None,
    action_error: str = "",
) -> HttpResponse:
    members = sorted(cluster.members.all(), key=lambda m: (m.order.received_at, m.order_id))
    rows = order_rows([m.order for m in members])
    for row, member in zip(rows, members, strict=True):
        row["similarity"] = member.similarity
    hotspots_here = visible_hotspots(person).filter(
        category_id=cluster.category_id,
        period_start__lt=cluster.period_end,
        period_end__gt=cluster.period_start,
        community_id=cluster.community_id,
    )
    if cluster.compound_id is not None:
        hotspots_here = hotspots_here.filter(
            Q(compound_id=cluster.compound_id) | Q(level=Level.COMMUNITY)
        )
    context = {
        "tab": "clusters",
        "cluster": cluster,
        "signal": cluster,
        "kind": "cluster",
        "representative": masked_text(
            cluster.representative.description, name=cluster.representative.requester_name
        ),
        "orders": rows,
        "hotspots": list(hotspots_here.order_by("p_value", "pk")),
        "events": list(cluster.events.all()),
        "can_act": can_act_on_signal(person, cluster),
        "actions": action_forms(bound),
        "action_error": action_error,
        "action_url_name": "insights:cluster_action",
    }
    return render(request, "insights/pages/cluster.html", context, status=status)


@login_required
@require_GET
def cluster(request: HttpRequest, pk: int) -> HttpResponse:
    person, _scope = person_and_scope(request)
    found = cluster_detail(person, pk)
    if found is None:
        raise Http404
    return _cluster_page(request, person, found)


_CLUSTER_SERVICES: dict[str, Callable[..., Any]] = {
    "order": services.cluster_to_proactive_order,
    "proposal": services.cluster_to_proposal,
    "dismiss": services.cluster_dismiss,
}


@login_required
@require_POST
def cluster_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    return signal_action(
        request,
        pk,
        action,
        detail=cluster_detail,
        page_for=_cluster_page,
        services=_CLUSTER_SERVICES,
        argument="cluster",
        url_name="insights:cluster",
    )
