"""Work order factories. `WorkOrderFactory` makes a bare row (for selectors and rates);
`order_in(world, status)` drives the real services to bring an order to a status, so that
transition tests start from states the system itself produces."""

from __future__ import annotations

import datetime as dt
from typing import Any

import factory
from django.utils import timezone

from gongzhi.testing import World
from gongzhi.workorders import services
from gongzhi.workorders.models import (
    Category,
    Channel,
    Kind,
    Status,
    Urgency,
    WorkOrder,
)
from gongzhi.workorders.taxonomy import seed_categories


class CategoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Category
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"test-category-{n}")
    name = factory.Sequence(lambda n: f"测试类别{n}")


class WorkOrderFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = WorkOrder

    number = factory.Sequence(lambda n: f"20250101{n + 1:06d}")
    kind = Kind.COMPLAINT
    channel = Channel.HOTLINE
    category = factory.SubFactory(CategoryFactory)
    urgency = Urgency.NORMAL
    description = "楼道灯不亮"
    requester_name = "张三丰"
    requester_phone = "13912341234"
    received_at = factory.LazyFunction(timezone.now)
    status = Status.RECEIVED


def category(code: str = "property-elevator") -> Category:
    seed_categories()
    return Category.objects.get(code=code)


def receive(world: World, **overrides: Any) -> WorkOrder:
    """An order filed by the hotline operator at compound A1 (served by property X)."""
    values: dict[str, Any] = {
        "by": world.person("operator"),
        "channel": Channel.HOTLINE,
        "kind": Kind.COMPLAINT,
        "category": overrides.pop("category", None) or category(),
        "description": "3号楼电梯停运两天，老人无法下楼",
        "lng": 116.35,
        "lat": 39.95,
        "requester_name": "张三丰",
        "requester_phone": "13912341234",
        "auto_dispatch": False,
    }
    values.update(overrides)
    return services.workorder_receive(**values)


# The order of the main line; order_in walks it up to the status asked for.
_MAIN_LINE = [
    Status.RECEIVED,
    Status.DISPATCHED,
    Status.ACCEPTED,
    Status.CONTACTED,
    Status.RESOLVED,
    Status.CALLED_BACK,
    Status.CLOSED,
]


def order_in(
    world: World,
    status: str,
    *,
    lead: str = "property_x",
    at: dt.datetime | None = None,
    **receive_overrides: Any,
) -> WorkOrder:
    """An order brought to `status` through the services (lead unit `lead`, handled by the
    staff member of that unit in the cast)."""
    handler = {
        "property_x": "property_staff_x",
        "so_a": "subdistrict_staff_a",
        "cc_a1": "secretary_a1",
        "dept_traffic": "department_staff_traffic",
    }[lead]
    p = world.person
    order = receive(world, at=at, **receive_overrides)
    if status == Status.RECEIVED:
        return order
    if status in (Status.DECLINED, Status.MERGED):
        if status == Status.DECLINED:
            return services.workorder_decline(
                order=order, by=p("dispatcher"), reason_code="no_content", at=at
            )
        original = receive(world, at=at)
        return services.workorder_merge(order=order, into=original, by=p("dispatcher"), at=at)
    order = services.workorder_dispatch(
        order=order, by=p("dispatcher"), lead=world.units[lead], at=at
    )
    if status == Status.RETURNED:
        return services.workorder_return(order=order, by=p(handler), reason="非本单位职责", at=at)
    for step in _MAIN_LINE[2 : _MAIN_LINE.index(Status(status)) + 1]:
        if step == Status.ACCEPTED:
            order = services.workorder_accept(order=order, by=p(handler), at=at)
        elif step == Status.CONTACTED:
            order = services.workorder_contact(order=order, by=p(handler), note="已电话联系", at=at)
        elif step == Status.RESOLVED:
            order = services.workorder_resolve(
                order=order, by=p(handler), feedback="已联系电梯维保单位修复", at=at
            )
        elif step == Status.CALLED_BACK:
            order = services.workorder_callback(
                order=order, by=p("callback_agent"), resolved=True, satisfaction="satisfied", at=at
            )
        elif step == Status.CLOSED:
            order = services.workorder_close(order=order, by=p("callback_agent"), at=at)
    assert order.status == status, (order.status, status)
    return order
