"""What the findings pages' tests share: hotspots and clusters built as the scan would store
them (the way test_hotspots_actions.py and test_hotspots_selectors.py build them), each with
its orders, in November 2025. No tests here."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.test import Client

from gongzhi.insights.hotspots.models import Cluster, ClusterMember, Hotspot, Level, Window
from gongzhi.places.models import Compound
from gongzhi.testing import World
from gongzhi.workorders.models import Category, WorkOrder
from gongzhi.workorders.sla import SHANGHAI
from gongzhi.workorders.tests.factories import WorkOrderFactory

NOVEMBER = dt.date(2025, 11, 1)
DECEMBER = dt.date(2025, 12, 1)
AT = dt.datetime(2025, 12, 1, 10, tzinfo=SHANGHAI)


def signed_in(world: World, client: Client, name: str) -> Client:
    client.force_login(world.person(name))
    return client


def file_orders(
    world: World, compound: Compound, *, n: int, code: str = "heating-cold", **kw: Any
) -> list[WorkOrder]:
    """`n` orders of the category at the compound, one a day from November 1st, each with a
    phone number in its text (the pages mask it)."""
    category = Category.objects.get(code=code)
    return [
        WorkOrderFactory.create(
            category=category,
            compound=compound,
            community=compound.community,
            subdistrict_id=compound.community.subdistrict_id,
            received_at=dt.datetime(2025, 11, 1 + i, 9, tzinfo=SHANGHAI),
            description=f"{i + 1}号楼暖气不热，室内只有十四度，联系电话13800138000",
            **kw,
        )
        for i in range(n)
    ]


def make_hotspot(
    compound: Compound,
    *,
    code: str = "heating-cold",
    p: float = 1e-6,
    observed: int = 12,
    **kw: Any,
) -> Hotspot:
    return Hotspot.objects.create(
        level=Level.COMPOUND,
        window=Window.MONTH,
        period_start=NOVEMBER,
        period_end=DECEMBER,
        place_key=compound.pk,
        subdistrict_id=compound.community.subdistrict_id,
        community=compound.community,
        compound=compound,
        category=Category.objects.get(code=code),
        observed=observed,
        expected=3.2,
        limit=9,
        z=4.9,
        p_value=p,
        evidence={
            "baseline_months": [f"2025-{m:02d}" for m in range(1, 11)],
            "series": {"2025-01": 4, "2025-02": 3, "2025-10": 2, "2025-11": observed},
            "share": 0.05,
            "district_count": 60,
        },
        first_flagged_at=AT,
        scanned_at=AT,
        **kw,
    )


def make_cluster(orders: list[WorkOrder], **kw: Any) -> Cluster:
    first = orders[0]
    assert first.subdistrict is not None and first.community is not None
    cluster = Cluster.objects.create(
        subdistrict=first.subdistrict,
        community=first.community,
        compound=first.compound,
        category=first.category,
        period_start=NOVEMBER,
        period_end=DECEMBER,
        anchor=first,
        representative=first,
        size=len(orders),
        cohesion=0.62,
        found_at=AT,
        scanned_at=AT,
        **kw,
    )
    ClusterMember.objects.bulk_create(
        ClusterMember(cluster=cluster, order=o, similarity=0.6) for o in orders
    )
    return cluster
