"""The background tasks and the commands, run for real (tasks through the immediate backend)."""

from __future__ import annotations

import datetime as dt

import time_machine
from django.core.management import call_command

from gongzhi.workorders.models import Category, ResponsibilityRule, Status
from gongzhi.workorders.sla import SHANGHAI
from gongzhi.workorders.tasks import auto_dispatch, scan_deadlines
from gongzhi.workorders.taxonomy import MATRIX, TREE, seed_matrix
from gongzhi.workorders.tests.factories import category, order_in, receive

IMMEDIATE = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


def test_the_scan_task_marks_overdue_orders(world, settings):
    settings.TASKS = IMMEDIATE
    with time_machine.travel(dt.datetime(2025, 10, 9, 9, 0, tzinfo=SHANGHAI), tick=False):
        order = order_in(world, Status.ACCEPTED)

    with time_machine.travel(dt.datetime(2025, 10, 18, 0, 0, tzinfo=SHANGHAI), tick=False):
        result = scan_deadlines.enqueue()

    order.refresh_from_db()
    assert result.return_value is not None and result.return_value["overdue"] == 1
    assert order.overdue


def test_the_auto_dispatch_task_places_an_order_once(world, settings):
    settings.TASKS = IMMEDIATE
    category()
    seed_matrix()
    order = receive(world)

    first = auto_dispatch.enqueue(order.pk)
    again = auto_dispatch.enqueue(order.pk)

    order.refresh_from_db()
    assert (first.return_value, again.return_value) == ("property-x", None)
    assert order.status == Status.DISPATCHED


def test_seeding_twice_creates_the_tree_and_matrix_once(db, capsys):
    call_command("seed_workorders")
    call_command("seed_workorders")

    expected = len(TREE) + sum(len(children) for *_, children in TREE)
    assert Category.objects.count() == expected
    assert ResponsibilityRule.objects.count() == len(MATRIX)
    assert "categories created: 0, matrix rules created: 0" in capsys.readouterr().out


def test_the_seeded_tree_has_the_12345_categories_the_district_uses(db):
    call_command("seed_workorders")

    names = set(Category.objects.filter(parent=None).values_list("name", flat=True))
    assert {
        "物业管理",
        "市容环境卫生",
        "违法建设",
        "噪声扰民",
        "供暖",
        "供水",
        "电动自行车充电",
        "交通秩序",
        "道路设施",
        "园林绿化",
        "养老服务",
        "医疗卫生",
        "教育",
        "劳动保障",
        "市场监管",
        "公共安全",
    } <= names
    assert Category.objects.get(code="property-elevator").is_property_matter
