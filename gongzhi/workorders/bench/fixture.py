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
from gongzhi.places.models import Compound
from gongzhi.web.demo import DemoContext, Progress
from gongzhi.workorders import taxonomy
from gongzhi.workorders.demo import texts
from gongzhi.workorders.models import Category

# The most common intake: a property matter at a compound with a property company, which the
# matrix dispatches to that company at once with the community assisting (专班).
SERVICE_CODE = "property-elevator"


@dataclass(frozen=True)
class Fixture:
    open311_key: str
    native_key: str
    service_code: str
    lng: float
    lat: float
    compound_id: int
    description: str
    requester_name: str
    requester_phone: str

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
    return _clients()


@transaction.atomic
def _clients() -> Fixture:
    category = Category.objects.get(code=SERVICE_CODE)
    compound = (
        Compound.objects.filter(
            units__kind=Unit.Kind.PROPERTY_COMPANY, lng__isnull=False, lat__isnull=False
        )
        .order_by("pk")
        .first()
    )
    if compound is None:
        raise RuntimeError("the bench registry has no compound with a property company")
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
    community = compound.community
    slots = texts.Slots(
        subdistrict=community.subdistrict.name,
        community=community.name,
        compound=compound.name,
        building="3号楼",
        entrance="2单元",
        road=f"{community.name}路",
    )
    description = texts.description(
        category=category.code,
        top="property",
        kind="complaint",
        channel="hotline",
        slots=slots,
        rng=rng,
    )
    return Fixture(
        open311_key=open311_key,
        native_key=native_key,
        service_code=category.code,
        lng=float(compound.lng or 0.0),
        lat=float(compound.lat or 0.0),
        compound_id=compound.pk,
        description=description,
        requester_name="张三",
        requester_phone=texts.requester_phone(rng),
    )
