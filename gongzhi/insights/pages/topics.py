"""Monthly topic candidates (每月一题): the month's problems ranked by frequency, repetition,
low resolution and spread (insights.topics), each with the figures behind its score — for the
district's leaders (the district or one subdistrict) and a subdistrict's staff (their own)."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l
from django.views.decorators.http import require_GET, require_POST

from gongzhi.accounts.models import Unit
from gongzhi.insights.hotspots.counts import add_months
from gongzhi.insights.hotspots.errors import NotPermitted, SignalError
from gongzhi.insights.models import MonthlyTopic
from gongzhi.insights.monthly_topics import topic_choose, topic_withdraw, topics_chosen
from gongzhi.insights.pages.forms import TopicChooseForm, TopicForm
from gongzhi.insights.pages.rules import topic_scopes
from gongzhi.insights.selectors import rollups_as_of
from gongzhi.insights.topics import PARTS, topic_candidates
from gongzhi.places.models import Subdistrict
from gongzhi.workorders import reference
from gongzhi.workorders.forms.actions import DISTRICT_WIDE_KINDS
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
    chosen = topics_chosen(month, subdistrict_id)
    chosen_keys = {(c.category_id, c.place_kind) for c in chosen}
    rows = [
        {
            "rank": i,
            "topic": t,
            "chosen": (t.category_id, t.place_kind) in chosen_keys,
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
        chosen=chosen,
        choose={
            "month": f"{month:%Y-%m}",
            "subdistrict": subdistrict_id or "",
            "form": TopicChooseForm(units=lead_unit_choices()),
        },
    )
    return render(request, "insights/pages/topics.html", context)


def lead_unit_choices() -> list[tuple[int, str]]:
    """The units that can lead a month's topic: the district's departments, utilities and
    subdistrict offices (from the configuration snapshot: no query)."""
    by_kind = reference.current().units_by_kind
    return [(u.pk, u.name) for kind in DISTRICT_WIDE_KINDS for u in by_kind.get(kind, [])]


def _back(data: Any) -> str:
    """The topics page of the month and scope a form was posted from."""
    query = {"month": data.get("month", "")}
    if data.get("subdistrict"):
        query["subdistrict"] = data["subdistrict"]
    if data.get("place_kind"):
        query["by_place_kind"] = "on"
    return f"{reverse('insights:topics')}?{urlencode(query)}"


@login_required
@require_POST
def topic_choose_view(request: HttpRequest) -> HttpResponse:
    """Choose a candidate as the month's topic; back to the candidates with the outcome."""
    form = TopicChooseForm(request.POST, units=lead_unit_choices())
    if not form.is_valid():
        messages.error(request, _("选定每月一题：请检查填写的内容。"))
        return redirect(_back(request.POST))
    d = form.cleaned_data
    lead = Unit.objects.filter(pk=d["lead_unit"]).first() if d["lead_unit"] else None
    try:
        topic = topic_choose(
            by=person_of(request),
            month=d["month"],
            subdistrict_id=d["subdistrict"],
            category_id=d["category"],
            place_kind=d["place_kind"],
            plan=d["plan"],
            lead_unit=lead,
        )
    except NotPermitted as exc:
        raise PermissionDenied(exc.message) from exc
    except SignalError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("已将“%(name)s”选为每月一题。") % {"name": topic.category.name})
    return redirect(_back(request.POST))


@login_required
@require_POST
def topic_withdraw_view(request: HttpRequest, pk: int) -> HttpResponse:
    topic = get_object_or_404(MonthlyTopic.objects.select_related("category"), pk=pk)
    try:
        topic_withdraw(by=person_of(request), topic=topic)
    except NotPermitted as exc:
        raise PermissionDenied(exc.message) from exc
    messages.success(request, _("已撤销每月一题“%(name)s”。") % {"name": topic.category.name})
    back = {"month": f"{topic.month:%Y-%m}", "subdistrict": topic.subdistrict_id or ""}
    if topic.place_kind:
        back["place_kind"] = topic.place_kind
    return redirect(_back(back))
