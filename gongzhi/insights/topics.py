"""Monthly topic candidates (每月一题): the month's problems of the district (or of one
subdistrict) ranked by how often they come, how often they come back, how badly they are
resolved and how widely they are spread, each with the figures behind its score.

A problem is a category (the leaf of the tree), or, with `by_place_kind`, a category × the
kind of compound the orders come from (商品房, 老旧的房改房, 回迁房 …).

For each problem c of month M:

    n    orders received (by category: the roll-ups' MonthlyCategoryRollup)
    F  = ln(1 + n) ÷ ln(1 + n_max)                                  frequency
    R  = ½ · repeat_orders ÷ n  +  ½ · persistent_places ÷ places    repetition
         repeat_orders: orders of M from a requester (by phone) who filed the same problem
         at least twice in M and the GONGZHI_TOPIC_REPEAT_DAYS before it (one GROUP BY over
         those orders); persistent_places: places with orders of c in M and in at least two
         of the three months before
    U  = ½ · (1 − resolution~) + ½ · (1 − satisfaction~)              low resolution
         the rates of rates.py from the callback counters, shrunk toward the district's rate
         of the month as if c had GONGZHI_TOPIC_RATE_PRIOR more callbacks at that rate
         (x~ = (k + p·r_district) ÷ (callbacks + p)), so that one bad callback does not top
         the list
    S  = places with orders of c ÷ places with any order in M        spread
         (places: communities; with by_place_kind, compounds of that kind)

    score = 100 · (w_F·F/max F + w_R·R/max R + w_U·U/max U + w_S·S/max S)

each part divided by its largest value among the month's problems, the weights
GONGZHI_TOPIC_WEIGHTS (summing to 1, so a problem that leads on every part scores 100).

With `by_place_kind` the counts come from CompoundMonthCount and the callback counters from
the roll-ups' per-order bits (OrderContribution) joined to the orders' compounds, as the
roll-up tables have no compound kind; orders without a compound are left out, and a requester
repeats within the same kind of compound.
"""

from __future__ import annotations

import datetime as dt
import math
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db import connection
from django.db.models import Sum

from gongzhi.insights.hotspots.counts import add_months, local_bounds, next_month
from gongzhi.insights.hotspots.models import CompoundMonthCount
from gongzhi.insights.models import (
    MonthlyCategoryRollup,
    MonthlyPlaceCategoryRollup,
    OrderContribution,
)
from gongzhi.insights.rollups.contributions import BIT
from gongzhi.places.models import Community, Compound
from gongzhi.workorders.models import Category, Status, WorkOrder

Key = tuple[int, str]  # category id, place kind ("" when not split)
PARTS = ("frequency", "repetition", "unresolved", "spread")


@dataclass
class TopicCandidate:
    category_id: int
    category_name: str
    parent_name: str
    place_kind: str  # "" unless by_place_kind
    score: float = 0.0
    parts: dict[str, float] = field(default_factory=dict)  # F, R, U, S before normalising
    evidence: dict[str, Any] = field(default_factory=dict)

    @property
    def place_kind_label(self) -> str:
        return str(Compound.Kind(self.place_kind).label) if self.place_kind else ""


@dataclass
class _Counts:
    n: int = 0
    callbacks: int = 0
    resolved: int = 0
    satisfied: int = 0
    basically: int = 0
    unsatisfied: int = 0
    places: set[int] = field(default_factory=set)
    by_place: dict[int, int] = field(default_factory=dict)
    repeat_orders: int = 0
    persistent: int = 0
    previous: int = 0
    last_year: int = 0


def _rates(c: _Counts) -> tuple[float, float]:
    w = settings.GONGZHI_SATISFACTION_WEIGHTS
    sat = (
        c.satisfied * w["satisfied"]
        + c.basically * w["basically"]
        + c.unsatisfied * w["unsatisfied"]
    )
    return float(c.resolved), float(sat)


# --- by category, from the roll-ups ----------------------------------------------------------


