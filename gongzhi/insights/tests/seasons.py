"""Years of orders with seasons, written in bulk with explicit dates, for the hotspot tests.

`Seasons` builds a small district (the test world's three compounds plus extra ones), then
orders month by month: heating complaints that rise every winter everywhere, a steady
background of elevator complaints, and whatever a test plants on top. Counts are drawn from a
seeded generator, so every run writes the same orders.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import numpy as np

from gongzhi.insights.hotspots.counts import add_months, compound_counts_rebuild
from gongzhi.insights.rollups import rollups_rebuild
from gongzhi.places.models import Compound
from gongzhi.places.tests.factories import CompoundFactory
from gongzhi.testing import World
from gongzhi.workorders.models import Category, Status, WorkOrder
from gongzhi.workorders.sla import SHANGHAI
from gongzhi.workorders.taxonomy import seed_categories
from gongzhi.workorders.tests.factories import WorkOrderFactory

# Heating complaints per compound and month of the year: high in the heating season (15
# November to 15 March in Beijing), a trickle otherwise.
HEATING = {1: 9, 2: 7, 3: 4, 4: 1, 5: 0.5, 6: 0.5, 7: 0.5, 8: 0.5, 9: 0.5, 10: 1, 11: 8, 12: 10}
ELEVATOR = 2.0

HEATING_TEXT = "{b}号楼暖气不热，室内温度只有十四度，老人孩子受冻，请尽快处理"
ELEVATOR_TEXT = "{b}号楼电梯经常停运，请物业维修"


@dataclass
class Seasons:
    world: World
    first: dt.date = dt.date(2023, 11, 1)
    last: dt.date = dt.date(2025, 11, 1)
    seed: int = 7
    compounds: list[Compound] = field(default_factory=list)
    heating: Category | None = None
    elevator: Category | None = None
    # (compound pk, month) → extra heating orders, or a factor on the usual level.
    extra: dict[tuple[int, dt.date], int] = field(default_factory=dict)
    factor: dict[tuple[int, dt.date], float] = field(default_factory=dict)
    written: dict[tuple[int, dt.date], int] = field(default_factory=dict)

    def __post_init__(self) -> None:
        seed_categories()
        self.heating = Category.objects.get(code="heating-cold")
        self.elevator = Category.objects.get(code="property-elevator")
        w = self.world
        self.compounds = [w.compound_a1, w.compound_a2, w.compound_b1]
        for community in (w.comm_a1, w.comm_a2, w.comm_b1, w.comm_a1, w.comm_b1, w.comm_a2):
            self.compounds.append(CompoundFactory(community=community))

    def months(self) -> list[dt.date]:
        out, m = [], self.first
        while m <= self.last:
            out.append(m)
            m = add_months(m, 1)
        return out

    def build(self) -> None:
        """Write the orders and rebuild the roll-ups and the compound counts."""
        rng = np.random.default_rng(self.seed)
        rows: list[WorkOrder] = []
        for month in self.months():
            for compound in self.compounds:
                level = HEATING[month.month] * self.factor.get((compound.pk, month), 1.0)
                n_heat = int(rng.poisson(level)) + self.extra.get((compound.pk, month), 0)
                n_lift = int(rng.poisson(ELEVATOR))
                self.written[(compound.pk, month)] = n_heat
                for i in range(n_heat):
                    rows.append(self._order(compound, self.heating, month, i, HEATING_TEXT))
                for i in range(n_lift):
                    rows.append(self._order(compound, self.elevator, month, i, ELEVATOR_TEXT))
        WorkOrder.objects.bulk_create(rows, batch_size=500)
        rollups_rebuild()
        compound_counts_rebuild()

    def _order(
        self, compound: Compound, category: Category | None, month: dt.date, i: int, text: str
    ) -> WorkOrder:
        day = 1 + (i * 7) % 27
        at = dt.datetime(month.year, month.month, day, 9 + i % 9, tzinfo=SHANGHAI)
        community = compound.community
        return WorkOrderFactory.build(
            category=category,
            compound=compound,
            community=community,
            subdistrict_id=community.subdistrict_id,
            received_at=at,
            description=text.format(b=1 + i % 12),
            status=Status.RECEIVED,
        )
