"""Deliberation factories. `RepresentativeFactory` and `resident` make bare rows; `case_at(world,
step)` drives the real services to bring a case of community A1 to a step, so that tests start
from states the system itself produces.

The cast added on top of the `world` fixture (community A1, community level):
- five representatives rep_a1_1 … rep_a1_5 (quorum 2/3 → 4 present needed), rep_a1_5 with the
  substitute person sub_a1;
- residents resident_a1 (from the world), resident_a1_b, resident_a1_c, resident_a1_d;
- a fixed hall "永安里议事厅" of community A1.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import factory
from django.utils import timezone

from gongzhi.accounts.models import Membership, Person, Role
from gongzhi.accounts.tests.factories import PersonFactory
from gongzhi.deliberation import services
from gongzhi.deliberation.models import (
    Case,
    Hall,
    HallKind,
    Majority,
    Meeting,
    Motion,
    Place,
    PlaceLevel,
    Project,
    ProjectKind,
    Proposal,
    Representative,
    Resolution,
    Step,
    place_of,
)
from gongzhi.places.models import Community, Compound
from gongzhi.testing import World

START = dt.datetime(2025, 3, 3, 9, 0, tzinfo=dt.timezone(dt.timedelta(hours=8)))


class RepresentativeFactory(factory.django.DjangoModelFactory[Representative]):
    class Meta:
        model = Representative

    person = factory.SubFactory(PersonFactory)
    level = PlaceLevel.COMMUNITY
    term_start = dt.date(2024, 1, 1)
    term_end = dt.date(2028, 12, 31)


def representatives(community: Community, n: int, *, prefix: str) -> list[Representative]:
    place = place_of(community=community)
    return [
        RepresentativeFactory(
            person=PersonFactory(username=f"{prefix}_{i}", display_name=f"{prefix}_{i}"),
            **place.as_fields(),
        )
        for i in range(1, n + 1)
    ]


def resident(username: str, compound: Compound) -> Person:
    person = PersonFactory(username=username, display_name=username)
    Membership.objects.create(
        person=person, role=Role.RESIDENT, compound=compound, community=compound.community
    )
    return person


@dataclass
class Deliberation:
    """The world plus community A1's representatives, residents and hall."""

    world: World
    place: Place
    reps: list[Representative]
    residents: list[Person]
    hall: Hall
    substitute: Person
    extra: dict[str, Any] = field(default_factory=dict)

    def person(self, name: str) -> Person:
        return self.world.person(name)

    @property
    def secretary(self) -> Person:
        return self.world.person("secretary_a1")


def build_deliberation(world: World) -> Deliberation:
    place = place_of(community=world.comm_a1)
    reps = representatives(world.comm_a1, 5, prefix="rep_a1")
    substitute = PersonFactory(username="sub_a1", display_name="sub_a1")
    reps[4].substitute_person = substitute
    reps[4].save(update_fields=["substitute_person"])
    residents = [world.person("resident_a1")] + [
        resident(f"resident_a1_{c}", world.compound_a1) for c in "bcd"
    ]
    hall = Hall(name="永安里议事厅", kind=HallKind.FIXED)
    hall.set_place(place)
    hall.save()
    return Deliberation(world, place, reps, residents, hall, substitute)


# --- Driving a case through its steps with the real services --------------------------------


def proposal(d: Deliberation, *, at: dt.datetime = START) -> Proposal:
    return services.proposal_submit(
        by=d.residents[0],
        place=d.place,
        title="小区南门加装照明",
        body="南门晚上太黑，老人出行不便，建议加装路灯。",
        at=at,
    )


def open_meeting(d: Deliberation, case: Case, *, at: dt.datetime) -> Meeting:
    meeting = services.meeting_schedule(
        hall=d.hall,
        cases=[case],
        by=d.secretary,
        title="三月议事会",
        scheduled_at=at + dt.timedelta(days=2),
        agenda="南门照明",
        at=at,
    )
    return services.meeting_open(meeting=meeting, by=d.secretary, at=at + dt.timedelta(days=2))


