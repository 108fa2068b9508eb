"""The hotline centre's desks: the dispatcher's (orders awaiting dispatch, extension requests)
and the callback desk (resolved orders awaiting a callback). Each card's form calls the same
action the order page offers (views.actions.SPECS): one service per action."""

from __future__ import annotations

import json
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from gongzhi.dispatch.selectors import desk_advice, with_advice
from gongzhi.workorders import rules
from gongzhi.workorders.errors import NotFound, WorkOrderError
from gongzhi.workorders.forms import (
    CallbackForm,
    DeclineForm,
    DispatchForm,
    ExtensionDecisionForm,
    MergeForm,
)
from gongzhi.workorders.forms.actions import unit_choices_for
from gongzhi.workorders.forms.fields import CategoryIndex, category_index
from gongzhi.workorders.matrix import Place, suggestions_for
from gongzhi.workorders.models import EventKind, Status, WorkOrder, WorkOrderEvent
from gongzhi.workorders.privacy import requester_masked
from gongzhi.workorders.selectors import (
    callback_desk,
    dispatcher_desk,
    extension_desk,
    order_get_for,
)
from gongzhi.workorders.transitions import Action
from gongzhi.workorders.views.actions import SPECS
from gongzhi.workorders.views.edge import error_text, person_of

PAGE_SIZE = 10


def _require(request: HttpRequest, action: Action) -> None:
    """The desk is for those whose role the domain's rule table names for its action."""
    roles = rules.DESK_ACTIONS[action]
    if not any(role in roles for role, _u, _unit in rules.memberships_of(person_of(request))):
        raise PermissionDenied


def _query(request: HttpRequest) -> str:
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()


# --- Dispatcher's desk ---------------------------------------------------------------------


def _dispatch_card(
    order: WorkOrder,
    *,
    categories: CategoryIndex | None = None,
    **extra: Any,
) -> dict[str, Any]:
    """One order's card. `categories` is the page's category list, shared by its cards; the
    units come from the configuration snapshot (no query per card)."""
    place = Place(order.compound_id, order.community_id, order.subdistrict_id)
    suggestions = suggestions_for(order.category, place)
    best = suggestions[0] if suggestions else None
    initial: dict[str, Any] = {"category": order.category.code}
    if best:
        initial.update({"lead": best.lead.pk, "assisting": [u.pk for u in best.assisting]})
    returns = getattr(order, "returns", [])
    categories = categories or category_index()
    return {
        "order": order,
        # Dispatch intelligence: the intake's suggestion, ready to accept, and likely duplicates.
        "advice": desk_advice(order, labels=categories.names),
        "suggestions": [
            {
                "lead": s.lead,
                "assisting": s.assisting,
                "note": s.reason,
                "fill": json.dumps(
                    {"lead": str(s.lead.pk), "assisting": [str(u.pk) for u in s.assisting]}
                ),
            }
            for s in suggestions
        ],
        "suggestion_missing": _("权责清单没有匹配的承办单位，请人工选择。") if not best else "",
        "return_note": returns[-1].note if returns else "",
        "dispatch_form": extra.pop("dispatch_form", None)
        or DispatchForm(
            initial=initial,
            categories=categories,
            unit_choices=unit_choices_for(
                place, [u for s in suggestions for u in (s.lead, *s.assisting)]
            ),
        ),
        "merge_form": extra.pop("merge_form", None) or MergeForm(),
        "decline_form": extra.pop("decline_form", None) or DeclineForm(),
        **extra,
    }


def _desk_order(request: HttpRequest, number: str) -> WorkOrder:
    try:
        return order_get_for(person_of(request), number)
    except NotFound as exc:
        raise Http404 from exc


@login_required
@require_GET
def dispatch_desk(request: HttpRequest) -> HttpResponse:
    _require(request, Action.DISPATCH)
    tab = "extensions" if request.GET.get("tab") == "extensions" else "orders"
    orders = with_advice(dispatcher_desk()).prefetch_related(
        Prefetch(
            "events",
            queryset=WorkOrderEvent.objects.filter(kind=EventKind.RETURNED).order_by("at"),
            to_attr="returns",
        )
    )
    extensions = extension_desk()
    page: Any
    if tab == "orders":
        page = Paginator(orders, PAGE_SIZE).get_page(request.GET.get("page"))
        categories = category_index()
        cards = [_dispatch_card(o, categories=categories) for o in page.object_list]
    else:
        page = Paginator(extensions, PAGE_SIZE).get_page(request.GET.get("page"))
        cards = [{"extension": x, "form": ExtensionDecisionForm()} for x in page.object_list]
    context = {
        "tab": tab,
        "cards": cards,
        "page": page,
        "query": _query(request),
        "pending_count": orders.count(),
        "extension_count": extensions.count(),
    }
    return render(request, "workorders/desk/dispatch.html", context)


