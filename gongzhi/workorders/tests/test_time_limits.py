"""The seeded time limits (taxonomy.seed_time_limits): a table per category × urgency that
sla.py uses for every new order, and that an administrator edits."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from gongzhi.testing import World
from gongzhi.workorders import sla, taxonomy
from gongzhi.workorders.models import Category, TimeLimit, Urgency
from gongzhi.workorders.tests.factories import category, receive

CST = sla.SHANGHAI
# Monday 2 March 2026, 10:00: an ordinary working week follows.
MONDAY = dt.datetime(2026, 3, 2, 10, 0, tzinfo=CST)


def end_of(year: int, month: int, day: int) -> dt.datetime:
    return dt.datetime(year, month, day, 23, 59, 59, tzinfo=CST)


@pytest.fixture
def seeded(db: None) -> int:
    taxonomy.seed_categories()
    return taxonomy.seed_time_limits()


def test_every_top_level_category_has_a_row_for_each_urgency(seeded: int) -> None:
    roots = Category.objects.filter(parent=None)

    for root in roots:
        assert set(root.time_limits.values_list("urgency", flat=True)) == set(Urgency.values)
    assert seeded == 3 * roots.count() + sum(len(u) for u in taxonomy.LIMIT_OVERRIDES.values())


def test_every_override_names_a_seeded_category(seeded: int) -> None:
    codes = set(Category.objects.values_list("code", flat=True))

    assert set(taxonomy.LIMIT_OVERRIDES) <= codes


def test_no_seeded_limit_is_slower_when_more_urgent(seeded: int) -> None:
    start = MONDAY
    for code in Category.objects.values_list("code", flat=True):
        due = {
            u: sla.deadlines_for(start=start, category=Category.objects.get(code=code), urgency=u)
            for u in Urgency.values
        }
        assert due["emergency"].resolve_due_at <= due["urgent"].resolve_due_at, code
        assert due["urgent"].resolve_due_at <= due["normal"].resolve_due_at, code
        assert due["emergency"].contact_due_at <= due["urgent"].contact_due_at, code
        assert due["urgent"].contact_due_at <= due["normal"].contact_due_at, code


def test_seeding_again_creates_nothing(seeded: int) -> None:
    assert taxonomy.seed_time_limits() == 0


def test_seeding_keeps_a_row_the_administrator_edited(seeded: int) -> None:
    row = TimeLimit.objects.get(category__code="noise", urgency=Urgency.NORMAL)
    row.resolve_amount = 5
    row.save()

    taxonomy.seed_time_limits()

    row.refresh_from_db()
    assert row.resolve_amount == 5


@time_machine.travel(MONDAY, tick=False)
def test_a_gas_leak_filed_as_ordinary_gets_the_emergency_limits(world: World, seeded: int) -> None:
    order = receive(world, category=category("gas-leak"))

    assert order.contact_due_at == MONDAY + dt.timedelta(hours=1)
    assert order.resolve_due_at == MONDAY + dt.timedelta(hours=24)


@time_machine.travel(MONDAY, tick=False)
def test_no_water_is_contacted_within_two_hours_and_resolved_within_a_day(
    world: World, seeded: int
) -> None:
    order = receive(world, category=category("water-outage"))

    assert order.contact_due_at == MONDAY + dt.timedelta(hours=2)
    assert order.resolve_due_at == MONDAY + dt.timedelta(hours=24)


@time_machine.travel(MONDAY, tick=False)
def test_a_broken_elevator_is_contacted_within_four_hours_and_fixed_in_three_working_days(
    world: World, seeded: int
) -> None:
    order = receive(world, category=category("property-elevator"))

    assert order.contact_due_at == MONDAY + dt.timedelta(hours=4)
    assert order.resolve_due_at == end_of(2026, 3, 5)  # Tue, Wed, Thu


@time_machine.travel(MONDAY, tick=False)
def test_a_question_about_fees_is_answered_within_three_working_days(
    world: World, seeded: int
) -> None:
    order = receive(world, category=category("heating-fees"))

    assert order.contact_due_at == MONDAY + dt.timedelta(hours=24)
    assert order.resolve_due_at == end_of(2026, 3, 5)


@time_machine.travel(MONDAY, tick=False)
def test_an_ordinary_matter_takes_the_top_level_row(world: World, seeded: int) -> None:
    order = receive(world, category=category("noise-neighbour"))

    assert order.contact_due_at == MONDAY + dt.timedelta(hours=24)
    assert order.resolve_due_at == end_of(2026, 3, 11)  # 7 working days after Monday


@time_machine.travel(MONDAY, tick=False)
def test_an_urgent_heating_failure_gets_the_without_supply_limits(
    world: World, seeded: int
) -> None:
    order = receive(world, category=category("heating-cold"), urgency=Urgency.URGENT)

    assert order.contact_due_at == MONDAY + dt.timedelta(hours=2)
    assert order.resolve_due_at == MONDAY + dt.timedelta(hours=24)


@time_machine.travel(MONDAY, tick=False)
def test_an_edited_row_applies_to_the_next_order(world: World, seeded: int) -> None:
    TimeLimit.objects.filter(category__code="noise", urgency=Urgency.NORMAL).update(
        contact_amount=12, resolve_amount=3
    )

    order = receive(world, category=category("noise-construction"))

    assert order.contact_due_at == MONDAY + dt.timedelta(hours=12)
    assert order.resolve_due_at == end_of(2026, 3, 5)


def test_the_seed_command_reports_the_time_limits(
    db: None, capsys: pytest.CaptureFixture[str]
) -> None:
    from django.core.management import call_command

    call_command("seed_workorders")
    call_command("seed_workorders")

    out = capsys.readouterr().out
    assert f"time limits created: {len(taxonomy.time_limit_rows())}" in out
    assert "time limits created: 0" in out
