"""Who sees which place: the full role × place grid, against the predicates and the selectors.

The table is the specification. Each cell is checked twice: against the predicate in
accounts.rules (what a view asks about one object) and against the selector in
accounts.selectors (what a list query returns), so the two cannot drift apart.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.db.models import Model, QuerySet

from gongzhi.accounts.models import Person, Role
from gongzhi.accounts.rules import can_see_community, can_see_compound, can_see_subdistrict
from gongzhi.accounts.selectors import (
    Scope,
    person_scope,
    visible_communities,
    visible_compounds,
    visible_subdistricts,
)
from gongzhi.testing import World

PLACES = (
    "sd_a",
    "sd_b",
    "comm_a1",
    "comm_a2",
    "comm_b1",
    "compound_a1",
    "compound_a2",
    "compound_b1",
)

# Y = may see, . = may not.  Compounds A1 and B1 are served by property company X.
# fmt: off
GRID_TABLE = """
                           sd_a  sd_b  comm_a1 comm_a2 comm_b1 compound_a1 compound_a2 compound_b1
district_staff              Y     Y     Y       Y       Y       Y           Y           Y
admin                       Y     Y     Y       Y       Y       Y           Y           Y
operator                    Y     Y     Y       Y       Y       Y           Y           Y
dispatcher                  Y     Y     Y       Y       Y       Y           Y           Y
callback_agent              Y     Y     Y       Y       Y       Y           Y           Y
department_staff_traffic    Y     Y     Y       Y       Y       Y           Y           Y
subdistrict_staff_a         Y     .     Y       Y       .       Y           Y           .
secretary_a1                .     .     Y       .       .       Y           .           .
social_worker_a1            .     .     Y       .       .       Y           .           .
secretary_b1                .     .     .       .       Y       .           .           Y
property_staff_x            .     .     .       .       .       Y           .           Y
resident_a1                 .     .     Y       .       .       Y           .           .
volunteer_a1                .     .     Y       .       .       Y           .           .
rider                       .     .     .       .       .       .           .           .
"""
# fmt: on


def parse_grid(table: str) -> dict[str, dict[str, bool]]:
    lines = [line.split() for line in table.strip().splitlines()]
    header, rows = lines[0], lines[1:]
    assert tuple(header) == PLACES
    grid: dict[str, dict[str, bool]] = {}
    for person, *cells in rows:
        assert len(cells) == len(PLACES), person
        assert set(cells) <= {"Y", "."}, person
        grid[person] = {place: cell == "Y" for place, cell in zip(PLACES, cells, strict=True)}
    return grid


GRID = parse_grid(GRID_TABLE)
CELLS = [
    pytest.param(person, place, expected, id=f"{person}-{place}")
    for person, row in GRID.items()
    for place, expected in row.items()
]

Rule = Callable[[Scope, Any], bool]
Selector = Callable[[Person], QuerySet[Any]]
CHECKS: dict[str, tuple[Rule, Selector]] = {
    "sd": (can_see_subdistrict, visible_subdistricts),
    "comm": (can_see_community, visible_communities),
    "compound": (can_see_compound, visible_compounds),
}


def checks_for(place: str) -> tuple[Rule, Selector]:
    return CHECKS[place.split("_")[0]]


def fresh(person: Person) -> Person:
    """The person as a request would load them, with no scope cached on the object."""
    return Person.objects.get(pk=person.pk)


def place_of(world: World, place: str) -> Model:
    obj: Model = getattr(world, place)
    # Load as views do (community with its subdistrict) so the rule is tested on a fresh row.
    return type(obj)._default_manager.get(pk=obj.pk)


def test_the_grid_covers_the_whole_cast_and_every_role(world: World) -> None:
    assert set(GRID) == set(world.people)
    roles = {m.role for p in world.people.values() for m in p.memberships.all()}
    assert roles == set(Role.values)


@pytest.mark.parametrize(("person", "place", "expected"), CELLS)
def test_the_rule_agrees_with_the_grid(
    world: World, person: str, place: str, expected: bool
) -> None:
    rule, _ = checks_for(place)
    assert rule(person_scope(fresh(world.person(person))), place_of(world, place)) is expected


@pytest.mark.parametrize(("person", "place", "expected"), CELLS)
def test_the_selector_agrees_with_the_grid(
    world: World, person: str, place: str, expected: bool
) -> None:
    _, selector = checks_for(place)
    visible = selector(fresh(world.person(person)))
    assert visible.filter(pk=place_of(world, place).pk).exists() is expected


@pytest.mark.parametrize("person", GRID)
@pytest.mark.parametrize("kind", CHECKS)
def test_the_selector_lists_exactly_the_visible_places_once(
    world: World, person: str, kind: str
) -> None:
    # The selectors OR several filters together: a place reached twice must appear once.
    _, selector = CHECKS[kind]
    listed = [obj.pk for obj in selector(fresh(world.person(person)))]
    expected = {
        getattr(world, place).pk
        for place, visible in GRID[person].items()
        if visible and place.startswith(f"{kind}_")
    }
    assert sorted(listed) == sorted(expected)


def test_an_anonymous_visitor_sees_no_place(world: World) -> None:
    from django.contrib.auth.models import AnonymousUser

    anonymous: Any = AnonymousUser()
    assert not visible_subdistricts(anonymous).exists()
    assert not visible_communities(anonymous).exists()
    assert not visible_compounds(anonymous).exists()


def test_an_inactive_membership_grants_nothing(world: World) -> None:
    secretary = world.person("secretary_a1")
    secretary.memberships.update(is_active=False)
    assert not visible_communities(fresh(secretary)).exists()


def test_a_superuser_sees_everything(world: World) -> None:
    rider = world.person("rider")
    rider.is_superuser = True
    rider.save(update_fields=["is_superuser"])
    assert visible_compounds(fresh(rider)).count() == 3
