"""What the monthly report says, gathered once for both renderers (Excel and PDF): the month's
headline figures with their change on last month, the ranking tables, the 12-month trend, the
categories, the month's hotspots and topic candidates.

Every figure comes from the roll-ups (insights.selectors.dashboard_summary, rankings.ranking,
topics.topic_candidates) and the stored hotspots; nothing here reads raw orders. The caller
has checked that the person may see the scope (reports/views.py, dashboard/rules.py).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from gongzhi.insights.hotspots.models import Hotspot, SignalStatus, Window
from gongzhi.insights.rankings import Level, RankingRow, month_start, ranking
from gongzhi.insights.selectors import AreaFigures, Scope, dashboard_summary
from gongzhi.insights.topics import TopicCandidate, topic_candidates
from gongzhi.places.models import District, Subdistrict

TREND_MONTHS = 12
TOP_LEAF_CATEGORIES = 15
HOTSPOTS = 15
TOPICS = 5


class ReportScopeError(LookupError):
    """The scope's subdistrict does not exist (code: `unknown_subdistrict`)."""

    code = "unknown_subdistrict"


@dataclass(frozen=True)
class Headline:
    """One headline figure: a count or a percentage (0–100), or the composite score."""

    key: str
    label: str
    kind: str  # "count", "rate" (percent, 0–100) or "score"
    value: float | int | None
    previous: float | int | None

    @property
    def delta(self) -> float | int | None:
        """Change on last month: orders, or percentage points (rates, score)."""
        if self.value is None or self.previous is None:
            return None
        if self.kind == "count":
            return int(self.value) - int(self.previous)
        return round(float(self.value) - float(self.previous), 2)


@dataclass(frozen=True)
class HotspotLine:
    place: str
    subdistrict: str
    category: str
    observed: int
    expected: float
    limit: int
    p_value: float
    status: str


@dataclass
class MonthlyReport:
    scope: Scope
    scope_name: str  # 朝阳区, or the subdistrict's name
    month: dt.date  # first day
    as_of: dt.datetime | None  # the roll-ups are current to this time
    generated_at: dt.datetime
    headlines: list[Headline]
    area_level: Level  # subdistricts (district report) or communities (subdistrict report)
    areas: list[RankingRow]  # by composite
    units: list[RankingRow]  # by composite
    trend: list[tuple[dt.date, AreaFigures]]  # 12 months, oldest first
    top_categories: list[AreaFigures]  # top-level categories, most orders first
    categories: list[AreaFigures]  # leaf categories, the most orders first (a few)
    category_names: dict[int, str] = field(default_factory=dict)  # top-level id → name
    hotspots: list[HotspotLine] = field(default_factory=list)
    topics: list[TopicCandidate] = field(default_factory=list)

    @property
    def month_label(self) -> str:
        return _("%(y)d年%(m)d月") % {"y": self.month.year, "m": self.month.month}

    @property
    def month_value(self) -> str:
        return f"{self.month:%Y-%m}"

    @property
    def title(self) -> str:
        return _("%(scope)s %(month)s 接诉即办月度报告") % {
            "scope": self.scope_name,
            "month": self.month_label,
        }

    @property
    def area_title(self) -> str:
        return _("街道排名") if self.area_level is Level.SUBDISTRICT else _("社区排名")

    @property
    def received(self) -> int:
        return self.trend[-1][1].counts["received"] if self.trend else 0


def _scope_name(scope: Scope) -> str:
    if scope.subdistrict_id is None:
        name = District.objects.order_by("pk").values_list("name", flat=True).first()
        return name or _("全区")
    found = (
        Subdistrict.objects.filter(pk=scope.subdistrict_id).values_list("name", flat=True).first()
    )
    if found is None:
        raise ReportScopeError(scope.subdistrict_id)
    return found


def _headlines(now: AreaFigures, before: AreaFigures) -> list[Headline]:
    def count(key: str, label: str) -> Headline:
        return Headline(key, label, "count", now.counts[key], before.counts[key])

    def rate(key: str, label: str, kind: str = "rate") -> Headline:
        return Headline(key, label, kind, getattr(now.rates, key), getattr(before.rates, key))

    return [
        count("received", _("受理工单")),
        count("counted", _("计入考核")),
        rate("response", _("响应率")),
        rate("resolution", _("解决率")),
        rate("satisfaction", _("满意率")),
        rate("composite", _("综合得分"), "score"),
        count("overdue", _("超期工单")),
        count("declined", _("不予受理")),
    ]


def _hotspots(scope: Scope, month: dt.date) -> list[HotspotLine]:
    """The month's hotspots still above their limit (or acted on), strongest first."""
    qs = Hotspot.objects.filter(window=Window.MONTH, period_start=month).filter(
        Q(flagged=True) | ~Q(status=SignalStatus.OPEN)
    )
    if scope.subdistrict_id is not None:
        qs = qs.filter(subdistrict_id=scope.subdistrict_id)
    qs = qs.select_related("subdistrict", "community", "compound", "category").order_by(
        "p_value", "-observed", "pk"
    )
    return [
        HotspotLine(
            place=h.place_name,
            subdistrict=h.subdistrict.name,
            category=h.category.name,
            observed=h.observed,
            expected=round(h.expected, 1),
            limit=h.limit,
            p_value=h.p_value,
            status=str(SignalStatus(h.status).label),
        )
        for h in qs[:HOTSPOTS]
    ]


def monthly_report(scope: Scope, month: dt.date) -> MonthlyReport:
    """The report of `scope` (the district or one subdistrict) for the month of `month`.

    Raises ReportScopeError for a subdistrict that does not exist. A fixed number of queries
    whatever the size of the month (the roll-ups' rows, names, the month's hotspots)."""
    month = month_start(month)
    name = _scope_name(scope)
    summary = dashboard_summary(scope, month)
    if scope.subdistrict_id is None:
        area_level = Level.SUBDISTRICT
        areas = ranking(Level.SUBDISTRICT, month)
    else:
        area_level = Level.COMMUNITY
        areas = ranking(Level.COMMUNITY, month, within=scope.subdistrict_id)
    units = ranking(Level.UNIT, month, within=scope.subdistrict_id)
    return MonthlyReport(
        scope=scope,
        scope_name=name,
        month=month,
        as_of=summary.as_of,
        generated_at=timezone.now(),
        headlines=_headlines(summary.totals, summary.previous),
        area_level=area_level,
        areas=areas,
        units=units,
        trend=summary.trend[-TREND_MONTHS:],
        top_categories=summary.top_categories,
        categories=summary.categories[:TOP_LEAF_CATEGORIES],
        category_names={c.key: c.name for c in summary.top_categories if c.key is not None},
        hotspots=_hotspots(scope, month),
        topics=topic_candidates(
            month, limit=TOPICS, subdistrict_id=scope.subdistrict_id, examples=0
        ),
    )
