"""Clusters: near-duplicate complaints of one place, category and window are one problem;
different matters, other places and other windows are not merged into it."""

from __future__ import annotations

import datetime as dt

import pytest

from gongzhi.deliberation.models import Origin
from gongzhi.insights import services
from gongzhi.insights.clusters import clusters_scan
from gongzhi.insights.hotspots.models import Cluster, SignalStatus
from gongzhi.insights.hotspots.selectors import cluster_detail, cluster_list
from gongzhi.places.models import Compound
from gongzhi.testing import World
from gongzhi.workorders.models import Category, Channel, WorkOrder
from gongzhi.workorders.sla import SHANGHAI
from gongzhi.workorders.taxonomy import seed_categories
from gongzhi.workorders.tests.factories import WorkOrderFactory

NOVEMBER = dt.date(2025, 11, 1)
AT = dt.datetime(2025, 11, 28, 10, tzinfo=SHANGHAI)

NEAR_DUPLICATES = [
    "3号楼暖气不热，室内温度只有十四度，家里有老人，请尽快处理",
    "5号楼暖气不热，室内温度才十四度，老人受不了，请尽快解决",
    "暖气不热，3号楼2单元室内温度只有十五度，请供热单位尽快处理",
    "我家在7号楼，暖气不热，室内温度只有十三度，请尽快处理",
    "小区暖气不热，室内温度只有十四度左右，请尽快派人处理",
    "1号楼暖气一直不热，室内温度只有十四度，请尽快处理一下",
]
# What else the district files that month (other places and categories): the texts the word
# weights are learnt from along with the grouped ones.
BACKGROUND = [
    ("property-elevator", "来电人反映：3号楼电梯经常停运，老人上下楼困难，请物业尽快维修"),
    ("property-sanitation", "小区垃圾桶满了没人清理，味道很大，请尽快处理"),
    ("traffic-parking", "路口违章停车严重，早高峰堵得走不动，请交通部门管理"),
    ("noise-construction", "工地晚上十点以后还在施工，噪音扰民，请查处"),
    ("property-fees", "物业费上涨没有公示，业主不认可，请相关部门核实"),
    ("water-outage", "小区突然停水，没有提前通知，请尽快恢复供水"),
    ("sanitation-ads", "楼道和单元门上贴满小广告，请清理"),
    ("property-parking", "地库车位被外来车辆占用，物业不管理"),
    ("noise-neighbour", "楼上住户夜里经常大声喧哗，影响休息"),
    ("power-outage", "片区频繁停电，冰箱里的东西都坏了，请供电公司排查"),
    ("traffic-bikes", "地铁站口共享单车乱停乱放，行人无法通行"),
    ("gas-fees", "燃气卡充值后无法使用，咨询如何处理"),
]
DIFFERENT = [
    "楼道里的暖气片漏水，把一楼地面泡了，物业不管",
    "暖气费发票一直没有开具，供热公司电话打不通",
    "锅炉房夜里噪音很大，影响休息",
]


def _file(world: World, compound: Compound, texts: list[str], month: dt.date) -> list[WorkOrder]:
    heating = Category.objects.get(code="heating-cold")
    return [
        WorkOrderFactory.create(
            category=heating,
            compound=compound,
            community=compound.community,
            subdistrict_id=compound.community.subdistrict_id,
            received_at=dt.datetime(month.year, month.month, 2 + i, 9, tzinfo=SHANGHAI),
            description=text,
        )
        for i, text in enumerate(texts)
    ]


