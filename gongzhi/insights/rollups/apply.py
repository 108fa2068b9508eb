"""Applying changed orders: recompute their contributions, compare with the stored ones, and
add the differences to the roll-up rows (UPDATE … SET x = x + n, INSERT when the bucket has
no row yet). Called only by the holder of the RollupState lock (refresh.py, rebuild.py), so
the UPDATE-then-INSERT of a bucket never races another writer."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable

from django.db.models import F

from gongzhi.insights.models import (
    COUNTERS,
    Counters,
    DailyRollup,
    MonthlyCategoryRollup,
    MonthlyLevelRollup,
    MonthlyPlaceCategoryRollup,
    MonthlyRollup,
    OrderContribution,
)
from gongzhi.insights.rollups.contributions import Contribution, contributions_of

Delta = list[int]

_DAILY = ("day", "subdistrict_id", "community_id", "unit_id", "category_id")
_MONTHLY = ("month", "subdistrict_id", "community_id", "unit_id")
_MONTHLY_CATEGORY = ("month", "subdistrict_id", "category_id")
_MONTHLY_PLACE_CATEGORY = ("month", "subdistrict_id", "community_id", "category_id")
_MONTHLY_LEVEL = ("month", "level", "key", "subdistrict_id")
TABLES: tuple[tuple[type[Counters], tuple[str, ...]], ...] = (
    (DailyRollup, _DAILY),
    (MonthlyRollup, _MONTHLY),
    (MonthlyCategoryRollup, _MONTHLY_CATEGORY),
    (MonthlyPlaceCategoryRollup, _MONTHLY_PLACE_CATEGORY),
    (MonthlyLevelRollup, _MONTHLY_LEVEL),
)


def _bits(flags: int) -> list[int]:
    return [(flags >> i) & 1 for i in range(len(COUNTERS))]


def _keys(c: Contribution) -> tuple[list[tuple[object, ...]], ...]:
    """The contribution's buckets in each table of TABLES."""
    return (
        [(c.day, c.subdistrict_id, c.community_id, c.unit_id, c.category_id)],
        [(c.month, c.subdistrict_id, c.community_id, c.unit_id)],
        [(c.month, c.subdistrict_id, c.category_id)],
        [(c.month, c.subdistrict_id, c.community_id, c.category_id)],
        [
            (c.month, "subdistrict", c.subdistrict_id, c.subdistrict_id),
            (c.month, "community", c.community_id, c.subdistrict_id),
            (c.month, "unit", c.unit_id, None),
        ],
    )


class Deltas:
    """The differences to add, per bucket of each roll-up table."""

    def __init__(self) -> None:
        self.tables: tuple[dict[tuple[object, ...], Delta], ...] = tuple(
            defaultdict(lambda: [0] * len(COUNTERS)) for _table in TABLES
        )

    def add(self, c: Contribution, sign: int) -> None:
        bits = _bits(c.flags)
        for table, keys in zip(self.tables, _keys(c), strict=True):
            for key in keys:
                vector = table[key]
                for i, b in enumerate(bits):
                    vector[i] += sign * b


def _stored(ids: list[int]) -> dict[int, Contribution]:
    out = {}
    for start in range(0, len(ids), 2000):
        for row in OrderContribution.objects.filter(order_id__in=ids[start : start + 2000]):
            out[row.order_id] = Contribution(
                row.order_id,
                row.day,
                row.subdistrict_id,
                row.community_id,
                row.unit_id,
                row.category_id,
                row.flags,
            )
    return out


def _add(
    model: type[Counters], fields: tuple[str, ...], key: tuple[object, ...], delta: Delta
) -> None:
    changes = {c: d for c, d in zip(COUNTERS, delta, strict=True) if d}
    if not changes:
        return
    where = dict(zip(fields, key, strict=True))  # a None value filters IS NULL
    updated = model._default_manager.filter(**where).update(
        **{c: F(c) + d for c, d in changes.items()}
    )
    if not updated:
        model._default_manager.create(**where, **changes)


def apply_orders(order_ids: Iterable[int], *, as_of: dt.datetime) -> int:
    """Bring the roll-ups up to date for these orders; returns how many orders changed.
    Idempotent: an order whose contribution did not change adds nothing."""
    ids = sorted(set(order_ids))
    if not ids:
        return 0
    new = contributions_of(ids, as_of=as_of)
    old = _stored(ids)
    deltas = Deltas()
    changed: list[Contribution] = []
    gone: list[int] = []
    for oid in ids:
        before, after = old.get(oid), new.get(oid)
        if before == after:
            continue
        if before is not None:
            deltas.add(before, -1)
        if after is not None:
            deltas.add(after, +1)
            changed.append(after)
        else:
            gone.append(oid)
    for (model, fields), table in zip(TABLES, deltas.tables, strict=True):
        for key, delta in table.items():
            _add(model, fields, key, delta)
    if gone:
        OrderContribution.objects.filter(order_id__in=gone).delete()
    if changed:
        OrderContribution.objects.bulk_create(
            [
                OrderContribution(
                    order_id=c.order_id,
                    day=c.day,
                    subdistrict_id=c.subdistrict_id,
                    community_id=c.community_id,
                    unit_id=c.unit_id,
                    category_id=c.category_id,
                    flags=c.flags,
                )
                for c in changed
            ],
            update_conflicts=True,
            unique_fields=["order_id"],
            update_fields=[
                "day",
                "subdistrict_id",
                "community_id",
                "unit_id",
                "category_id",
                "flags",
            ],
            batch_size=1000,
        )
    return len(changed) + len(gone)
