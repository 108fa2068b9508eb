"""Monthly topic candidates (每月一题): the month's problems ranked by frequency, repetition,
low resolution and spread (insights.topics), each with the figures behind its score — for the
district's leaders (the district or one subdistrict) and a subdistrict's staff (their own)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l
from django.views.decorators.http import require_GET

from gongzhi.insights.hotspots.counts import add_months
from gongzhi.insights.pages.forms import TopicForm
from gongzhi.insights.pages.rules import topic_scopes
from gongzhi.insights.selectors import rollups_as_of
from gongzhi.insights.topics import PARTS, topic_candidates
from gongzhi.places.models import Subdistrict
from gongzhi.workorders.views.edge import person_of

LIMIT = 15
PART_LABELS = {
    "frequency": _l("频次"),
    "repetition": _l("重复"),
    "unresolved": _l("未解决"),
    "spread": _l("分布广度"),
}


@login_required
@require_GET
def topics(request: HttpRequest) -> HttpResponse:
    person = person_of(request)
    district, own = topic_scopes(person)
    if not district and not own:
        raise PermissionDenied
    subdistricts = Subdistrict.objects.order_by("code")
    if not district:
        subdistricts = subdistricts.filter(pk__in=own)
    choices = list(subdistricts.values_list("pk", "name"))
    data = request.GET.copy()
    if not district and not data.get("subdistrict") and choices:
        data["subdistrict"] = str(choices[0][0])
    form = TopicForm(data, subdistricts=choices, district=district)
    context: dict[str, Any] = {"form": form, "tab": "topics"}
    if not form.is_valid():
        return render(request, "insights/pages/topics.html", context, status=400)
    # Default: last month, the last whole month (the problem of the month is chosen after it).
    month = form.cleaned_data["month"] or add_months(timezone.localdate().replace(day=1), -1)
    month = month.replace(day=1)
    subdistrict_id = form.cleaned_data["subdistrict"]
    by_place_kind = form.cleaned_data["by_place_kind"]
    candidates = topic_candidates(
        month, limit=LIMIT, by_place_kind=by_place_kind, subdistrict_id=subdistrict_id
    )
    rows = [
        {
            "rank": i,
            "topic": t,
            "parts": [
                {"name": p, "label": PART_LABELS[p], "pct": round(100 * t.parts.get(p, 0.0), 1)}
                for p in PARTS
            ],
            "e": t.evidence,
        }
        for i, t in enumerate(candidates, start=1)
    ]
    context.update(
        rows=rows,
        month_label=_("%(y)d年%(m)d月") % {"y": month.year, "m": month.month},
        scope_label=dict(choices).get(subdistrict_id, "") if subdistrict_id else _("全区"),
        by_place_kind=by_place_kind,
        as_of=rollups_as_of(),
    )
    return render(request, "insights/pages/topics.html", context)