def sign_in(d: Deliberation, meeting: Meeting, n: int, *, at: dt.datetime) -> None:
    for rep in d.reps[:n]:
        services.meeting_check_in(meeting=meeting, by=rep.person, at=at)


def passed_motion(d: Deliberation, case: Case, *, at: dt.datetime) -> Motion:
    meeting = open_meeting(d, case, at=at)
    t = at + dt.timedelta(days=2, minutes=5)
    sign_in(d, meeting, 5, at=t)
    motion = services.motion_propose(
        meeting=meeting,
        case=case,
        by=d.secretary,
        text="同意在南门加装4盏路灯",
        majority=Majority.TWO_THIRDS,
        at=t,
    )
    motion = services.motion_hand_count(motion=motion, by=d.secretary, yes=5, no=0, abstain=0, at=t)
    services.meeting_close(meeting=meeting, by=d.secretary, at=t + dt.timedelta(hours=1))
    return motion


STEP_ORDER = [
    Step.COLLECT,
    Step.DELIBERATE,
    Step.NOTICE,
    Step.ACT,
    Step.SUPERVISE,
    Step.EVALUATE,
    Step.CLOSED,
]


def case_at(d: Deliberation, step: str, *, start: dt.datetime = START) -> Case:
    """A case of community A1 brought to `step` by the services, each step a day or more after
    the one before (starting at `start`). Returns the case re-read from the database."""
    t = start
    case = services.proposal_accept(proposal=proposal(d, at=t), by=d.secretary, at=t)
    if step == Step.WITHDRAWN:
        return services.case_withdraw(case=case, by=d.secretary, reason="已由物业解决", at=t)
    target = STEP_ORDER.index(Step(step))
    if target >= 1:
        t += dt.timedelta(days=1)
        meeting = open_meeting(d, case, at=t)
        d.extra["meeting"] = meeting
    if target >= 2:
        t += dt.timedelta(days=2, minutes=5)
        sign_in(d, meeting, 5, at=t)
        motion = services.motion_propose(
            meeting=meeting, case=case, by=d.secretary, text="同意加装路灯", at=t
        )
        motion = services.motion_hand_count(
            motion=motion, by=d.secretary, yes=4, no=1, abstain=0, at=t
        )
        services.meeting_close(meeting=meeting, by=d.secretary, at=t)
        d.extra["resolution"] = services.resolution_publish(motion=motion, by=d.secretary, at=t)
    if target >= 3:
        t += dt.timedelta(days=6)
        project = services.project_create(
            case=case,
            by=d.secretary,
            title="南门照明改造",
            kind=ProjectKind.FACILITIES,
            deadline=(t + dt.timedelta(days=30)).date(),
            lead_unit=d.world.units["cc_a1"],
            assist_units=[d.world.units["property_x"]],
            budget=[services.BudgetItem("路灯采购安装", Decimal("12000.00"))],
            milestones=[services.MilestoneItem("采购", (t + dt.timedelta(days=10)).date())],
            at=t,
        )
        d.extra["project"] = project
    if target >= 4:
        t += dt.timedelta(days=1)
        services.project_launch(project=project, by=d.secretary, at=t)
    if target >= 5:
        t += dt.timedelta(days=10)
        services.project_complete(project=project, by=d.secretary, at=t)
    if target >= 6:
        t += dt.timedelta(days=1)
        for person in d.residents[:3]:
            services.rating_submit(project=project, by=person, score=5, at=t)
        services.evaluation_close(project=project, by=d.secretary, at=t)
    d.extra["t"] = t
    return Case.objects.get(pk=case.pk)


def project_of(case: Case) -> Project:
    return Project.objects.get(case=case)


def resolution_of(case: Case) -> Resolution:
    return Resolution.objects.filter(case=case).latest("published_at")


def now() -> dt.datetime:
    return timezone.now()
