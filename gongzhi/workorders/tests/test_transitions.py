"""The status side of every action: from each status the transition table does not allow, the
right person is still refused (TransitionNotAllowed) and nothing changes. And the moves the
table does allow land on the status it names."""

from __future__ import annotations

import pytest

from gongzhi.workorders.errors import TransitionNotAllowed
from gongzhi.workorders.models import Status
from gongzhi.workorders.tests.factories import order_in
from gongzhi.workorders.tests.test_permission_grid import GRID
from gongzhi.workorders.transitions import TABLE, Action, actions_from

REACHABLE = [
    Status.RECEIVED,
    Status.DISPATCHED,
    Status.ACCEPTED,
    Status.CONTACTED,
    Status.RESOLVED,
    Status.CALLED_BACK,
    Status.CLOSED,
    Status.RETURNED,
    Status.DECLINED,
    Status.MERGED,
]

# The grid's actions that are transitions (reveal is allowed in every status).
ACTION_OF = {
    name: Action(name) for name in GRID if name != "reveal" and name in Action.__members__.values()
}

WRONG = [
    (name, status)
    for name, action in ACTION_OF.items()
    for status in REACHABLE
    if status not in TABLE[action].sources
]


@pytest.mark.parametrize(("action", "status"), WRONG, ids=[f"{a}-from-{s}" for a, s in WRONG])
def test_it_refuses_an_action_the_status_does_not_allow(world, action, status):
    spec = GRID[action]
    order = order_in(world, status)
    events = order.events.count()
    person = world.person(sorted(spec.allowed)[0])

    with pytest.raises(TransitionNotAllowed) as refused:
        spec.do(world, order, person)

    order.refresh_from_db()
    assert refused.value.code == "transition_not_allowed"
    assert (order.status, order.events.count()) == (status, events)


TARGETS = [
    ("dispatch", Status.DISPATCHED),
    ("redispatch", Status.DISPATCHED),
    ("accept", Status.ACCEPTED),
    ("return", Status.RETURNED),
    ("contact", Status.CONTACTED),
    ("resolve", Status.RESOLVED),
    ("callback", Status.CALLED_BACK),
    ("close", Status.CLOSED),
    ("reopen", Status.ACCEPTED),
    ("merge", Status.MERGED),
    ("decline", Status.DECLINED),
]


@pytest.mark.parametrize(("action", "target"), TARGETS)
def test_an_allowed_action_moves_the_order_to_the_status_the_table_names(world, action, target):
    spec = GRID[action]
    order = spec.prepare(world)

    spec.do(world, order, world.person(sorted(spec.allowed)[0]))

    order.refresh_from_db()
    assert order.status == target == TABLE[Action(action)].target


def test_the_table_offers_the_desk_actions_for_a_returned_order():
    assert set(actions_from(Status.RETURNED)) == {
        Action.REDISPATCH,
        Action.MERGE,
        Action.DECLINE,
        Action.MARK_UNREASONABLE,
        Action.REVEAL,
    }
