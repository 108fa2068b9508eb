"""The deliberation demo builder on the test world: halls and representatives for every
community, cases at every step, and a re-run that changes nothing."""

from __future__ import annotations

import pytest
from django.db.models import Count

from gongzhi.deliberation import demo
from gongzhi.deliberation.models import Case, Hall, Representative, Step
from gongzhi.testing import World
from gongzhi.web.demo import DemoContext, Progress

pytestmark = pytest.mark.django_db


def _ctx(world: World) -> DemoContext:
    ctx = DemoContext(seed=7)
    ctx.data["places.communities"] = {
        c.code: c for c in (world.comm_a1, world.comm_a2, world.comm_b1)
    }
    ctx.data["places.compounds"] = {
        str(k.pk): k for k in (world.compound_a1, world.compound_a2, world.compound_b1)
    }
    return ctx


def test_the_demo_gives_every_community_halls_and_representatives_and_fills_every_step(
    world: World,
) -> None:
    demo.build(_ctx(world), Progress(lambda line: None))
    halls = dict(Hall.objects.values_list("community").annotate(n=Count("id")))
    reps = dict(Representative.objects.values_list("community").annotate(n=Count("id")))
    steps = dict(Case.objects.values_list("step").annotate(n=Count("id")))
    communities = [world.comm_a1.pk, world.comm_a2.pk, world.comm_b1.pk]
    assert all(halls.get(c, 0) >= 2 for c in communities)
    assert all(5 <= reps.get(c, 0) <= 9 for c in communities)
    assert set(steps) == {s.value for s in Step}
    assert sum(steps.values()) == sum(n for _step, n in demo.PLAN)


def test_running_the_demo_again_changes_nothing(world: World) -> None:
    demo.build(_ctx(world), Progress(lambda line: None))
    first = list(Case.objects.order_by("pk").values_list("pk", "step", "updated_at"))
    lines: list[str] = []
    demo.build(_ctx(world), Progress(lines.append))
    assert list(Case.objects.order_by("pk").values_list("pk", "step", "updated_at")) == first
    assert any("已存在，未改动" in line for line in lines)
