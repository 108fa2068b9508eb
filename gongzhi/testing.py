"""The fixed cast of the test suite: a small district and one person per role.

Names say what each person may see: `secretary_a1` is the secretary of community A1 and sees
A1 only; `subdistrict_staff_a` sees subdistrict A's communities; `property_staff_x` sees the
compounds of property company X (compound A1 and compound B1). Used through the `world` fixture
(gongzhi/conftest.py) by every app's tests and by the browser tests.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.contrib.auth.hashers import Argon2PasswordHasher
from shapely.geometry import box

from gongzhi.accounts.models import Membership, Person, Role, Unit
from gongzhi.accounts.tests.factories import TEST_PASSWORD, PersonFactory, UnitFactory
from gongzhi.places.models import Community, Compound, District, Subdistrict
from gongzhi.places.tests.factories import (
    BuildingFactory,
    CommunityFactory,
    CompoundFactory,
    DistrictFactory,
    EntranceFactory,
    GridFactory,
    SubdistrictFactory,
)

PASSWORD = TEST_PASSWORD


class FastArgon2PasswordHasher(Argon2PasswordHasher):
    """Argon2 at its cheapest, for the test suite only (installed by gongzhi/conftest.py).

    Still argon2id, so the hashes the tests see are the hashes production stores; only the
    work factors differ, which makes hashing the cast about a hundred times faster.
    """

    time_cost = 1
    memory_cost = 8
    parallelism = 1


@dataclass
class World:
    district: District
    sd_a: Subdistrict
    sd_b: Subdistrict
    comm_a1: Community
    comm_a2: Community
    comm_b1: Community
    compound_a1: Compound
    compound_a2: Compound
    compound_b1: Compound
    units: dict[str, Unit] = field(default_factory=dict)
    people: dict[str, Person] = field(default_factory=dict)

    def person(self, name: str) -> Person:
        return self.people[name]


def build_world() -> World:
    district = DistrictFactory(outline=box(116.30, 39.80, 116.70, 40.10))
    sd_a = SubdistrictFactory(
        district=district,
        code="110105001000",
        name="建外街道",
        area=box(116.30, 39.80, 116.50, 40.10),
    )
    sd_b = SubdistrictFactory(
        district=district,
        code="110105002000",
        name="朝外街道",
        area=box(116.50, 39.80, 116.70, 40.10),
    )
    comm_a1 = CommunityFactory(
        subdistrict=sd_a,
        code="110105001001",
        name="永安里社区",
        area=box(116.30, 39.80, 116.40, 40.10),
    )
    comm_a2 = CommunityFactory(
        subdistrict=sd_a,
        code="110105001002",
        name="光华里社区",
        area=box(116.40, 39.80, 116.50, 40.10),
    )
    comm_b1 = CommunityFactory(
        subdistrict=sd_b,
        code="110105002001",
        name="吉庆里社区",
        area=box(116.50, 39.80, 116.70, 40.10),
    )
    compound_a1 = CompoundFactory(
        community=comm_a1,
        name="永安里小区",
        lng=116.35,
        lat=39.95,
        area=box(116.34, 39.94, 116.36, 39.96),
    )
    compound_a2 = CompoundFactory(
        community=comm_a2,
        name="光华里小区",
        lng=116.45,
        lat=39.95,
        area=box(116.44, 39.94, 116.46, 39.96),
    )
    compound_b1 = CompoundFactory(
        community=comm_b1,
        name="吉庆里小区",
        lng=116.60,
        lat=39.95,
        area=box(116.59, 39.94, 116.61, 39.96),
    )
    for compound in (compound_a1, compound_a2, compound_b1):
        building = BuildingFactory(compound=compound, number="1号楼")
        EntranceFactory(building=building, number="1单元")
    for comm in (comm_a1, comm_a2, comm_b1):
        GridFactory(community=comm, code=f"{comm.code}001", name=f"{comm.name}第1网格")

    w = World(
        district, sd_a, sd_b, comm_a1, comm_a2, comm_b1, compound_a1, compound_a2, compound_b1
    )
    K = Unit.Kind
    w.units = {
        "so_a": UnitFactory(
            district=district,
            kind=K.SUBDISTRICT_OFFICE,
            code="so-a",
            name="建外街道办事处",
            subdistrict=sd_a,
        ),
        "so_b": UnitFactory(
            district=district,
            kind=K.SUBDISTRICT_OFFICE,
            code="so-b",
            name="朝外街道办事处",
            subdistrict=sd_b,
        ),
        "cc_a1": UnitFactory(
            district=district,
            kind=K.COMMUNITY_COMMITTEE,
            code="cc-a1",
            name="永安里社区居委会",
            subdistrict=sd_a,
            community=comm_a1,
        ),
        "cc_a2": UnitFactory(
            district=district,
            kind=K.COMMUNITY_COMMITTEE,
            code="cc-a2",
            name="光华里社区居委会",
            subdistrict=sd_a,
            community=comm_a2,
        ),
        "cc_b1": UnitFactory(
            district=district,
            kind=K.COMMUNITY_COMMITTEE,
            code="cc-b1",
            name="吉庆里社区居委会",
            subdistrict=sd_b,
            community=comm_b1,
        ),
        "property_x": UnitFactory(
            district=district, kind=K.PROPERTY_COMPANY, code="property-x", name="安居物业公司"
        ),
        "dept_traffic": UnitFactory(
            district=district, kind=K.DEPARTMENT, code="dept-traffic", name="区交通委"
        ),
        "dept_housing": UnitFactory(
            district=district, kind=K.DEPARTMENT, code="dept-housing", name="区住建委"
        ),
        "utility_water": UnitFactory(
            district=district, kind=K.UTILITY, code="utility-water", name="自来水集团"
        ),
        "hotline": UnitFactory(
            district=district, kind=K.HOTLINE_CENTRE, code="hotline", name="12345热线中心"
        ),
    }
    w.units["property_x"].compounds.set([compound_a1, compound_b1])

    cast: list[tuple[str, Role, str | None, dict]] = [
        ("resident_a1", Role.RESIDENT, None, {"compound": compound_a1, "community": comm_a1}),
        ("rider", Role.RIDER, None, {}),
        ("volunteer_a1", Role.VOLUNTEER, None, {"community": comm_a1}),
        ("social_worker_a1", Role.SOCIAL_WORKER, "cc_a1", {}),
        ("secretary_a1", Role.COMMUNITY_SECRETARY, "cc_a1", {}),
        ("secretary_b1", Role.COMMUNITY_SECRETARY, "cc_b1", {}),
        ("subdistrict_staff_a", Role.SUBDISTRICT_STAFF, "so_a", {}),
        ("district_staff", Role.DISTRICT_STAFF, "hotline", {}),
        ("department_staff_traffic", Role.DEPARTMENT_STAFF, "dept_traffic", {}),
        ("property_staff_x", Role.PROPERTY_STAFF, "property_x", {}),
        ("operator", Role.HOTLINE_OPERATOR, "hotline", {}),
        ("dispatcher", Role.DISPATCHER, "hotline", {}),
        ("callback_agent", Role.CALLBACK_AGENT, "hotline", {}),
        ("admin", Role.ADMINISTRATOR, "hotline", {}),
    ]
    for username, role, unit_key, place in cast:
        person = PersonFactory(username=username, display_name=username)
        Membership.objects.create(
            person=person, role=role, unit=w.units[unit_key] if unit_key else None, **place
        )
        w.people[username] = person
    return w
