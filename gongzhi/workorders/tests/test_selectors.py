"""Who sees which orders, the queues' order, and pinned query counts."""

from __future__ import annotations

import pytest
from django.utils import timezone

from gongzhi.workorders import services
from gongzhi.workorders.errors import NotFound
from gongzhi.workorders.models import Status, Urgency
from gongzhi.workorders.selectors import (
    callback_desk,
    dispatcher_desk,
    order_detail,
    order_get_for,
    order_lookup_public,
    orders_visible_to,
    unit_queue,
)
from gongzhi.workorders.tests.factories import category, order_in, receive


@pytest.fixture
def orders(world):
    """a1: at compound A1, led by property X (community A1 assists).
    a2: at compound A2, led by subdistrict office A.
    b1: at compound B1, led by the community committee B1, traffic department whistled.
    mine: filed by resident_a1 through the app at compound B1, still received.
    """
    p = world.person
    a1 = order_in(world, Status.RECEIVED)
    a1 = services.workorder_dispatch(
        order=a1,
        by=p("dispatcher"),
        lead=world.units["property_x"],
        assisting=[world.units["cc_a1"]],
    )
    a2 = order_in(world, Status.DISPATCHED, lead="so_a", lng=116.45, lat=39.95)
    b1 = receive(world, lng=116.60, lat=39.95, compound=None)
    b1 = services.workorder_dispatch(order=b1, by=p("dispatcher"), lead=world.units["cc_b1"])
    mine = receive(world, by=p("resident_a1"), channel="app", lng=116.61, lat=39.95)
    return {"a1": a1, "a2": a2, "b1": b1, "mine": mine}


def _traffic_whistled(world, orders):
    # subdistrict B has no staff in the cast; a whistle row is written the way the service
    # would, to show the department sees what it was summoned to.
    from gongzhi.workorders.models import WhistleCall

    WhistleCall.objects.create(
        order=orders["b1"],
        department=world.units["dept_traffic"],
        called_by=world.person("dispatcher"),
        caller_unit=world.units["so_b"],
        called_at=timezone.now(),
        report_due_at=timezone.now(),
        action_due_at=timezone.now(),
    )


VISIBLE = {
    "resident_a1": {"mine"},
    "rider": set(),
    "volunteer_a1": set(),
    "social_worker_a1": {"a1"},
    "secretary_a1": {"a1"},
    "secretary_b1": {"b1", "mine"},
    "subdistrict_staff_a": {"a1", "a2"},
    "district_staff": {"a1", "a2", "b1", "mine"},
    "department_staff_traffic": {"b1"},
    "property_staff_x": {"a1", "b1", "mine"},  # property X serves compounds A1 and B1
    "operator": {"a1", "a2", "b1", "mine"},
    "dispatcher": {"a1", "a2", "b1", "mine"},
    "callback_agent": {"a1", "a2", "b1", "mine"},
    "admin": {"a1", "a2", "b1", "mine"},
}


@pytest.mark.parametrize(("person", "expected"), VISIBLE.items())
def test_each_person_sees_exactly_the_orders_of_their_scope(world, orders, person, expected):
    _traffic_whistled(world, orders)
    names = {v.pk: k for k, v in orders.items()}

    seen = {names[o.pk] for o in orders_visible_to(world.person(person))}

    assert seen == expected


def test_an_order_outside_the_scope_is_not_found(world, orders):
    with pytest.raises(NotFound):
        order_get_for(world.person("secretary_a1"), orders["a2"].number)

    assert order_get_for(world.person("secretary_a1"), orders["a1"].number) == orders["a1"]


def test_anyone_may_follow_an_order_with_its_number_and_phone(world, orders):
    number = orders["mine"].number

    assert order_lookup_public(number, "13912341234") == orders["mine"]
    assert order_lookup_public(number, "13900000000") is None


def test_a_units_queue_puts_emergencies_first_then_the_nearest_deadline(world):
    normal = order_in(world, Status.DISPATCHED)
    urgent = order_in(world, Status.DISPATCHED, urgency=Urgency.URGENT)
    emergency = order_in(world, Status.ACCEPTED, urgency=Urgency.EMERGENCY)
    order_in(world, Status.RESOLVED)  # no longer in the queue

    queue = list(unit_queue(world.units["property_x"]))

    assert queue == [emergency, urgent, normal]


def test_the_desks_hold_what_waits_for_them(world):
    waiting = order_in(world, Status.RECEIVED)
    returned = order_in(world, Status.RETURNED)
    resolved = order_in(world, Status.RESOLVED)

    assert set(dispatcher_desk()) == {waiting, returned}
    assert list(callback_desk()) == [resolved]


def test_listing_orders_takes_a_fixed_number_of_queries(world, django_assert_num_queries):
    for code in ("property-elevator", "noise-neighbour", "traffic-parking"):
        order_in(world, Status.DISPATCHED, category=category(code))
    person = world.person("subdistrict_staff_a")
    person.refresh_from_db()  # forget cached memberships

    with django_assert_num_queries(2):  # memberships, then the orders with their relations
        rows = [
            (o.number, o.category.name, str(o.lead_unit), str(o.community))
            for o in orders_visible_to(person)
        ]

    assert len(rows) == 3


def test_a_queue_takes_one_query(world, django_assert_num_queries):
    for _ in range(3):
        order_in(world, Status.DISPATCHED)

    with django_assert_num_queries(1):
        rows = [
            (o.number, o.category.name, str(o.compound))
            for o in unit_queue(world.units["property_x"])
        ]

    assert len(rows) == 3


def test_the_order_page_loads_in_a_fixed_number_of_queries(world, django_assert_num_queries):
    order = order_in(world, Status.CLOSED)

    with django_assert_num_queries(7):
        detail = order_detail(order)
        kinds = [(e.kind, e.actor and e.actor.username, e.actor_unit) for e in detail.events.all()]
        units = [a.unit.name for a in detail.assignments.all()]
        extras = [*detail.photos.all(), *detail.whistle_calls.all(), *detail.callbacks.all()]
        extensions = list(detail.extensions.all())

    assert len(kinds) == 7 and units and extras and extensions == []
