"""The configuration intake keeps in memory (workorders.reference): an administrator's edit
applies to the next order in the process that made it, without waiting for the snapshot's
time to run out."""

from __future__ import annotations

import datetime as dt

import pytest

from gongzhi.testing import World
from gongzhi.workorders import reference
from gongzhi.workorders.errors import CategoryNotFound
from gongzhi.workorders.models import (
    Category,
    LimitUnit,
    ResponsibilityRule,
    Status,
    TimeLimit,
    Urgency,
)
from gongzhi.workorders.services import category_for
from gongzhi.workorders.taxonomy import seed_matrix
from gongzhi.workorders.tests.factories import category, receive


@pytest.fixture
def matrix(world: World) -> None:
    category()
    seed_matrix()


def test_a_rule_switched_off_is_no_longer_used_by_the_next_intake(
    world: World, matrix: None
) -> None:
    elevator = category("property-elevator")
    assert receive(world, category=elevator, auto_dispatch=True).status == Status.DISPATCHED

    for rule in ResponsibilityRule.objects.filter(category__in=elevator.lineage()):
        rule.is_active = False
        rule.save()

    assert receive(world, category=elevator, auto_dispatch=True).status == Status.RECEIVED


def test_a_rule_added_is_used_by_the_next_intake(world: World) -> None:
    heating = category("heating-cold")
    assert receive(world, category=heating, auto_dispatch=True).status == Status.RECEIVED

    ResponsibilityRule.objects.create(
        category=heating,
        scope=ResponsibilityRule.Scope.DISTRICT,
        lead_unit_code=world.units["property_x"].code,
    )

    order = receive(world, category=heating, auto_dispatch=True)
    assert order.status == Status.DISPATCHED
    assert order.lead_unit == world.units["property_x"]


def test_a_category_added_elsewhere_is_known_at_once(world: World) -> None:
    category()
    reference.current()  # the snapshot is taken before the category exists
    # A bulk write sends no signal: as if another process had added it.
    Category.objects.bulk_create([Category(code="new-matter", name="新事项")])

    assert category_for("new-matter").name == "新事项"


def test_a_category_switched_off_is_refused_at_once(world: World) -> None:
    elevator = category("property-elevator")
    category_for("property-elevator")

    elevator.is_active = False
    elevator.save()

    with pytest.raises(CategoryNotFound):
        category_for("property-elevator")


def test_an_edited_time_limit_applies_to_the_next_order(world: World) -> None:
    elevator = category("property-elevator")
    receive(world, category=elevator)  # the snapshot is taken

    TimeLimit.objects.create(
        category=elevator,
        urgency=Urgency.NORMAL,
        contact_amount=1,
        contact_unit=LimitUnit.HOURS,
        resolve_amount=2,
        resolve_unit=LimitUnit.HOURS,
    )

    order = receive(world, category=elevator)
    assert order.contact_due_at == order.received_at + dt.timedelta(hours=1)
    assert order.resolve_due_at == order.received_at + dt.timedelta(hours=2)


def test_a_property_company_switched_off_is_no_longer_named_by_the_next_intake(
    world: World, matrix: None
) -> None:
    elevator = category("property-elevator")
    property_x = world.units["property_x"]
    assert receive(world, category=elevator, auto_dispatch=True).lead_unit == property_x

    property_x.is_active = False
    property_x.save()

    assert receive(world, category=elevator, auto_dispatch=True).lead_unit != property_x


def test_a_compound_handed_to_another_company_goes_to_it_with_the_next_intake(
    world: World, matrix: None
) -> None:
    elevator = category("property-elevator")
    property_x = world.units["property_x"]
    receive(world, category=elevator, auto_dispatch=True)  # the snapshot is taken
    successor = type(property_x).objects.create(
        name="新物业公司", kind=property_x.kind, code="property-new", district=property_x.district
    )

    property_x.compounds.remove(world.compound_a1)
    successor.compounds.add(world.compound_a1)

    assert receive(world, category=elevator, auto_dispatch=True).lead_unit == successor