def _by_category(month: dt.date, subdistrict_id: int | None) -> dict[Key, _Counts]:
    def monthly(m: dt.date) -> list[dict[str, Any]]:
        qs = MonthlyCategoryRollup.objects.filter(month=m)
        if subdistrict_id is not None:
            qs = qs.filter(subdistrict_id=subdistrict_id)
        rows = qs.values("category_id").annotate(
            n=Sum("received"),
            cb=Sum("callbacks"),
            res=Sum("callbacks_resolved"),
            s=Sum("satisfied"),
            b=Sum("basically"),
            u=Sum("unsatisfied"),
        )
        return [dict(r) for r in rows.order_by()]

    out: dict[Key, _Counts] = {}
    for r in monthly(month):
        if r["n"]:
            out[(r["category_id"], "")] = _Counts(
                n=r["n"],
                callbacks=r["cb"] or 0,
                resolved=r["res"] or 0,
                satisfied=r["s"] or 0,
                basically=r["b"] or 0,
                unsatisfied=r["u"] or 0,
            )
    for m, attr in ((add_months(month, -1), "previous"), (add_months(month, -12), "last_year")):
        for r in monthly(m):
            if (r["category_id"], "") in out:
                setattr(out[(r["category_id"], "")], attr, r["n"] or 0)
    places = MonthlyPlaceCategoryRollup.objects.filter(
        month__gte=add_months(month, -3),
        month__lte=month,
        community_id__isnull=False,
        received__gt=0,
    )
    if subdistrict_id is not None:
        places = places.filter(subdistrict_id=subdistrict_id)
    months_seen: dict[tuple[int, int], int] = defaultdict(int)
    for m, community, category, n in places.values_list(
        "month", "community_id", "category_id", "received"
    ):
        counts = out.get((category, ""))
        if counts is None:
            continue
        if m == month:
            counts.places.add(community)
            counts.by_place[community] = counts.by_place.get(community, 0) + n
        else:
            months_seen[(community, category)] += 1
    for (category, _kind), counts in out.items():
        counts.persistent = sum(1 for p in counts.places if months_seen[(p, category)] >= 2)
    return out


def _all_places(month: dt.date, subdistrict_id: int | None) -> int:
    qs = MonthlyPlaceCategoryRollup.objects.filter(
        month=month, community_id__isnull=False, received__gt=0
    )
    if subdistrict_id is not None:
        qs = qs.filter(subdistrict_id=subdistrict_id)
    return qs.values("community_id").distinct().count()


# --- by category × compound kind, from the compound counts and the orders --------------------


def _kinds() -> dict[int, str]:
    return dict(Compound.objects.values_list("pk", "kind"))


