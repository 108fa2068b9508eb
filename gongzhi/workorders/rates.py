"""The three rates (三率) and the composite score, per unit, community, subdistrict and the
district, per calendar month (Asia/Shanghai). Plain aggregation over the order rows, their
`contacted` events and their callbacks — a later issue keeps incremental roll-ups; this module
stays the definition they are checked against.

Counting rules (what a district reproduces its figures with):

1. **Orders that count** for month M: received in M (received_at in Asia/Shanghai), dispatched
   to a unit at least once (dispatched_at set), not declined (不予受理), not merged into another
   order (合并), and not marked unreasonable (excluded_from_scoring). Each counts once, for its
   current lead unit, its community, its subdistrict and the district.
2. **Response rate** (响应率) = orders whose first `contacted` event is at or before their
   contact deadline ÷ orders that count and are *due*: contacted, or whose contact deadline
   has passed at the time of computation (`as_of`). Orders not yet due are left out, so a month
   in progress is not dragged down by orders still inside their limit.
3. **Valid callback** (有效回访): the latest callback that reached the requester, for an order
   that counts: a callback agent's call or the requester's own rating online (Callback.channel
   "requester", which is the callback of its round). Orders without one are not in the next
   two rates.
4. **Resolution rate** (解决率) = orders whose valid callback says resolved ÷ orders with a
   valid callback.
5. **Satisfaction rate** (满意率) = (满意 × 1 + 基本满意 × w + 不满意 × 0) ÷ orders with a valid
   callback, w = GONGZHI_SATISFACTION_WEIGHTS["basically"] (0.8 by default).
6. **Composite** (综合得分) = 100 × (response × w_r + resolution × w_s + satisfaction × w_m) with
   the weights GONGZHI_RATE_WEIGHTS (0.10 / 0.45 / 0.45 by default); computed only when all
   three rates are defined.
7. **Grade**: the first of GONGZHI_GRADE_THRESHOLDS (highest first) whose minimum the composite
   reaches.

Rates and the composite are percentages rounded to two decimals once, at the end (the
composite is computed from the unrounded rates); the raw counts are returned too so that the
figures can be checked by hand.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum

from django.conf import settings
from django.db.models import Count, F, OuterRef, Q, QuerySet, Subquery
from django.utils import timezone

from gongzhi.accounts.models import Unit
from gongzhi.places.models import Community, Subdistrict
from gongzhi.workorders.models import (
    Callback,
    EventKind,
    Satisfaction,
    Status,
    WorkOrder,
    WorkOrderEvent,
)
from gongzhi.workorders.sla import SHANGHAI


class Level(StrEnum):
    UNIT = "unit"
    COMMUNITY = "community"
    SUBDISTRICT = "subdistrict"
    DISTRICT = "district"


_GROUP_FIELD = {
    Level.UNIT: "lead_unit_id",
    Level.COMMUNITY: "community_id",
    Level.SUBDISTRICT: "subdistrict_id",
}


@dataclass(frozen=True)
class Rates:
    level: str
    key: int | None  # unit / community / subdistrict id; None for the district
    name: str
    orders: int  # orders that count
    response_due: int
    responded_in_time: int
    callbacks: int  # orders with a valid callback
    resolved: int
    satisfied: int
    basically: int
    unsatisfied: int
    response_rate: float | None  # percentages, 0–100
    resolution_rate: float | None
    satisfaction_rate: float | None
    composite: float | None
    grade: str | None


def month_bounds(year: int, month: int) -> tuple[dt.datetime, dt.datetime]:
    start = dt.datetime(year, month, 1, tzinfo=SHANGHAI)
    end = dt.datetime(year + (month == 12), month % 12 + 1, 1, tzinfo=SHANGHAI)
    return start, end


def counted_orders(year: int, month: int) -> QuerySet[WorkOrder]:
    """Rule 1: the orders of month M that count."""
    start, end = month_bounds(year, month)
    return WorkOrder.objects.filter(
        received_at__gte=start,
        received_at__lt=end,
        dispatched_at__isnull=False,
        excluded_from_scoring=False,
    ).exclude(status__in=(Status.DECLINED, Status.MERGED))


def _annotated(year: int, month: int) -> QuerySet[WorkOrder]:
    first_contact = (
        WorkOrderEvent.objects.filter(order=OuterRef("pk"), kind=EventKind.CONTACTED)
        .order_by("at", "id")
        .values("at")[:1]
    )
    last_callback = Callback.objects.filter(order=OuterRef("pk"), reached=True).order_by(
        "-at", "-id"
    )
    return counted_orders(year, month).annotate(
        first_contact_at=Subquery(first_contact),
        callback_resolved=Subquery(last_callback.values("resolved")[:1]),
        callback_satisfaction=Subquery(last_callback.values("satisfaction")[:1]),
    )


def _fraction(numerator: float, denominator: int) -> float | None:
    return numerator / denominator if denominator else None


def _percent(fraction: float | None) -> float | None:
    return round(100.0 * fraction, 2) if fraction is not None else None


def grade_for(composite: float | None) -> str | None:
    if composite is None:
        return None
    for grade, minimum in settings.GONGZHI_GRADE_THRESHOLDS:
        if composite >= minimum:
            return str(grade)
    return None


def _rates(level: str, key: int | None, name: str, row: dict[str, int]) -> Rates:
    weights = settings.GONGZHI_SATISFACTION_WEIGHTS
    response = _fraction(row["responded_in_time"], row["response_due"])
    resolution = _fraction(row["resolved"], row["callbacks"])
    satisfaction = _fraction(
        row["satisfied"] * weights["satisfied"]
        + row["basically"] * weights["basically"]
        + row["unsatisfied"] * weights["unsatisfied"],
        row["callbacks"],
    )
    composite = None
    if response is not None and resolution is not None and satisfaction is not None:
        # From the unrounded rates; rounded once, at the end.
        w = settings.GONGZHI_RATE_WEIGHTS
        composite = round(
            100.0
            * (
                response * w["response"]
                + resolution * w["resolution"]
                + satisfaction * w["satisfaction"]
            ),
            2,
        )
    return Rates(
        level=level,
        key=key,
        name=name,
        orders=row["orders"],
        response_due=row["response_due"],
        responded_in_time=row["responded_in_time"],
        callbacks=row["callbacks"],
        resolved=row["resolved"],
        satisfied=row["satisfied"],
        basically=row["basically"],
        unsatisfied=row["unsatisfied"],
        response_rate=_percent(response),
        resolution_rate=_percent(resolution),
        satisfaction_rate=_percent(satisfaction),
        composite=composite,
        grade=grade_for(composite),
    )


def _aggregates(as_of: dt.datetime) -> dict[str, Count]:
    contacted = Q(first_contact_at__isnull=False)
    return {
        "orders": Count("pk"),
        "response_due": Count("pk", filter=contacted | Q(contact_due_at__lte=as_of)),
        "responded_in_time": Count(
            "pk", filter=contacted & Q(first_contact_at__lte=F("contact_due_at"))
        ),
        "callbacks": Count("pk", filter=Q(callback_resolved__isnull=False)),
        "resolved": Count("pk", filter=Q(callback_resolved=True)),
        "satisfied": Count("pk", filter=Q(callback_satisfaction=Satisfaction.SATISFIED)),
        "basically": Count("pk", filter=Q(callback_satisfaction=Satisfaction.BASICALLY)),
        "unsatisfied": Count("pk", filter=Q(callback_satisfaction=Satisfaction.UNSATISFIED)),
    }


def _names(level: Level, keys: list[int]) -> dict[int, str]:
    if level is Level.UNIT:
        return dict(Unit.objects.filter(pk__in=keys).values_list("pk", "name"))
    if level is Level.COMMUNITY:
        return dict(Community.objects.filter(pk__in=keys).values_list("pk", "name"))
    return dict(Subdistrict.objects.filter(pk__in=keys).values_list("pk", "name"))


def monthly_rates(
    *, year: int, month: int, level: str = Level.SUBDISTRICT, as_of: dt.datetime | None = None
) -> list[Rates]:
    """The rates of every unit / community / subdistrict with counted orders in the month (or
    one row for the district), best composite first (rows without a composite last)."""
    level = Level(level)
    as_of = as_of or timezone.now()
    qs = _annotated(year, month)
    if level is Level.DISTRICT:
        row = qs.aggregate(**_aggregates(as_of))
        if not row["orders"]:
            return []
        return [_rates(level, None, "", row)]
    field = _GROUP_FIELD[level]
    rows = list(
        qs.filter(**{f"{field}__isnull": False})
        .values(field)
        .annotate(**_aggregates(as_of))
        .order_by(field)
    )
    names = _names(level, [r[field] for r in rows])
    result = [_rates(level, r[field], names.get(r[field], ""), r) for r in rows]
    result.sort(key=lambda r: (r.composite is None, -(r.composite or 0), r.name))
    return result


def rates_for(
    *,
    year: int,
    month: int,
    level: str,
    key: int | None = None,
    as_of: dt.datetime | None = None,
) -> Rates | None:
    """The rates of one unit / community / subdistrict (by id) or of the district."""
    for rates in monthly_rates(year=year, month=month, level=level, as_of=as_of):
        if rates.key == key:
            return rates
    return None
