"""The indexes an intake maintains (migrations workorders 0006, notifications 0003, dispatch 0002):
a foreign key whose own index repeated another index's first column has none, a mostly empty
one has a partial index, and the constraints themselves are all still there."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection

from gongzhi.dispatch.models import DuplicateLink
from gongzhi.notifications.models import Notification
from gongzhi.workorders.models import Assignment, WorkOrder, WorkOrderEvent

pytestmark = pytest.mark.django_db

# (model, column): no index of this one column (another index starts with it, or a partial
# one holds its non-null rows).
WITHOUT_OWN_INDEX = [
    (WorkOrder, "lead_unit_id"),
    (WorkOrder, "requester_person_id"),
    (WorkOrder, "excluded_by_id"),
    (WorkOrder, "merged_into_id"),
    (WorkOrder, "created_by_id"),
    (WorkOrderEvent, "order_id"),
    (WorkOrderEvent, "actor_id"),
    (WorkOrderEvent, "actor_unit_id"),
    (Assignment, "unit_id"),
    (Notification, "recipient_person_id"),
    (Notification, "recipient_unit_id"),
    (DuplicateLink, "order_id"),
]
PARTIAL = [
    (WorkOrder, "wo_requester_person"),
    (WorkOrder, "wo_excluded_by"),
    (WorkOrder, "wo_merged_into"),
    (WorkOrder, "wo_created_by"),
    (WorkOrderEvent, "event_actor"),
    (WorkOrderEvent, "event_actor_unit"),
    (Notification, "notif_person"),
    (Notification, "notif_unit"),
]


def _constraints(model: Any) -> Any:
    with connection.cursor() as cursor:
        return connection.introspection.get_constraints(cursor, model._meta.db_table)


@pytest.mark.parametrize(("model", "column"), WITHOUT_OWN_INDEX)
def test_a_foreign_key_covered_elsewhere_has_no_index_of_its_own(model: Any, column: str) -> None:
    found = _constraints(model)
    own = [
        name
        for name, info in found.items()
        if info["index"]
        and not info["unique"]
        and info["columns"] == [column]
        and name.startswith(model._meta.db_table)
    ]
    assert own == []
    # Still a foreign key, and still the first column of some index.
    # Still a foreign key, and still the first column of some index (or unique constraint).
    assert any(
        (info["index"] or info["unique"]) and info["columns"][:1] == [column]
        for info in found.values()
    )


@pytest.mark.parametrize(("model", "name"), PARTIAL)
def test_the_partial_indexes_exist(model: Any, name: str) -> None:
    assert name in _constraints(model)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT indexdef FROM pg_indexes WHERE indexname = %s", [name])
            assert "IS NOT NULL" in cursor.fetchone()[0]