def _by_kind(
    month: dt.date, subdistrict_id: int | None
) -> tuple[dict[Key, _Counts], dict[str, int]]:
    kinds = _kinds()
    out: dict[Key, _Counts] = defaultdict(_Counts)
    all_places: dict[str, set[int]] = defaultdict(set)
    qs = CompoundMonthCount.objects.filter(
        month__in=[month, *(add_months(month, -k) for k in (1, 2, 3, 12))], received__gt=0
    )
    if subdistrict_id is not None:
        qs = qs.filter(subdistrict_id=subdistrict_id)
    months_seen: dict[tuple[int, int], int] = defaultdict(int)
    earlier: list[tuple[dt.date, int, int, int]] = []
    for m, compound, category, n in qs.values_list(
        "month", "compound_id", "category_id", "received"
    ):
        kind = kinds.get(compound, "")
        if m == month:
            counts = out[(category, kind)]
            counts.n += n
            counts.places.add(compound)
            counts.by_place[compound] = counts.by_place.get(compound, 0) + n
            all_places[kind].add(compound)
        else:
            earlier.append((m, compound, category, n))
    for m, compound, category, n in earlier:
        key = (category, kinds.get(compound, ""))
        if key not in out:
            continue
        if m == add_months(month, -1):
            out[key].previous += n
        if m == add_months(month, -12):
            out[key].last_year += n
        if m >= add_months(month, -3):
            months_seen[(compound, category)] += 1
    for (category, _kind), counts in out.items():
        counts.persistent = sum(1 for p in counts.places if months_seen[(p, category)] >= 2)
    # The callback counters of the month's orders by compound kind: the roll-ups' own
    # per-order bits (OrderContribution), joined to the orders' compounds.
    qn = connection.ops.quote_name
    d = connection.ops.adapt_datefield_value
    sums = ", ".join(
        f"SUM(CASE WHEN (oc.flags & {BIT[c]}) <> 0 THEN 1 ELSE 0 END)"
        for c in ("callbacks", "callbacks_resolved", "satisfied", "basically", "unsatisfied")
    )
    where = "oc.day >= %s AND oc.day < %s"
    params: list[Any] = [d(month), d(next_month(month))]
    if subdistrict_id is not None:
        where += " AND oc.subdistrict_id = %s"
        params.append(subdistrict_id)
    sql = (
        f"SELECT oc.category_id, c.kind, {sums} "
        f"FROM {qn(OrderContribution._meta.db_table)} oc "
        f"JOIN {qn(WorkOrder._meta.db_table)} o ON o.id = oc.order_id "
        f"JOIN {qn(Compound._meta.db_table)} c ON c.id = o.compound_id "
        f"WHERE {where} GROUP BY oc.category_id, c.kind"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        for category, kind, callbacks, resolved, satisfied, basically, unsatisfied in cursor:
            c = out.get((category, kind))
            if c is not None:
                c.callbacks, c.resolved = int(callbacks or 0), int(resolved or 0)
                c.satisfied, c.basically = int(satisfied or 0), int(basically or 0)
                c.unsatisfied = int(unsatisfied or 0)
    return dict(out), {k: len(v) for k, v in all_places.items()}


# --- repetition by requester (one GROUP BY over the month and the days before it) -------------


def _repeat_orders(month: dt.date, subdistrict_id: int | None, by_kind: bool) -> dict[Key, int]:
    qn = connection.ops.quote_name
    ops = connection.ops
    start, end = local_bounds(month, next_month(month))
    lo = start - dt.timedelta(days=settings.GONGZHI_TOPIC_REPEAT_DAYS)
    # status IN (every status): the (status, received_at) index (hotspots/counts.py).
    statuses = ", ".join(["%s"] * len(Status.values))
    where = f"o.status IN ({statuses}) AND o.received_at >= %s AND o.received_at < %s"
    where += " AND o.requester_phone <> ''"
    params: list[Any] = [ops.adapt_datetimefield_value(start), *Status.values]
    params += [ops.adapt_datetimefield_value(lo), ops.adapt_datetimefield_value(end)]
    if subdistrict_id is not None:
        where += " AND o.subdistrict_id = %s"
        params.append(subdistrict_id)
    kind = join = ""
    if by_kind:
        kind = ", c.kind"
        join = f"JOIN {qn(Compound._meta.db_table)} c ON c.id = o.compound_id"
    sql = f"""
        SELECT category_id{", kind" if by_kind else ""}, SUM(in_month) FROM (
            SELECT o.category_id{kind}, o.requester_phone,
                SUM(CASE WHEN o.received_at >= %s THEN 1 ELSE 0 END) AS in_month
            FROM {qn(WorkOrder._meta.db_table)} o {join}
            WHERE {where}
            GROUP BY o.category_id{kind}, o.requester_phone
            HAVING COUNT(*) >= 2
        ) x GROUP BY category_id{", kind" if by_kind else ""}
    """
    out: dict[Key, int] = defaultdict(int)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        for row in cursor.fetchall():
            key = (row[0], row[1]) if by_kind else (row[0], "")
            out[key] += int(row[-1] or 0)
    return out


# --- scoring --------------------------------------------------------------------------------


def _shrunk(k: float, callbacks: int, district: float) -> float:
    prior = settings.GONGZHI_TOPIC_RATE_PRIOR
    return (k + prior * district) / (callbacks + prior) if callbacks + prior else district


def _score(counts: dict[Key, _Counts], places_total: dict[str, int]) -> dict[Key, dict[str, float]]:
    total = _Counts()
    for c in counts.values():
        total.callbacks += c.callbacks
        total.resolved += c.resolved
        total.satisfied += c.satisfied
        total.basically += c.basically
        total.unsatisfied += c.unsatisfied
    res_d, sat_d = _rates(total)
    resolution_d = res_d / total.callbacks if total.callbacks else 1.0
    satisfaction_d = sat_d / total.callbacks if total.callbacks else 1.0
    n_max = max((c.n for c in counts.values()), default=0)
    parts: dict[Key, dict[str, float]] = {}
    for key, c in counts.items():
        res, sat = _rates(c)
        resolution = _shrunk(res, c.callbacks, resolution_d)
        satisfaction = _shrunk(sat, c.callbacks, satisfaction_d)
        places = len(c.places)
        parts[key] = {
            "frequency": math.log1p(c.n) / math.log1p(n_max) if n_max else 0.0,
            "repetition": 0.5 * c.repeat_orders / c.n
            + 0.5 * (c.persistent / places if places else 0.0)
            if c.n
            else 0.0,
            "unresolved": 0.5 * (1 - resolution) + 0.5 * (1 - satisfaction),
            "spread": places / places_total.get(key[1], 0) if places_total.get(key[1]) else 0.0,
            "resolution": resolution,
            "satisfaction": satisfaction,
        }
    return parts


def topic_candidates(
    month: dt.date,
    *,
    limit: int = 10,
    by_place_kind: bool = False,
    subdistrict_id: int | None = None,
    examples: int = 3,
) -> list[TopicCandidate]:
    """The month's problems ranked by score (see the module's docstring), best first, with
    their evidence: the counts behind each part, last month and the same month last year, the
    places with most orders and a few order numbers."""
    month = month.replace(day=1)
    if by_place_kind:
        counts, places_total = _by_kind(month, subdistrict_id)
    else:
        counts = _by_category(month, subdistrict_id)
        places_total = {"": _all_places(month, subdistrict_id)}
    counts = {k: c for k, c in counts.items() if c.n}
    for key, n in _repeat_orders(month, subdistrict_id, by_place_kind).items():
        if key in counts:
            counts[key].repeat_orders = n
    parts = _score(counts, places_total)
    weights = settings.GONGZHI_TOPIC_WEIGHTS
    top = {p: max((v[p] for v in parts.values()), default=0.0) for p in PARTS}
    tree = {
        pk: (name, parent)
        for pk, name, parent in Category.objects.filter(pk__in={k[0] for k in counts}).values_list(
            "pk", "name", "parent__name"
        )
    }
    candidates = []
    for key, c in counts.items():
        p = parts[key]
        score = 100.0 * sum(weights[x] * (p[x] / top[x] if top[x] else 0.0) for x in PARTS)
        name, parent = tree.get(key[0], ("", ""))
        candidates.append(
            TopicCandidate(
                category_id=key[0],
                category_name=name,
                parent_name=parent or "",
                place_kind=key[1],
                score=round(score, 2),
                parts={x: round(p[x], 4) for x in PARTS},
                evidence={
                    "orders": c.n,
                    "previous_month": c.previous,
                    "same_month_last_year": c.last_year,
                    "repeat_orders": c.repeat_orders,
                    "places": len(c.places),
                    "places_total": places_total.get(key[1], 0),
                    "persistent_places": c.persistent,
                    "callbacks": c.callbacks,
                    "resolution": round(100 * p["resolution"], 2),
                    "satisfaction": round(100 * p["satisfaction"], 2),
                    "top_places": sorted(c.by_place.items(), key=lambda kv: (-kv[1], kv[0]))[:5],
                },
            )
        )
    candidates.sort(key=lambda t: (-t.score, -t.evidence["orders"], t.category_id, t.place_kind))
    candidates = candidates[:limit]
    _name_places(candidates, by_place_kind)
    if examples:
        _examples(candidates, month, subdistrict_id, examples)
    return candidates


def _name_places(candidates: list[TopicCandidate], by_place_kind: bool) -> None:
    ids = {pk for t in candidates for pk, _n in t.evidence["top_places"]}
    model = Compound if by_place_kind else Community
    names = dict(model.objects.filter(pk__in=ids).values_list("pk", "name"))
    for t in candidates:
        t.evidence["top_places"] = [
            {"id": pk, "name": names.get(pk, ""), "orders": n} for pk, n in t.evidence["top_places"]
        ]


def _examples(
    candidates: list[TopicCandidate], month: dt.date, subdistrict_id: int | None, n: int
) -> None:
    start, end = local_bounds(month, next_month(month))
    for t in candidates:
        qs = WorkOrder.objects.filter(
            category_id=t.category_id, received_at__gte=start, received_at__lt=end
        )
        if subdistrict_id is not None:
            qs = qs.filter(subdistrict_id=subdistrict_id)
        if t.place_kind:
            qs = qs.filter(compound__kind=t.place_kind)
        t.evidence["examples"] = list(qs.order_by("-pk").values_list("number", flat=True)[:n])
