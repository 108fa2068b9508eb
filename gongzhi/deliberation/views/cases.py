"""The case list and the case page (its five steps and the actions of each step)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from gongzhi.accounts.models import Role
from gongzhi.accounts.selectors import person_scope
from gongzhi.deliberation import selectors
from gongzhi.deliberation.errors import DeliberationError, NotFound
from gongzhi.deliberation.forms.filters import CaseFilterForm
from gongzhi.deliberation.models import Case, Step, VisitPhoto
from gongzhi.deliberation.views.case_actions import ACTIONS, BY_NAME, CaseAction
from gongzhi.deliberation.views.case_page import SECTION_OF_STEP, STEP_NAMES, CasePage, case_page
from gongzhi.deliberation.views.edge import (
    error_status,
    error_text,
    form_errors_text,
    is_htmx,
    person_of,
)

PAGE_SIZE = 20
TEMPLATE = "deliberation/case.html"
# Kinds of event made by residents: the public history does not name them.
RESIDENT_EVENTS = frozenset({"objection_raised", "rated"})


@login_required
@require_GET
def case_list(request: HttpRequest) -> HttpResponse:
    """Every case of the district, filterable by step and place, newest first."""
    person = person_of(request)
    form = CaseFilterForm(request.GET or None)
    place = form.place()
    step = form.cleaned_data.get("step") if form.is_valid() else ""
    cases = selectors.visible_cases(person, step=step or None, **place)
    page = Paginator(cases, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "filters": form,
        "page": page,
        "rows": [{"case": c, "step_name": STEP_NAMES.get(c.step, "")} for c in page.object_list],
        # Same memberships query as the navigation's (cached on the person): no extra cost.
        "may_propose": Role.RESIDENT in person_scope(person).roles,
        "steps": [(s, str(label)) for s, label in Step.choices],
        "query": query.urlencode(),
    }
    template = "deliberation/cases.html"
    if is_htmx(request) and not request.htmx.boosted:  # type: ignore[attr-defined]
        template += "#results"
    return render(request, template, context)


def _case(request: HttpRequest, number: str) -> Case:
    try:
        return selectors.case_for_number(person_of(request), number)
    except NotFound as exc:
        raise Http404 from exc


def _action_entries(
    person: Any, page: CasePage, bound: dict[str, Any] | None = None
) -> dict[str, list[dict[str, Any]]]:
    """The actions offered, by section, each with its (fresh or bound) form."""
    by_section: dict[str, list[dict[str, Any]]] = {}
    for action in ACTIONS:
        if not action.guard(person, page):
            continue
        form = (bound or {}).get(action.name) or action.form(page, None, action.name)
        by_section.setdefault(action.section, []).append(
            {
                "name": action.name,
                "label": action.label,
                "form": form,
                "quick": action.quick,
                "danger": action.danger,
                "files": action.files,
                "per_row": action.per_row,
                "open": action.name in (bound or {}),
                "url": reverse("deliberation:case_action", args=[page.case.number, action.name]),
            }
        )
    return by_section


def _turn_section(step: str) -> str:
    return "notice" if step == Step.NOTICE else SECTION_OF_STEP.get(step, "")


def _render(request: HttpRequest, case: Case, status: int = 200, **extra: Any) -> HttpResponse:
    person = person_of(request)
    page = case_page(person, case)
    actions = _action_entries(person, page, extra.pop("bound", None))
    per_row = {
        entry["name"]: entry
        for entries in actions.values()
        for entry in entries
        if entry["per_row"]
    }
    offered = {
        section: [e for e in entries if not e["per_row"]] for section, entries in actions.items()
    }
    context = {
        "page": page,
        "case": page.case,
        "actions": offered,
        "row_actions": per_row,
        "resident_events": RESIDENT_EVENTS,
        "step_withdrawn": page.case.step == Step.WITHDRAWN,
        "step_name": ""
        if page.case.step in (Step.CLOSED, Step.WITHDRAWN)
        else STEP_NAMES.get(page.case.step, ""),
        # The first action waiting for this person in the current step, announced at the top
        # of the page: a resident on a phone would otherwise scroll past four sections to find
        # the rating form.
        "turn": next(iter(offered.get(_turn_section(page.case.step), [])), None),
        "turn_anchor": f"#step-{page.current_section}",
        **extra,
    }
    template = TEMPLATE + ("#body" if is_htmx(request) else "")
    return render(request, template, context, status=status)


@login_required
@require_GET
def case_detail(request: HttpRequest, number: str) -> HttpResponse:
    return _render(request, _case(request, number))


@login_required
@require_POST
def case_action(request: HttpRequest, number: str, action: str) -> HttpResponse:
    spec: CaseAction | None = BY_NAME.get(action)
    if spec is None:
        raise Http404
    person = person_of(request)
    case = _case(request, number)
    page = case_page(person, case)
    data = (request.POST, request.FILES) if spec.files else request.POST
    form = spec.form(page, data, spec.name)
    if not form.is_valid():
        return _render(
            request,
            case,
            status=400,
            bound={spec.name: form},
            action_error_title=spec.label,
            action_error=form_errors_text(form),
        )
    try:
        result = spec.call(page, person, form.cleaned_data)
    except DeliberationError as exc:
        return _render(
            request,
            _case(request, number),
            status=error_status(exc),
            bound={spec.name: form},
            action_error_title=spec.label,
            action_error=error_text(exc),
        )
    done = result if isinstance(result, str) else spec.done
    if not is_htmx(request):
        messages.success(request, str(done))
        return redirect("deliberation:case", number=number)
    return _render(request, _case(request, number), action_done=done)


@login_required
@require_GET
def project_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A project lives on its case's page (办 督 评)."""
    try:
        project = selectors.project_get(person_of(request), pk)
    except NotFound as exc:
        raise Http404 from exc
    return redirect(reverse("deliberation:case", args=[project.case.number]) + "#project")


@login_required
@require_GET
def visit_photo(request: HttpRequest, pk: int) -> FileResponse:
    """A supervision visit's photo, for those who may see the project."""
    row = VisitPhoto.objects.select_related("visit").filter(pk=pk).first()
    if row is None:
        raise Http404
    try:
        selectors.project_get(person_of(request), row.visit.project_id)
    except NotFound as exc:
        raise Http404 from exc
    response = FileResponse(row.file.open("rb"), content_type=row.content_type)
    response["Cache-Control"] = "private, max-age=3600"
    return response
