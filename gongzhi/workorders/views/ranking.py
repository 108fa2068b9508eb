"""The monthly ranking: subdistricts, communities or units by the three rates and the
composite score, read from the insights roll-ups (insights.rankings.ranking: grades 先进 / 进步 /
整改 / 治理类 by the thresholds in settings, the change against last month, the bottom of the
list marked).

The roll-ups are kept current by the scheduler's `insights.refresh_rollups` job (every 30
seconds, gongzhi/web/scheduler.py), not by this page: a GET that wrote to the roll-ups would
take their lock on every view of the district's most-read page. The page says how current
the figures are (the roll-ups' `as_of`) instead.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l
from django.views.decorators.http import require_GET
from django.views.decorators.vary import vary_on_headers

from gongzhi.insights.rankings import Grade, Level, RankingRow
from gongzhi.insights.rankings import ranking as insights_ranking
from gongzhi.insights.selectors import rollups_as_of
from gongzhi.workorders import rules
from gongzhi.workorders.forms import RankingForm
from gongzhi.workorders.views.edge import person_of

LEVELS = [
    (Level.SUBDISTRICT.value, _l("街道/地区")),
    (Level.COMMUNITY.value, _l("社区/村")),
    (Level.UNIT.value, _l("承办单位")),
]
# The page's badge colours (workorders.css) for the domain's grades.
GRADE_STYLE = {
    Grade.ADVANCED: "ok",
    Grade.IMPROVED: "status",
    Grade.RECTIFY: "near",
    Grade.GOVERN: "overdue",
}


def _raw(row: RankingRow) -> dict[str, str]:
    c = row.counts
    return {
        "response_raw": f"{c['contacted_in_time']}/{c['response_due']}",
        "resolution_raw": f"{c['callbacks_resolved']}/{c['callbacks']}",
        "satisfaction_raw": _("满意%(s)d·基本%(b)d·不满意%(u)d")
        % {"s": c["satisfied"], "b": c["basically"], "u": c["unsatisfied"]},
    }


def rank_rows(rows: list[RankingRow]) -> list[dict[str, Any]]:
    """Table rows in the domain's order (best composite first), with the change of the
    composite and of the rank against last month."""
    out = []
    for r in rows:
        rank_change = (
            r.previous_rank - r.rank if r.rank is not None and r.previous_rank is not None else None
        )
        out.append(
            {
                "rank": r.rank if r.rank is not None else "—",
                "previous_rank": r.previous_rank,
                "rank_change": rank_change,
                "name": r.name,
                "orders": r.counts["counted"],
                "response": r.rates.response,
                "resolution": r.rates.resolution,
                "satisfaction": r.rates.satisfaction,
                "composite": r.rates.composite,
                "composite_pct": max(0, min(100, int(r.rates.composite or 0))),
                "delta": r.composite_delta,
                "grade": r.grade.label if r.grade else "",
                "grade_key": r.grade.value if r.grade else "",
                "grade_style": GRADE_STYLE.get(r.grade, "") if r.grade else "",
                "is_bottom": r.is_bottom,
                **_raw(r),
            }
        )
    return out


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
    valid = form.is_valid()
    month: dt.date = form.cleaned_data["month"] if valid else today.replace(day=1)
    level = (form.cleaned_data.get("level") if valid else "") or Level.SUBDISTRICT.value
    rows = insights_ranking(level, month)
    context = {
        "form": form,
        "levels": LEVELS,
        "level": level,
        "level_label": dict(LEVELS)[level],
        "month_value": month.strftime("%Y-%m"),
        "month_label": _("%(y)d年%(m)d月") % {"y": month.year, "m": month.month},
        "rows": rank_rows(rows),
        "as_of": rollups_as_of(),
        "min_orders": settings.GONGZHI_INSIGHTS_MIN_ORDERS,
    }
    template = "workorders/ranking.html"
    if request.htmx:  # type: ignore[attr-defined]
        template += "#table"
    return render(request, template, context)
