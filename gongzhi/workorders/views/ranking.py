"""The monthly ranking: subdistricts, communities or units by the three rates and the
composite score, with grades (the domain's rates module), and the bottom of the table marked."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l
from django.views.decorators.http import require_GET
from django.views.decorators.vary import vary_on_headers

from gongzhi.workorders import rules
from gongzhi.workorders.forms import RankingForm
from gongzhi.workorders.rates import Level, Rates, monthly_rates
from gongzhi.workorders.views.edge import person_of

LEVELS = [
    (Level.SUBDISTRICT.value, _l("街道/地区")),
    (Level.COMMUNITY.value, _l("社区/村")),
    (Level.UNIT.value, _l("承办单位")),
]
GRADE_LABELS = {
    "excellent": _l("优秀"),
    "good": _l("良好"),
    "fair": _l("一般"),
    "poor": _l("较差"),
}


def rank_rows(rates: list[Rates]) -> list[dict[str, Any]]:
    """Table rows in the domain's order (best composite first). The last ranked row (with a
    composite, when more than one is ranked) is marked as the bottom (末位)."""
    ranked = [r for r in rates if r.composite is not None]
    bottom = ranked[-1].key if len(ranked) > 1 else None
    rows = []
    for index, r in enumerate(rates, start=1):
        rows.append(
            {
                "rank": index if r.composite is not None else "—",
                "name": r.name,
                "orders": r.orders,
                "response": r.response_rate,
                "response_raw": f"{r.responded_in_time}/{r.response_due}",
                "resolution_raw": f"{r.resolved}/{r.callbacks}",
                "satisfaction_raw": _("满意%(s)d·基本%(b)d·不满意%(u)d")
                % {"s": r.satisfied, "b": r.basically, "u": r.unsatisfied},
                "resolution": r.resolution_rate,
                "satisfaction": r.satisfaction_rate,
                "composite": r.composite,
                "composite_pct": max(0, min(100, int(r.composite or 0))),
                "grade": GRADE_LABELS.get(r.grade or "", r.grade or ""),
                "grade_key": r.grade or "",
                "is_bottom": r.composite is not None and r.key == bottom,
            }
        )
    return rows


@login_required
@require_GET
@vary_on_headers("HX-Request")  # the page or, for htmx, its partial
def ranking(request: HttpRequest) -> HttpResponse:
    roles = {role for role, _u, _unit in rules.memberships_of(person_of(request))}
    if not roles & rules.STAFF_ROLES:
        raise PermissionDenied
    today = timezone.localdate()
    data = request.GET.copy()
    data.setdefault("month", today.strftime("%Y-%m"))
    form = RankingForm(data)
    month: dt.date = form.cleaned_data["month"] if form.is_valid() else today.replace(day=1)
    level = (form.cleaned_data.get("level") if form.is_valid() else "") or Level.SUBDISTRICT
    rates = monthly_rates(year=month.year, month=month.month, level=level)
    context = {
        "form": form,
        "levels": LEVELS,
        "level": level,
        "level_label": dict(LEVELS)[level],
        "month_value": month.strftime("%Y-%m"),
        "month_label": _("%(y)d年%(m)d月") % {"y": month.year, "m": month.month},
        "rows": rank_rows(rates),
    }
    template = "workorders/ranking.html"
    if request.htmx:  # type: ignore[attr-defined]
        template += "#table"
    return render(request, template, context)
