"""What the hotspot and cluster pages share (未诉先办): who may open them, the list filters, the
orders as shown (masked), and the actions — turn one into a proactive work order or a
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
from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l

from gongzhi.accounts.models import Person
from gongzhi.accounts.selectors import Scope, person_scope
from gongzhi.deliberation.errors import DeliberationError
from gongzhi.insights.hotspots.errors import AlreadyActed, SignalError
from gongzhi.insights.hotspots.models import Signal
from gongzhi.insights.hotspots.rules import can_act_on_signal
from gongzhi.insights.pages.forms import DismissForm, SignalFilterForm, ToOrderForm, ToProposalForm
from gongzhi.insights.pages.rules import can_open_findings
from gongzhi.places.models import Subdistrict
from gongzhi.workorders.errors import WorkOrderError
from gongzhi.workorders.models import Category, WorkOrder
from gongzhi.workorders.privacy import masked_text, requester_masked
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


def person_and_scope(request: HttpRequest) -> tuple[Person, Scope]:
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


def signal_filters(request: HttpRequest, scope: Scope) -> SignalFilterForm:
    return SignalFilterForm(
        request.GET,
        subdistricts=_subdistrict_choices(scope),
        categories=_category_choices(),
    )


def month_label(month: dt.date) -> str:
    return _("%(y)d年%(m)d月") % {"y": month.year, "m": month.month}


def by_category(qs: QuerySet[Any], category_id: int | None) -> QuerySet[Any]:
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


def act(
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


def signal_action(
    request: HttpRequest,
    pk: int,
    action: str,
    *,
    detail: Callable[[Person, int], Any],
    page_for: Callable[..., HttpResponse],
    services: dict[str, Callable[..., Any]],
    argument: str,
    url_name: str,
) -> HttpResponse:
    """The POST of an action on a hotspot or a cluster: the signal as the viewer may see it
    (`detail`), the rule, then `act` with the service for the action, called with the signal
    as `argument`; `page_for(request, person, signal, **kw)` shows the page again."""
    person, _scope = person_and_scope(request)
    if action not in ACTIONS:
        raise Http404
    found = detail(person, pk)
    if found is None:
        raise Http404
    if not can_act_on_signal(person, found):
        raise PermissionDenied

    def page(**kw: Any) -> HttpResponse:
        fresh = detail(person, pk)
        assert fresh is not None
        return page_for(request, person, fresh, **kw)

    return act(
        request,
        signal=found,
        action=action,
        call=lambda data: services[action](**{argument: found}, by=person, **data),
        page=page,
        url=reverse(url_name, args=[pk]),
    )


def action_forms(bound: dict[str, forms.Form] | None) -> list[dict[str, Any]]:
    bound = bound or {}
    return [
        {"name": name, "label": label, "form": bound.get(name) or form_class()}
        for name, (form_class, label) in ACTIONS.items()
    ]


def query_of(request: HttpRequest) -> str:
    q = request.GET.copy()
    q.pop("page", None)
    return q.urlencode()
