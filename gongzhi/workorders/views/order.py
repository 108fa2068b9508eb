"""The order page: details, photos, the timeline, and the actions the person may take now.

Each action is a small htmx form posting to `order_action`, which parses it, calls the one
service, and re-renders the page body (or the whole page without htmx).
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST
from django.views.decorators.vary import vary_on_headers

from gongzhi.accounts.selectors import person_scope
from gongzhi.workorders import rules
from gongzhi.workorders.errors import NotFound, WorkOrderError
from gongzhi.workorders.forms import DispatchForm, NoteForm, RevealForm
from gongzhi.workorders.forms.actions import REVEAL_PURPOSES, unit_choices_for
from gongzhi.workorders.matrix import Place
from gongzhi.workorders.models import ExtensionRequest, Status, WhistleCall, WorkOrder
from gongzhi.workorders.privacy import requester_masked
from gongzhi.workorders.selectors import order_detail, order_get_for
from gongzhi.workorders.transitions import Action
from gongzhi.workorders.views.actions import SPECS
from gongzhi.workorders.views.display import deadline_of, staff_timeline
from gongzhi.workorders.views.edge import error_text, person_of

TEMPLATE = "workorders/order.html"
# Quick actions open by default when they are the natural next step.
NEXT_STEP: dict[str, Action] = {
    Status.DISPATCHED: Action.ACCEPT,
    Status.ACCEPTED: Action.CONTACT,
    Status.CONTACTED: Action.RESOLVE,
    Status.RESOLVED: Action.CALLBACK,
    Status.RECEIVED: Action.DISPATCH,
    Status.RETURNED: Action.REDISPATCH,
}


def _order(request: HttpRequest, number: str) -> WorkOrder:
    """The order if the person may see it; 404 otherwise (the two are not told apart)."""
    try:
        return order_get_for(person_of(request), number)
    except NotFound as exc:
        raise Http404 from exc


def _moot(order: WorkOrder) -> set[Action]:
    """Actions the rules allow but the order's records make pointless to offer now (the
    service would refuse them anyway): deciding an extension nobody asked for, asking while one
    is pending, excluding an order already excluded."""
    pending = any(x.state == ExtensionRequest.State.PENDING for x in order.extensions.all())
    moot = {Action.EXTENSION_REQUEST} if pending else {Action.EXTENSION_DECIDE}
    if order.excluded_from_scoring:
        moot.add(Action.MARK_UNREASONABLE)
    return moot


def _action_form(spec: Any, order: WorkOrder, data: Any = None) -> Any:
    """An action's form; a dispatch form lists the order's own units first, then every
    handling unit by kind (from the configuration snapshot)."""
    if spec.form is DispatchForm:
        place = Place(order.compound_id, order.community_id, order.subdistrict_id)
        choices = unit_choices_for(place, every_kind=True)
        return DispatchForm(data, prefix=spec.action.value, unit_choices=choices)
    return spec.form(data, prefix=spec.action.value)


def _action_entries(
    order: WorkOrder, person: Any, bound: dict[Action, Any] | None = None
) -> list[dict[str, Any]]:
    entries = []
    moot = _moot(order)
    for action in rules.available_actions(person, order):
        spec = SPECS.get(action)
        if spec is None or action in moot:
            continue
        form = (bound or {}).get(action) or _action_form(spec, order)
        entries.append(
            {
                "name": action.value,
                "label": spec.label,
                "form": form,
                "quick": spec.quick,
                "danger": spec.danger,
                "open": NEXT_STEP.get(order.status) == action
                or action in (bound or {})
                or action == Action.EXTENSION_DECIDE,
                "url": reverse("workorders:order_action", args=[order.number, action.value]),
            }
        )
    return entries


def _whistle_entries(order: WorkOrder, person: Any) -> list[dict[str, Any]]:
    entries = []
    for call in order.whistle_calls.all():
        entry: dict[str, Any] = {"call": call, "form": None}
        if rules.can_report_whistle(person, call) and call.state != WhistleCall.State.ACTED:
            reporting = call.state == WhistleCall.State.CALLED
            entry.update(
                form=NoteForm(prefix=f"w{call.pk}"),
                label=_("报到") if reporting else _("记录处置"),
                url=reverse(
                    "workorders:whistle_step",
                    args=[order.number, call.pk, "report" if reporting else "act"],
                ),
            )
        entries.append(entry)
    return entries


def order_context(request: HttpRequest, order: WorkOrder, **extra: Any) -> dict[str, Any]:
    person = person_of(request)
    can_reveal = rules.can_reveal_requester(person, order)
    masked = requester_masked(order)
    return {
        "order": order,
        "deadline": deadline_of(order, timezone.now()),
        "category_name": order.category.full_name,
        "assignments": [a for a in order.assignments.all() if a.released_at is None],
        "requester": {"name": masked.name, "phone": masked.phone, "revealed": False},
        "can_reveal": can_reveal,
        "reveal_purposes": REVEAL_PURPOSES,
        "reveals": list(order.reveals.select_related("person", "unit")[:10]) if can_reveal else [],
        "photos": list(order.photos.all()),
        "whistle_calls": _whistle_entries(order, person),
        "actions": _action_entries(order, person, extra.pop("bound", None)),
        "events": staff_timeline(order.events.all()),
        # Panels for staff only (the playbook): not requested for a resident's own order.
        "staff_view": person_scope(person).is_staff_scope,
        **extra,
    }


def _render(
    request: HttpRequest, order: WorkOrder, status: int = 200, **extra: Any
) -> HttpResponse:
    """The page (or its body, for htmx) with everything it shows prefetched."""
    order = order_detail(order)
    template = TEMPLATE + ("#body" if request.htmx else "")  # type: ignore[attr-defined]
    return render(request, template, order_context(request, order, **extra), status=status)


@login_required
@require_GET
@vary_on_headers("HX-Request")  # the page or, for htmx, its partial
def order_page(request: HttpRequest, number: str) -> HttpResponse:
    return _render(request, _order(request, number))


def _after(request: HttpRequest, number: str, done: Any) -> HttpResponse:
    """The page after a successful action: its body for htmx, else a redirect with a flash.
    (Units keep sight of orders they once handled, so the order is still there to show.)"""
    if not request.htmx:  # type: ignore[attr-defined]
        messages.success(request, str(done))
        return redirect("workorders:order", number=number)
    return _render(request, _order(request, number), action_done=done)


@login_required
@require_POST
def order_action(request: HttpRequest, number: str, action: str) -> HttpResponse:
    order = _order(request, number)
    try:
        spec = SPECS[Action(action)]
    except (ValueError, KeyError) as exc:
        raise Http404 from exc
    form = _action_form(spec, order, request.POST)
    if not form.is_valid():
        return _render(
            request,
            order,
            status=400,
            bound={spec.action: form},
            action_error_title=spec.label,
            action_error=_("请检查填写的内容。"),
        )
    try:
        spec.call(order, person_of(request), form.cleaned_data)
    except WorkOrderError as exc:
        return _render(
            request,
            _order(request, number),
            status=409 if exc.code == "transition_not_allowed" else 400,
            bound={spec.action: form},
            action_error_title=f"{spec.label}：",
            action_error=error_text(exc),
        )
    return _after(request, number, spec.done)


@login_required
@require_POST
def whistle_step(request: HttpRequest, number: str, call_id: int, step: str) -> HttpResponse:
    from gongzhi.workorders.services import whistle_action, whistle_report_in

    order = _order(request, number)
    call = order.whistle_calls.filter(pk=call_id).first()
    if call is None or step not in ("report", "act"):
        raise Http404
    form = NoteForm(request.POST, prefix=f"w{call.pk}")
    form.is_valid()
    note = form.cleaned_data.get("note", "")
    service = whistle_report_in if step == "report" else whistle_action
    try:
        service(call=call, by=person_of(request), note=note)
    except WorkOrderError as exc:
        return _render(
            request,
            order,
            status=400,
            action_error_title=_("吹哨报到："),
            action_error=error_text(exc),
        )
    return _after(request, number, _("已报到") if step == "report" else _("已记录处置"))


@login_required
@require_POST
def reveal(request: HttpRequest, number: str) -> HttpResponse:
    """Show the requester's full name and phone: the domain checks who asks and logs it."""
    from gongzhi.workorders.services import requester_reveal

    order = _order(request, number)
    form = RevealForm(request.POST)
    purpose = dict(REVEAL_PURPOSES)[form.cleaned_data["purpose"] if form.is_valid() else "contact"]
    try:
        name, phone = requester_reveal(order=order, by=person_of(request), purpose=str(purpose))
    except WorkOrderError as exc:
        return _render(request, order, status=403, action_error=error_text(exc))
    order = order_detail(order)
    context = order_context(request, order)
    context["requester"] = {"name": name, "phone": phone, "revealed": True}
    template = TEMPLATE + ("#requester" if request.htmx else "")  # type: ignore[attr-defined]
    return render(request, template, context)


@login_required
@require_GET
def photo(request: HttpRequest, number: str, seq: int) -> FileResponse:
    """A photo of an order, for those who may see the order (photos are not public files)."""
    order = _order(request, number)
    row = order.photos.filter(seq=seq).first()
    if row is None:
        raise Http404
    response = FileResponse(row.file.open("rb"), content_type=row.content_type)
    response["Cache-Control"] = "private, max-age=3600"
    return response
