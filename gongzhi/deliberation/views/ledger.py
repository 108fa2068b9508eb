"""The public ledger of practical matters by year (counts, budget planned and spent, mean
satisfaction), filtered by place and kind, with its Excel export; and the supervision view of
late and near-deadline projects."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib.auth.decorators import login_required
from django.db.models import Prefetch
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from gongzhi.deliberation import selectors
from gongzhi.deliberation.exports import ledger_workbook
from gongzhi.deliberation.forms.filters import LedgerFilterForm, PlaceFilterForm
from gongzhi.deliberation.models import ProjectUnit, Step, UnitRole
from gongzhi.deliberation.views.case_page import STEP_NAMES
from gongzhi.deliberation.views.edge import is_htmx, person_of

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _ledger_form(request: HttpRequest) -> LedgerFilterForm:
    years = list(
        selectors.visible_projects(person_of(request))
        .order_by("-year")
        .values_list("year", flat=True)
        .distinct()
    )
    return LedgerFilterForm(request.GET or None, years=years)


def _percent(years: list[selectors.LedgerYear]) -> int | None:
    """Spent as a share of planned, in whole percent (None without a plan)."""
    planned = sum((y.planned for y in years), start=selectors.ZERO)
    spent = sum((y.spent for y in years), start=selectors.ZERO)
    return round(spent * 100 / planned) if planned else None


def _filters_label(form: LedgerFilterForm) -> str:
    """The chosen filters in words (for the export's header line and file name)."""
    form.filters()
    data = getattr(form, "cleaned_data", {})
    parts = []
    for name in ("year", "subdistrict", "community", "kind"):
        value = data.get(name)
        if value:
            parts.append(str(dict(form.fields[name].choices).get(value, value)))  # type: ignore[attr-defined]
    return "、".join(parts) or _("全部")


@login_required
@require_GET
def ledger(request: HttpRequest) -> HttpResponse:
    person = person_of(request)
    form = _ledger_form(request)
    filters = form.filters()
    years = selectors.ledger_years(person, **filters)
    rows = selectors.ledger_rows(person, **filters)
    query = request.GET.urlencode()
    context = {
        "filters": form,
        "years": years,
        "rows": rows,
        "query": query,
        "totals": {
            "projects": sum(y.projects for y in years),
            "closed": sum(y.closed for y in years),
            "planned": sum((y.planned for y in years), start=selectors.ZERO),
            "spent": sum((y.spent for y in years), start=selectors.ZERO),
        },
        "spent_pct": _percent(years),
    }
    template = "deliberation/ledger.html"
    if is_htmx(request) and not request.htmx.boosted:  # type: ignore[attr-defined]
        template += "#results"
    return render(request, template, context)


@login_required
@require_GET
def ledger_export(request: HttpRequest) -> HttpResponse:
    person = person_of(request)
    form = _ledger_form(request)
    filters = form.filters()
    content = ledger_workbook(
        rows=selectors.ledger_rows(person, **filters),
        years=selectors.ledger_years(person, **filters),
        filters=_filters_label(form),
    )
    response = HttpResponse(content, content_type=XLSX)
    stamp = f"{timezone.localdate():%Y%m%d}"
    response["Content-Disposition"] = f'attachment; filename="ledger-{stamp}.xlsx"'
    return response


def near_deadline(person: Any, *, now: dt.datetime, **place: Any) -> Any:
    """Projects at work whose warning point has passed but whose deadline has not (the
    domain's warn_at: GONGZHI_DELIBERATION_WARNING_DAYS before the deadline)."""
    return (
        selectors.visible_projects(person, **place)
        .filter(
            completed_at__isnull=True,
            warn_at__lte=now,
            due_at__gt=now,
            case__step__in=[Step.ACT, Step.SUPERVISE],
        )
        .order_by("due_at")
    )


UNITS = Prefetch("unit_links", queryset=ProjectUnit.objects.select_related("unit"))


def _row(project: Any, days: int) -> dict[str, Any]:
    return {
        "project": project,
        "days": days,
        "lead": next((u.unit for u in project.unit_links.all() if u.role == UnitRole.LEAD), None),
        "step_name": STEP_NAMES.get(project.case.step, ""),
    }


@login_required
@require_GET
def supervision(request: HttpRequest) -> HttpResponse:
    person = person_of(request)
    form = PlaceFilterForm(request.GET or None)
    place = form.place()
    now = timezone.now()
    today = timezone.localdate(now)
    late = [
        _row(p, (today - p.deadline).days)
        for p in selectors.late_projects(person, now=now, **place).prefetch_related(UNITS)
    ]
    near = [
        _row(p, (p.deadline - today).days)
        for p in near_deadline(person, now=now, **place).prefetch_related(UNITS)
    ]
    groups = [
        {
            "key": "late",
            "title": _("已超期"),
            "badge": "late",
            "rows": late,
            "empty": _("没有超期的项目。"),
        },
        {
            "key": "near",
            "title": _("临近时限"),
            "badge": "near",
            "rows": near,
            "empty": _("没有临近时限的项目。"),
        },
    ]
    context = {"filters": form, "groups": groups}
    template = "deliberation/supervision.html"
    if is_htmx(request) and not request.htmx.boosted:  # type: ignore[attr-defined]
        template += "#results"
    return render(request, template, context)
