"""Hotspots and clusters (未诉先办): the lists with their filters, the pages with the evidence
and the orders behind each, and the actions — turn one into a proactive work order or a
deliberation proposal, or dismiss it — through insights.services.

The actions are plain POST forms (CSRF) answered with a redirect to the page, which then shows
the link to what was created. A second POST of an action already done (a double click, a
resubmitted form) creates nothing: the service refuses it (AlreadyActed) and the page says
what the hotspot already became. Every other refusal is shown on the page with the status the
error deserves, and nothing is written (the services run in one transaction).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l
from django.views.decorators.http import require_GET, require_POST

from gongzhi.accounts.models import Person
from gongzhi.accounts.selectors import Scope, person_scope
from gongzhi.deliberation.errors import DeliberationError
from gongzhi.insights import services
from gongzhi.insights.hotspots.counts import next_month
from gongzhi.insights.hotspots.errors import AlreadyActed, SignalError
from gongzhi.insights.hotspots.models import Cluster, Hotspot, Level, Signal, Window
from gongzhi.insights.hotspots.rules import can_act_on_signal
from gongzhi.insights.hotspots.selectors import (
    cluster_detail,
    cluster_list,
    hotspot_detail,
    hotspot_list,
    hotspot_orders,
    latest_scan,
    visible_clusters,
    visible_hotspots,
)
from gongzhi.insights.pages.chart import hotspot_chart
from gongzhi.insights.pages.forms import DismissForm, SignalFilterForm, ToOrderForm, ToProposalForm
from gongzhi.insights.pages.masking import masked_text
from gongzhi.insights.pages.rules import can_open_findings
from gongzhi.places.models import Subdistrict
from gongzhi.workorders.errors import WorkOrderError
from gongzhi.workorders.models import Category, WorkOrder
from gongzhi.workorders.privacy import requester_masked
from gongzhi.workorders.views.edge import person_of

PAGE_SIZE = 50
ORDERS_SHOWN = 100

ACTIONS: dict[str, tuple[type[forms.Form], Any]] = {
    "order": (ToOrderForm, _l("转为主动治理工单")),
    "proposal": (ToProposalForm, _l("提交议事")),
    "dismiss": (DismissForm, _l("忽略")),
}
DomainError = SignalError | WorkOrderError | DeliberationError


# --- shared ------------------------------------------------------------------------------


def _person_and_scope(request: HttpRequest) -> tuple[Person, Scope]:
    person = person_of(request)
    scope = person_scope(person)
    if not can_open_findings(scope):
        raise PermissionDenied
    return person, scope


def _subdistrict_choices(scope: Scope) -> list[tuple[int, str]]:
    if scope.everything:
        return list(Subdistrict.objects.order_by("code").values_list("pk", "name"))
    if scope.subdistrict_ids:
        return list(
            Subdistrict.objects.filter(pk__in=scope.subdistrict_ids)
            .order_by("code")
            .values_list("pk", "name")
        )
    return []


def _category_choices() -> list[tuple[int, str]]:
    """Top-level categories, each followed by its children ('供暖 · 暖气不热')."""
    rows = list(
        Category.objects.filter(is_active=True)
        .order_by("sort_order", "code")
        .values_list("pk", "name", "parent_id")
    )
    names = {pk: name for pk, name, _p in rows}
    out: list[tuple[int, str]] = []
    for pk, name, parent in rows:
        if parent is None:
            out.append((pk, name))
            out += [(c, f"{name} · {n}") for c, n, p in rows if p == pk]
    out += [(pk, name) for pk, name, parent in rows if parent is not None and parent not in names]
    return out


def _filters(request: HttpRequest, scope: Scope) -> SignalFilterForm:
    return SignalFilterForm(
        request.GET,
        subdistricts=_subdistrict_choices(scope),
        categories=_category_choices(),
    )


def _month_label(month: dt.date) -> str:
    return _("%(y)d年%(m)d月") % {"y": month.year, "m": month.month}


def _by_category(qs: QuerySet[Any], category_id: int | None) -> QuerySet[Any]:
    if category_id is None:
        return qs
    return qs.filter(Q(category_id=category_id) | Q(category__parent_id=category_id))


def order_rows(orders: list[WorkOrder]) -> list[dict[str, Any]]:
    """Orders as the pages show them: requester and text masked."""
    return [
        {
            "order": o,
            "requester": requester_masked(o),
            "text": masked_text(o.description, name=o.requester_name),
        }
        for o in orders
    ]


def _error_status(exc: DomainError) -> int:
    if exc.code == "not_permitted":
        return 403
    if exc.code in ("already_acted", "dismissed", "transition_not_allowed", "step_not_allowed"):
        return 409
    return 400


def _outcome(signal: Signal, action: str) -> str:
    """What the signal already became, for the second POST of an action."""
    if action == "order" and signal.work_order is not None:
        return _("已转为主动治理工单 %(number)s，未重复创建。") % {
            "number": signal.work_order.number
        }
    if action == "proposal" and signal.proposal is not None:
        return _("已提交议事（%(title)s），未重复提交。") % {"title": signal.proposal.title}
    return ""


def _done(result: Any, action: str) -> str:
    if action == "order":
        return _("已转为主动治理工单 %(number)s。") % {"number": result.number}
    if action == "proposal":
        return _("已提交议事：%(title)s。") % {"title": result.title}
    return _("已忽略。")


def _act(
    request: HttpRequest,
    *,
    signal: Signal,
    action: str,
    call: Callable[[dict[str, Any]], Any],
    page: Callable[..., HttpResponse],
    url: str,
) -> HttpResponse:
    """Validate the action's form, call the service, redirect with the outcome (or show the
    page again with the error and its status; nothing written)."""
    form_class, label = ACTIONS[action]
    form = form_class(request.POST)
    if not form.is_valid():
        return page(
            status=400,
            bound={action: form},
            action_error=_("%(action)s：请检查填写的内容。") % {"action": label},
        )
    try:
        result = call(form.cleaned_data)
    except AlreadyActed as exc:
        signal.refresh_from_db()
        already = _outcome(signal, action)
        if already:
            messages.info(request, already)
            return redirect(url)
        return page(status=_error_status(exc), action_error=f"{label}：{exc.message}")
    except (SignalError, WorkOrderError, DeliberationError) as exc:
        return page(
            status=_error_status(exc), bound={action: form}, action_error=f"{label}：{exc.message}"
        )
    messages.success(request, _done(result, action))
    return redirect(url)


def _action_forms(bound: dict[str, forms.Form] | None) -> list[dict[str, Any]]:
    bound = bound or {}
    return [
        {"name": name, "label": label, "form": bound.get(name) or form_class()}
        for name, (form_class, label) in ACTIONS.items()
    ]


# --- hotspots ----------------------------------------------------------------------------


@login_required
@require_GET
def hotspots(request: HttpRequest) -> HttpResponse:
    """The month's hotspots the person may see, strongest first (smallest p-value)."""
    person, scope = _person_and_scope(request)
    form = _filters(request, scope)
    context: dict[str, Any] = {"form": form, "tab": "hotspots"}
    if not form.is_valid():
        return render(request, "insights/pages/hotspots.html", context, status=400)
    data = form.cleaned_data
    # The month asked for, else the month of the latest scan (the hotspots last looked for).
    asked: dt.date | None = data["month"].replace(day=1) if data["month"] else None
    scan = latest_scan(window=Window.MONTH, period_start=asked)
    month = asked or (scan.period_start if scan else timezone.localdate().replace(day=1))
    qs = hotspot_list(
        person,
        period_start=month,
        subdistrict_id=data["subdistrict"],
        status=data["status"] or None,
    )
    page = Paginator(_by_category(qs, data["category"]), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    context.update(
        page=page,
        month=month,
        month_label=_month_label(month),
        month_value=f"{month:%Y-%m}",
        scan=scan,
        query=_query(request),
    )
    return render(request, "insights/pages/hotspots.html", context)


def _query(request: HttpRequest) -> str:
    q = request.GET.copy()
    q.pop("page", None)
    return q.urlencode()


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
        "actions": _action_forms(bound),
        "action_error": action_error,
        "action_url_name": "insights:hotspot_action",
    }
    return render(request, "insights/pages/hotspot.html", context, status=status)


