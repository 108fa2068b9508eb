"""The role × action grid: every action, tried by every person of the cast, on an order in a
status that allows it (led by property company X, at compound A1 in community A1, subdistrict
A). The allowed ones succeed and append an event; the others raise NotPermitted and change
nothing. The table below is the specification; rules.py's docstring says the same in prose."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pytest

from gongzhi.accounts.models import Person
from gongzhi.testing import World
from gongzhi.workorders import services
from gongzhi.workorders.errors import NotPermitted
from gongzhi.workorders.models import Status, WorkOrder
from gongzhi.workorders.tests.factories import order_in, receive

CAST = [
    "resident_a1",
    "rider",
    "volunteer_a1",
    "social_worker_a1",
    "secretary_a1",
    "secretary_b1",
    "subdistrict_staff_a",
    "district_staff",
    "department_staff_traffic",
    "property_staff_x",
    "operator",
    "dispatcher",
    "callback_agent",
    "admin",
]


@dataclass(frozen=True)
class Spec:
    prepare: Callable[[World], WorkOrder]
    do: Callable[[World, WorkOrder, Person], object]
    allowed: frozenset[str]


def _with_pending_extension(w: World) -> WorkOrder:
    order = order_in(w, Status.ACCEPTED)
    services.workorder_extension_request(
        order=order, by=w.person("property_staff_x"), working_days=3, reason="需协调维保单位"
    )
    return order


def _assisted_by_community(w: World) -> WorkOrder:
    order = receive(w)
    order = services.workorder_dispatch(
        order=order,
        by=w.person("dispatcher"),
        lead=w.units["property_x"],
        assisting=[w.units["cc_a1"]],
    )
    return services.workorder_accept(order=order, by=w.person("property_staff_x"))


def _state(status: str) -> Callable[[World], WorkOrder]:
    return lambda w: order_in(w, status)


GRID: dict[str, Spec] = {
    "dispatch": Spec(
        _state(Status.RECEIVED),
        lambda w, o, p: services.workorder_dispatch(order=o, by=p, lead=w.units["property_x"]),
        frozenset({"dispatcher"}),
    ),
    "redispatch": Spec(
        _state(Status.RETURNED),
        lambda w, o, p: services.workorder_redispatch(order=o, by=p, lead=w.units["cc_a1"]),
        frozenset({"dispatcher"}),
    ),
    "accept": Spec(
        _state(Status.DISPATCHED),
        lambda w, o, p: services.workorder_accept(order=o, by=p),
        frozenset({"property_staff_x"}),
    ),
    "return": Spec(
        _state(Status.DISPATCHED),
        lambda w, o, p: services.workorder_return(order=o, by=p, reason="非本单位职责"),
        frozenset({"property_staff_x"}),
    ),
    "contact": Spec(
        _state(Status.ACCEPTED),
        lambda w, o, p: services.workorder_contact(order=o, by=p, note="已致电"),
        frozenset({"property_staff_x"}),
    ),
    "extension_request": Spec(
        _state(Status.ACCEPTED),
        lambda w, o, p: services.workorder_extension_request(
            order=o, by=p, working_days=2, reason="等待配件"
        ),
        frozenset({"property_staff_x"}),
    ),
    "extension_decide": Spec(
        _with_pending_extension,
        lambda w, o, p: services.workorder_extension_decide(order=o, by=p, approve=True),
        frozenset({"dispatcher"}),
    ),
    "whistle": Spec(
        _state(Status.ACCEPTED),
        lambda w, o, p: services.workorder_whistle(
            order=o, by=p, departments=[w.units["dept_traffic"]], note="占道停车"
        ),
        frozenset({"subdistrict_staff_a"}),
    ),
    "assist_done": Spec(
        _assisted_by_community,
        lambda w, o, p: services.workorder_assist_done(order=o, by=p, note="已入户查看"),
        frozenset({"social_worker_a1", "secretary_a1"}),
    ),
    "resolve": Spec(
        _state(Status.CONTACTED),
        lambda w, o, p: services.workorder_resolve(order=o, by=p, feedback="已修复"),
        frozenset({"property_staff_x"}),
    ),
    "callback": Spec(
        _state(Status.RESOLVED),
        lambda w, o, p: services.workorder_callback(
            order=o, by=p, resolved=True, satisfaction="satisfied"
        ),
        frozenset({"callback_agent"}),
    ),
    "callback_unreached": Spec(
        _state(Status.RESOLVED),
        lambda w, o, p: services.workorder_callback(order=o, by=p, reached=False),
        frozenset({"callback_agent"}),
    ),
    "close": Spec(
        _state(Status.CALLED_BACK),
        lambda w, o, p: services.workorder_close(order=o, by=p),
        frozenset({"callback_agent", "dispatcher"}),
    ),
    "reopen": Spec(
        _state(Status.CALLED_BACK),
        lambda w, o, p: services.workorder_reopen(order=o, by=p, reason="诉求人反映仍未修好"),
        frozenset({"callback_agent", "dispatcher"}),
    ),
    "merge": Spec(
        _state(Status.RECEIVED),
        lambda w, o, p: services.workorder_merge(order=o, into=receive(w), by=p),
        frozenset({"dispatcher"}),
    ),
    "decline": Spec(
        _state(Status.RECEIVED),
        lambda w, o, p: services.workorder_decline(order=o, by=p, reason_code="litigation"),
        frozenset({"dispatcher"}),
    ),
    "mark_unreasonable": Spec(
        _state(Status.RECEIVED),
        lambda w, o, p: services.workorder_mark_unreasonable(
            order=o, by=p, reason="诉求明显不合理"
        ),
        frozenset({"dispatcher", "admin"}),
    ),
    "reveal": Spec(
        _state(Status.ACCEPTED),
        lambda w, o, p: services.requester_reveal(order=o, by=p, purpose="联系诉求人"),
        frozenset({"operator", "dispatcher", "callback_agent", "admin", "property_staff_x"}),
    ),
}

ALLOWED = [(a, p) for a, spec in GRID.items() for p in CAST if p in spec.allowed]
FORBIDDEN = [(a, p) for a, spec in GRID.items() for p in CAST if p not in spec.allowed]


@pytest.mark.parametrize(("action", "person"), ALLOWED, ids=[f"{a}-{p}" for a, p in ALLOWED])
def test_it_lets_the_role_act(world, action, person):
    spec = GRID[action]
    order = spec.prepare(world)
    before = order.events.count()

    spec.do(world, order, world.person(person))

    assert order.events.count() > before


@pytest.mark.parametrize(("action", "person"), FORBIDDEN, ids=[f"{a}-{p}" for a, p in FORBIDDEN])
def test_it_refuses_the_role_and_changes_nothing(world, action, person):
    spec = GRID[action]
    order = spec.prepare(world)
    before_status = order.status
    before_events = order.events.count()

    with pytest.raises(NotPermitted) as refused:
        spec.do(world, order, world.person(person))

    order.refresh_from_db()
    assert refused.value.code == "not_permitted"
    assert (order.status, order.events.count()) == (before_status, before_events)


def test_an_api_client_may_file_on_public_channels_but_not_on_the_hotline(world):
    order = receive(world, by=None, channel="app", source="client-a")
    assert order.status == Status.RECEIVED
    with pytest.raises(NotPermitted):
        receive(world, by=None, channel="hotline")


@pytest.mark.parametrize(
    ("person", "channel", "allowed"),
    [
        ("operator", "hotline", True),
        ("resident_a1", "hotline", False),
        ("resident_a1", "app", True),
        ("rider", "rider_snap", True),
        ("resident_a1", "rider_snap", False),
        ("social_worker_a1", "walking_round", True),
        ("resident_a1", "walking_round", False),
        ("secretary_a1", "deliberation", True),
        ("property_staff_x", "deliberation", False),
        ("subdistrict_staff_a", "proactive", True),
        ("volunteer_a1", "proactive", False),
    ],
)
def test_who_may_file_on_which_channel(world, person, channel, allowed):
    if allowed:
        assert receive(world, by=world.person(person), channel=channel).pk
    else:
        with pytest.raises(NotPermitted):
            receive(world, by=world.person(person), channel=channel)