@pytest.fixture
def filed(world: World) -> dict[str, list[WorkOrder]]:
    seed_categories()
    for i, (code, text) in enumerate(BACKGROUND * 3):
        compound = (world.compound_a1, world.compound_a2, world.compound_b1)[i // len(BACKGROUND)]
        WorkOrderFactory(
            category=Category.objects.get(code=code),
            compound=compound,
            community=compound.community,
            subdistrict_id=compound.community.subdistrict_id,
            received_at=dt.datetime(2025, 11, 1 + i % 25, 8, tzinfo=SHANGHAI),
            description=text,
        )
    return {
        "duplicates": _file(world, world.compound_a1, NEAR_DUPLICATES, NOVEMBER),
        "different": _file(world, world.compound_a1, DIFFERENT, NOVEMBER),
    }


def test_near_duplicates_of_one_compound_are_one_cluster(
    filed: dict[str, list[WorkOrder]],
) -> None:
    result = clusters_scan(start=NOVEMBER, now=AT)
    (cluster,) = result.clusters
    assert set(cluster.orders.values_list("pk", flat=True)) == {o.pk for o in filed["duplicates"]}
    assert (cluster.size, cluster.anchor_id) == (6, filed["duplicates"][0].pk)
    assert cluster.representative_id in {o.pk for o in filed["duplicates"]}


def test_different_matters_of_the_same_category_stay_out(
    filed: dict[str, list[WorkOrder]],
) -> None:
    clusters_scan(start=NOVEMBER, now=AT)
    clustered = set(Cluster.objects.values_list("orders", flat=True))
    assert not clustered & {o.pk for o in filed["different"]}


def test_the_same_complaints_elsewhere_or_in_another_month_are_other_clusters(
    world: World, filed: dict[str, list[WorkOrder]]
) -> None:
    _file(world, world.compound_b1, NEAR_DUPLICATES[:4], NOVEMBER)
    _file(world, world.compound_a1, NEAR_DUPLICATES[:4], dt.date(2025, 10, 1))
    result = clusters_scan(start=NOVEMBER, now=AT)
    assert sorted((c.compound_id, c.size) for c in result.clusters) == sorted(
        [(world.compound_a1.pk, 6), (world.compound_b1.pk, 4)]
    )


def test_a_rescan_finds_the_same_cluster_again(filed: dict[str, list[WorkOrder]]) -> None:
    first = clusters_scan(start=NOVEMBER, now=AT)
    again = clusters_scan(start=NOVEMBER, now=AT + dt.timedelta(hours=1))
    assert (first.new, again.new, again.removed) == (1, 0, 0)
    assert Cluster.objects.get().size == 6


def test_a_cluster_becomes_a_proactive_order_and_a_proposal(
    world: World, filed: dict[str, list[WorkOrder]]
) -> None:
    (cluster,) = clusters_scan(start=NOVEMBER, now=AT).clusters
    by = world.person("secretary_a1")
    order = services.cluster_to_proactive_order(cluster=cluster, by=by, auto_dispatch=False, at=AT)
    proposal = services.cluster_to_proposal(cluster=cluster, by=by, at=AT)
    cluster.refresh_from_db()
    assert (order.channel, cluster.work_order_id) == (Channel.PROACTIVE, order.pk)
    assert (proposal.origin, cluster.proposal_id) == (Origin.WORK_ORDERS, proposal.pk)
    assert set(proposal.work_orders.values_list("pk", flat=True)) == {
        o.pk for o in filed["duplicates"]
    }
    assert list(order.clusters.all()) == [cluster]  # type: ignore[attr-defined, unused-ignore]


def test_an_acted_cluster_is_kept_as_it_was_when_new_orders_come(
    world: World, filed: dict[str, list[WorkOrder]]
) -> None:
    (cluster,) = clusters_scan(start=NOVEMBER, now=AT).clusters
    services.cluster_to_proactive_order(
        cluster=cluster, by=world.person("secretary_a1"), auto_dispatch=False, at=AT
    )
    later = _file(world, world.compound_a1, NEAR_DUPLICATES[:3], dt.date(2025, 11, 20))
    result = clusters_scan(start=NOVEMBER, now=AT + dt.timedelta(days=1))
    cluster.refresh_from_db()
    assert (cluster.size, cluster.status) == (6, SignalStatus.ACTED)
    (fresh,) = result.clusters
    assert set(fresh.orders.values_list("pk", flat=True)) == {o.pk for o in later}


def test_the_clusters_of_a_place_are_seen_by_its_staff_only(
    world: World, filed: dict[str, list[WorkOrder]]
) -> None:
    (cluster,) = clusters_scan(start=NOVEMBER, now=AT).clusters
    assert list(cluster_list(world.person("secretary_a1"), period_start=NOVEMBER)) == [cluster]
    assert not cluster_list(world.person("secretary_b1")).exists()
    assert cluster_detail(world.person("resident_a1"), cluster.pk) is None


def test_a_month_without_orders_has_no_clusters(world: World) -> None:
    result = clusters_scan(start=NOVEMBER, now=AT)
    assert (result.groups, result.clusters) == (0, [])