@login_required
@require_GET
def hotspot(request: HttpRequest, pk: int) -> HttpResponse:
    person, _scope = _person_and_scope(request)
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
    person, _scope = _person_and_scope(request)
    if action not in ACTIONS:
        raise Http404
    found = hotspot_detail(person, pk)
    if found is None:
        raise Http404
    if not can_act_on_signal(person, found):
        raise PermissionDenied

    def page(**kw: Any) -> HttpResponse:
        fresh = hotspot_detail(person, pk)
        assert fresh is not None
        return _hotspot_page(request, person, fresh, **kw)

    return _act(
        request,
        signal=found,
        action=action,
        call=lambda data: _HOTSPOT_SERVICES[action](hotspot=found, by=person, **data),
        page=page,
        url=reverse("insights:hotspot", args=[pk]),
    )


# --- clusters ----------------------------------------------------------------------------


@login_required
@require_GET
def clusters(request: HttpRequest) -> HttpResponse:
    """The month's clusters of similar orders the person may see, largest first."""
    person, scope = _person_and_scope(request)
    form = _filters(request, scope)
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
    page = Paginator(_by_category(qs, data["category"]), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
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
        month_label=_month_label(month),
        month_value=f"{month:%Y-%m}",
        query=_query(request),
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
        "actions": _action_forms(bound),
        "action_error": action_error,
        "action_url_name": "insights:cluster_action",
    }
    return render(request, "insights/pages/cluster.html", context, status=status)


@login_required
@require_GET
def cluster(request: HttpRequest, pk: int) -> HttpResponse:
    person, _scope = _person_and_scope(request)
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
    person, _scope = _person_and_scope(request)
    if action not in ACTIONS:
        raise Http404
    found = cluster_detail(person, pk)
    if found is None:
        raise Http404
    if not can_act_on_signal(person, found):
        raise PermissionDenied

    def page(**kw: Any) -> HttpResponse:
        fresh = cluster_detail(person, pk)
        assert fresh is not None
        return _cluster_page(request, person, fresh, **kw)

    return _act(
        request,
        signal=found,
        action=action,
        call=lambda data: _CLUSTER_SERVICES[action](cluster=found, by=person, **data),
        page=page,
        url=reverse("insights:cluster", args=[pk]),
    )
