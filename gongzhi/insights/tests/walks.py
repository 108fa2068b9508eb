"""Random lifecycles through the real services: orders received over two months at the test
world's places, then moved step by step by whichever action their status allows — dispatch,
return, redispatch to another unit, decline, merge, unreasonable marks, contact, resolve,
callbacks that reopen, unreached callbacks, close, reopen — with the deadline scan running in
between. The clock only moves forward (every service gets `at=`)."""

from __future__ import annotations

import contextlib
import datetime as dt
import random
from collections.abc import Callable

from gongzhi.accounts.models import Person, Unit
from gongzhi.testing import World
from gongzhi.workorders import services
from gongzhi.workorders.errors import WorkOrderError
from gongzhi.workorders.models import Status, WorkOrder
from gongzhi.workorders.sla import SHANGHAI
from gongzhi.workorders.tests.factories import category, receive

HANDLER = {
    "property_x": "property_staff_x",
    "so_a": "subdistrict_staff_a",
    "cc_a1": "secretary_a1",
    "dept_traffic": "department_staff_traffic",
}
POINTS = [(116.35, 39.95), (116.45, 39.95), (116.60, 39.95), None]
CATEGORIES = ["property-elevator", "noise-neighbour", "heating-cold", "roads-lights"]
START = dt.datetime(2025, 9, 20, 8, 0, tzinfo=SHANGHAI)


class Walk:
    def __init__(self, world: World, seed: int) -> None:
        self.w = world
        self.rng = random.Random(seed)
        self.now = START
        self.orders: list[WorkOrder] = []

    def tick(self, hours: float) -> dt.datetime:
        self.now += dt.timedelta(hours=self.rng.uniform(0.05, hours))
        return self.now

    def person(self, name: str) -> Person:
        return self.w.person(name)

    def receive(self) -> WorkOrder:
        point = self.rng.choice(POINTS)
        lng, lat = point if point else (None, None)
        order = receive(
            self.w,
            at=self.tick(6),
            lng=lng,
            lat=lat,
            category=category(self.rng.choice(CATEGORIES)),
        )
        self.orders.append(order)
        return order

    def lead_of(self, order: WorkOrder) -> str | None:
        for key, unit in self.w.units.items():
            if unit.pk == order.lead_unit_id:
                return key
        return None

    def handler(self, order: WorkOrder) -> Person | None:
        lead = self.lead_of(order)
        return self.person(HANDLER[lead]) if lead in HANDLER else None

    def actions(self, order: WorkOrder) -> list[Callable[[WorkOrder], WorkOrder]]:
        s = order.status
        d = self.person("dispatcher")
        agent = self.person("callback_agent")
        rng = self.rng
        at = self.now

        def lead() -> Unit:
            return self.w.units[rng.choice(list(HANDLER))]

        acts: list[Callable[[WorkOrder], WorkOrder]] = []
        if s == Status.RECEIVED:
            acts += [lambda o: services.workorder_dispatch(order=o, by=d, lead=lead(), at=at)] * 6
            acts.append(
                lambda o: services.workorder_decline(order=o, by=d, reason_code="no_content", at=at)
            )
        if s in (Status.RECEIVED, Status.DISPATCHED, Status.RETURNED) and len(self.orders) > 1:
            acts.append(self.merge)
        if s == Status.RETURNED:
            acts.append(lambda o: services.workorder_redispatch(order=o, by=d, lead=lead(), at=at))
            acts.append(
                lambda o: services.workorder_decline(order=o, by=d, reason_code="litigation", at=at)
            )
        handler = self.handler(order)
        if s == Status.DISPATCHED and handler:
            acts += [lambda o: services.workorder_accept(order=o, by=handler, at=at)] * 5
            acts.append(
                lambda o: services.workorder_return(order=o, by=handler, reason="非本单位", at=at)
            )
        if s in (Status.DISPATCHED, Status.ACCEPTED, Status.CONTACTED):
            acts.append(lambda o: services.workorder_redispatch(order=o, by=d, lead=lead(), at=at))
        if s == Status.ACCEPTED and handler:
            acts += [lambda o: services.workorder_contact(order=o, by=handler, at=at)] * 5
        if s == Status.CONTACTED and handler:
            acts += [
                lambda o: services.workorder_resolve(order=o, by=handler, feedback="已处理", at=at)
            ] * 4
        if s == Status.RESOLVED:
            acts += [self.callback] * 5
            acts.append(
                lambda o: services.workorder_callback(order=o, by=agent, reached=False, at=at)
            )
            acts.append(lambda o: services.workorder_close(order=o, by=agent, at=at))
        if s == Status.CALLED_BACK:
            acts.append(lambda o: services.workorder_close(order=o, by=agent, at=at))
            acts.append(
                lambda o: services.workorder_reopen(order=o, by=agent, reason="仍未解决", at=at)
            )
        if s == Status.CLOSED:
            acts.append(
                lambda o: services.workorder_reopen(order=o, by=agent, reason="再次反映", at=at)
            )
        if s not in (Status.MERGED, Status.DECLINED) and not order.excluded_from_scoring:
            acts.append(
                lambda o: services.workorder_mark_unreasonable(
                    order=o, by=d, reason="无理诉求", at=at
                )
            )
        return acts

    def callback(self, order: WorkOrder) -> WorkOrder:
        resolved = self.rng.random() < 0.75
        satisfaction = self.rng.choice(["satisfied", "basically", "unsatisfied"])
        return services.workorder_callback(
            order=order,
            by=self.person("callback_agent"),
            resolved=resolved,
            satisfaction=satisfaction,
            close=self.rng.random() < 0.3,
            at=self.now,
        )

    def merge(self, order: WorkOrder) -> WorkOrder:
        others = [
            o
            for o in self.orders
            if o.pk != order.pk and o.status not in (Status.MERGED, Status.DECLINED)
        ]
        if not others:
            return order
        return services.workorder_merge(
            order=order, into=self.rng.choice(others), by=self.person("dispatcher"), at=self.now
        )

    def step(self) -> None:
        """One thing happens: a new order, a step on an open order, or the deadline scan."""
        roll = self.rng.random()
        if roll < 0.25 or not self.orders:
            self.receive()
            return
        if roll < 0.3:
            services.deadlines_scan(now=self.tick(3))
            return
        order = self.rng.choice(self.orders)
        order = WorkOrder.objects.get(pk=order.pk)
        self.tick(10)
        acts = self.actions(order)
        if not acts:
            return
        act = self.rng.choice(acts)
        # A rule may say no (the person, a merge target); the walk goes on.
        with contextlib.suppress(WorkOrderError):
            act(order)
