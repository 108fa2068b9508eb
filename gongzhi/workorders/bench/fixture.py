"""What the intake benchmark posts with: the small demo registry, the category tree and matrix,
and two API clients with fresh keys. Runs inside `gongzhi bench seed` (a child process pointed
at the bench database); returns the fixture the load generator needs.
"""

from __future__ import annotations

import random
from dataclasses import asdict, dataclass

from django.db import transaction

from gongzhi.accounts.models import Membership, Role, Unit
from gongzhi.open311.models import ApiClient
from gongzhi.open311.services import apikey_issue
from gongzhi.places.demo.names import person_name
from gongzhi.places.models import Compound
from gongzhi.web.demo import DemoContext, Progress
from gongzhi.workorders import taxonomy
from gongzhi.workorders.demo import texts
from gongzhi.workorders.models import Category

# Intake the matrix dispatches at once, most of it property matters at a compound with a
# property company (lead) and its community committee (assisting), as in the hotline's mix.
SERVICE_CODES = (
    "property-elevator",
    "property-repair",
    "property-parking",
    "property-sanitation",
    "property-elevator",
    "property-repair",
    "noise-neighbour",
    "sanitation-garbage",
    "roads-lights",
    "water-outage",
)
VARIANTS = 200


@dataclass(frozen=True)
class Fixture:
    open311_key: str
    native_key: str
    # What varies between requests: category, place (a compound and its point) and text.
    variants: list[dict[str, object]]

    def as_dict(self) -> dict[str, object]:
        return asdict(self)


def seed(*, quiet: bool = True) -> Fixture:
    """Build the small registry (idempotent), then issue keys to the bench's two clients."""
    from gongzhi.accounts.demo import build as build_units_and_people
    from gongzhi.places.demo import build as build_places

    ctx = DemoContext(small=True)
    progress = Progress(lambda line: None if quiet else print(line))
    for build in (build_places, build_units_and_people):
        with transaction.atomic():
            build(ctx, progress)
    taxonomy.seed_categories()
    taxonomy.seed_matrix()
    if hasattr(taxonomy, "seed_time_limits"):
        taxonomy.seed_time_limits()
    return _clients()


@transaction.atomic
def _clients() -> Fixture:
    categories = {c.code: c for c in Category.objects.filter(code__in=SERVICE_CODES)}
    compounds = list(
        Compound.objects.filter(
            units__kind=Unit.Kind.PROPERTY_COMPANY, lng__isnull=False, lat__isnull=False
        )
        .select_related("community__subdistrict")
        .order_by("pk")[:VARIANTS]
    )
    if not compounds or len(categories) < len(set(SERVICE_CODES)):
        raise RuntimeError(
            "the bench registry lacks compounds with a property company or categories"
        )
    operator = (
        Membership.objects.filter(role=Role.HOTLINE_OPERATOR, is_active=True, unit__isnull=False)
        .select_related("person")
        .order_by("pk")
        .first()
    )
    if operator is None:
        raise RuntimeError("the bench registry has no hotline operator")
    open311, _ = ApiClient.objects.update_or_create(
        code="bench-open311",
        defaults={"name": "基准测试：Open311 客户端", "channel": "app", "is_active": True},
    )
    native, _ = ApiClient.objects.update_or_create(
        code="bench-native",
        defaults={
            "name": "基准测试：热线受理客户端",
            "acts_as": operator.person,
            "is_active": True,
        },
    )
    _, open311_key = apikey_issue(client=open311, label="bench")
    _, native_key = apikey_issue(client=native, label="bench")
    rng = random.Random(311)
    variants: list[dict[str, object]] = []
    for i in range(VARIANTS):
        compound = compounds[i % len(compounds)]
        code = SERVICE_CODES[i % len(SERVICE_CODES)]
        category = categories[code]
        community = compound.community
        slots = texts.Slots(
            subdistrict=community.subdistrict.name,
            community=community.name,
            compound=compound.name,
            building=f"{rng.randint(1, 12)}号楼",
            entrance=f"{rng.randint(1, 4)}单元",
            road=f"{community.name}路",
        )
        top = category.parent.code if category.parent else category.code
        variants.append(
            {
                "service_code": code,
                "compound_id": compound.pk,
                # A few metres off the compound's point, inside it.
                "lng": round(float(compound.lng or 0) + rng.uniform(-0.0002, 0.0002), 6),
                "lat": round(float(compound.lat or 0) + rng.uniform(-0.0002, 0.0002), 6),
                "description": texts.description(
                    category=code,
                    top=top,
                    kind="complaint",
                    channel="hotline",
                    slots=slots,
                    rng=rng,
                ),
                "requester_name": person_name(rng),
                "requester_phone": texts.requester_phone(rng),
            }
        )
    return Fixture(open311_key=open311_key, native_key=native_key, variants=variants)