def _desk_act(
    request: HttpRequest, number: str, action: Action, form_key: str, form: Any
) -> HttpResponse:
    order = _desk_order(request, number)
    spec = SPECS[action]
    error = None
    if form.is_valid():
        try:
            spec.call(order, person_of(request), form.cleaned_data)
        except WorkOrderError as exc:
            error = error_text(exc)
        else:
            done = _("%(n)s %(done)s") % {"n": order.number, "done": spec.done}
            return render(
                request,
                "workorders/desk/_dispatch_card.html",
                {"card": {"order": order, "done": done}},
            )
    else:
        error = _("请检查填写的内容。")
    card = _dispatch_card(order, error=error, **{form_key: form})
    return render(request, "workorders/desk/_dispatch_card.html", {"card": card}, status=400)


@login_required
@require_POST
def desk_dispatch(request: HttpRequest, number: str) -> HttpResponse:
    _require(request, Action.DISPATCH)
    order = _desk_order(request, number)
    action = Action.REDISPATCH if order.status == Status.RETURNED else Action.DISPATCH
    return _desk_act(request, number, action, "dispatch_form", DispatchForm(request.POST))


@login_required
@require_POST
def desk_merge(request: HttpRequest, number: str) -> HttpResponse:
    _require(request, Action.MERGE)
    return _desk_act(request, number, Action.MERGE, "merge_form", MergeForm(request.POST))


@login_required
@require_POST
def desk_decline(request: HttpRequest, number: str) -> HttpResponse:
    _require(request, Action.DECLINE)
    return _desk_act(request, number, Action.DECLINE, "decline_form", DeclineForm(request.POST))


@login_required
@require_POST
def desk_extension(request: HttpRequest, pk: int) -> HttpResponse:
    _require(request, Action.EXTENSION_DECIDE)
    extension = extension_desk().filter(pk=pk).first()
    if extension is None:
        raise Http404
    form = ExtensionDecisionForm(request.POST)
    card: dict[str, Any] = {"extension": extension, "form": form}
    status = 400
    if form.is_valid():
        try:
            SPECS[Action.EXTENSION_DECIDE].call(
                extension.order, person_of(request), form.cleaned_data
            )
        except WorkOrderError as exc:
            card["error"] = error_text(exc)
        else:
            approved = form.cleaned_data["approve"]
            card["done"] = _("%(n)s 的延期申请已%(what)s") % {
                "n": extension.order.number,
                "what": _("批准") if approved else _("驳回"),
            }
            status = 200
    else:
        card["error"] = _("请选择批准或驳回。")
    return render(request, "workorders/desk/_extension_card.html", {"card": card}, status=status)


# --- Callback desk --------------------------------------------------------------------------


def _callback_card(order: WorkOrder, **extra: Any) -> dict[str, Any]:
    return {
        "order": order,
        "requester": requester_masked(order),
        "form": extra.pop("form", None) or CallbackForm(),
        **extra,
    }


@login_required
@require_GET
def callback_desk_page(request: HttpRequest) -> HttpResponse:
    _require(request, Action.CALLBACK)
    page = Paginator(callback_desk(), PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "cards": [_callback_card(o) for o in page.object_list],
        "page": page,
        "query": _query(request),
    }
    return render(request, "workorders/desk/callback.html", context)


@login_required
@require_POST
def desk_callback(request: HttpRequest, number: str) -> HttpResponse:
    _require(request, Action.CALLBACK)
    order = _desk_order(request, number)
    unreached = bool(request.POST.get("unreached"))
    action = Action.CALLBACK_UNREACHED if unreached else Action.CALLBACK
    form = CallbackForm(request.POST)
    if unreached:
        # Only the note matters for an unanswered call.
        form.is_valid()
        data = {"note": form.cleaned_data.get("note", "")}
        valid = True
    else:
        valid = form.is_valid()
        data = form.cleaned_data if valid else {}
    error = _("请选择是否解决和满意度。")
    if valid:
        try:
            SPECS[action].call(order, person_of(request), data)
        except WorkOrderError as exc:
            error = error_text(exc)
        else:
            done = _("%(n)s %(done)s") % {"n": order.number, "done": SPECS[action].done}
            return render(
                request,
                "workorders/desk/_callback_card.html",
                {"card": {"order": order, "done": done}},
            )
    card = _callback_card(order, form=form, error=error)
    return render(request, "workorders/desk/_callback_card.html", {"card": card}, status=400)
