"""The demo's units and people: who handles matters in the generated Chaoyang, and who logs in.

Units (codes are stable slugs): a subdistrict office per subdistrict (`so-<code>`), a
community committee per community (`cc-<code>`), property companies (`property-N`) serving
sets of compounds, the district departments (`dept-*`), the utilities (`utility-*`) and the
hotline centre (`hotline`). People: one demo login per role, all with DEMO_PASSWORD, plus staff
in every unit, a resident per compound, a volunteer per residents' community and some riders.
Idempotent: units are matched by code, people by user name, memberships by what they hold.

Needs "places.*" in `ctx.data` (gongzhi.places.demo). Leaves:
  "accounts.units"  {code: Unit}
  "accounts.people" {username: Person}
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.contrib.auth.hashers import make_password
from django.utils.translation import gettext as _

from gongzhi.accounts.models import LoginThrottle, Membership, Person, Role, Unit
from gongzhi.places.demo import geography as geo
from gongzhi.places.demo.names import PROPERTY_WORDS, person_name
from gongzhi.places.models import Community, Compound, District, Subdistrict

if TYPE_CHECKING:
    from gongzhi.web.demo import DemoContext, Progress

DEMO_PASSWORD = "gongzhi-demo"
# A fixed salt, so that the same password hashes the same on every run and a re-run changes
# nothing. Acceptable only because the password is printed for everyone to read anyway.
_DEMO_SALT = "gongzhidemosalt"

# Where the demo logins work: 华贸中心社区 in 八里庄街道.
HOME_COMMUNITY = "110105015044"
HOME_SUBDISTRICT = "110105015000"

DEPARTMENTS = [
    ("dept-urban", "朝阳区城市管理委员会"),
    ("dept-housing", "朝阳区住房和城乡建设委员会"),
    ("dept-traffic", "朝阳区交通委员会"),
    ("dept-greening", "朝阳区园林绿化局"),
    ("dept-market", "朝阳区市场监督管理局"),
    ("dept-environment", "朝阳区生态环境局"),
    ("dept-health", "朝阳区卫生健康委员会"),
    ("dept-education", "朝阳区教育委员会"),
    ("dept-civil", "朝阳区民政局"),
    ("dept-labour", "朝阳区人力资源和社会保障局"),
    ("dept-water", "朝阳区水务局"),
    ("dept-police", "北京市公安局朝阳分局"),
    ("dept-enforcement", "朝阳区城市管理综合行政执法局"),
    ("dept-planning", "北京市规划和自然资源委员会朝阳分局"),
    ("dept-emergency", "朝阳区应急管理局"),
]
UTILITIES = [
    ("utility-water", "北京市自来水集团朝阳营业分公司"),
    ("utility-power", "国网北京朝阳供电公司"),
    ("utility-gas", "北京燃气集团朝阳分公司"),
    ("utility-heating", "北京热力集团朝阳分公司"),
]
HOTLINE = ("hotline", "朝阳区12345热线中心")

PROPERTY_COMPANIES = 36
BIG_COMPANIES = 8  # serve compounds all over the district; the rest serve their own area
WITHOUT_PROPERTY = {"reformed": 0.12, "other": 0.15}  # old compounds with no company (无物业)


@dataclass(frozen=True)
class PlannedPerson:
    username: str
    display_name: str
    memberships: tuple[tuple[str, str | None, str | None, str | None], ...]
    # (role, unit code, community code, compound code)
    superuser: bool = False


def _phone(rng: random.Random) -> str:
    return f"010-{rng.choice('68')}{rng.randint(0, 9999999):07d}"


def build(ctx: DemoContext, progress: Progress) -> None:
    from gongzhi.web.demo import DemoLogin, sync_links, upsert

    district: District = ctx.data["places.district"]
    subdistricts: dict[str, Subdistrict] = ctx.data["places.subdistricts"]
    communities: dict[str, Community] = ctx.data["places.communities"]
    compounds: dict[str, Compound] = ctx.data["places.compounds"]

    with progress.step(_("承办单位")) as step:
        rng = ctx.rng("units")
        K = Unit.Kind
        rows: list[Unit] = []
        for code, sd in sorted(subdistricts.items()):
            office = (
                f"{sd.name}人民政府" if sd.kind == Subdistrict.Kind.TOWNSHIP else f"{sd.name}办事处"
            )
            rows.append(
                Unit(code=f"so-{code}", name=office, kind=K.SUBDISTRICT_OFFICE, subdistrict=sd)
            )
        for code, c in sorted(communities.items()):
            rows.append(
                Unit(
                    code=f"cc-{code}",
                    name=c.official_name,
                    kind=K.COMMUNITY_COMMITTEE,
                    subdistrict_id=c.subdistrict_id,
                    community=c,
                )
            )
        for n, word in enumerate(PROPERTY_WORDS[:PROPERTY_COMPANIES], start=1):
            rows.append(
                Unit(
                    code=f"property-{n}",
                    name=f"北京{word}物业管理有限公司",
                    kind=K.PROPERTY_COMPANY,
                )
            )
        rows += [Unit(code=code, name=name, kind=K.DEPARTMENT) for code, name in DEPARTMENTS]
        rows += [Unit(code=code, name=name, kind=K.UTILITY) for code, name in UTILITIES]
        rows.append(Unit(code=HOTLINE[0], name=HOTLINE[1], kind=K.HOTLINE_CENTRE))
        for unit in rows:
            unit.district = district
            unit.phone = _phone(rng)
            unit.is_active = True
        saved, synced = upsert(
            Unit,
            rows=rows,
            key=lambda u: u.code,
            existing=Unit.objects.all(),
            fields=["name", "kind", "district", "subdistrict", "community", "phone", "is_active"],
        )
        synced.report(step, _("单位"))
        units = {str(k): v for k, v in saved.items()}

        served = _property_service(ctx, compounds)
        subdistrict_of = {c.pk: c.subdistrict_id for c in communities.values()}
        linked = sync_links(
            Unit.compounds.through,
            left="unit",
            right="compound",
            pairs={(units[u].pk, compounds[k].pk) for k, u in served.items()},
            existing=Unit.compounds.through.objects.filter(
                unit__kind=K.PROPERTY_COMPANY,
                compound__community__subdistrict_id__in=sorted(
                    {subdistrict_of[k.community_id] for k in compounds.values()}
                ),
            ),
        )
        linked.report(step, _("物业服务小区"))

    with progress.step(_("人员")) as step:
        planned, logins = _people(ctx, units, communities, compounds, served)
        password = make_password(DEMO_PASSWORD, salt=_DEMO_SALT)
        rng = ctx.rng("people")
        person_rows = [
            Person(
                username=p.username,
                display_name=p.display_name,
                phone=f"139{rng.randint(0, 99_999_999):08d}",
                password=password,
                is_staff=p.superuser,
                is_superuser=p.superuser,
                is_active=True,
            )
            for p in planned
        ]
        saved_p, synced = upsert(
            Person,
            rows=person_rows,
            key=lambda p: p.username,
            existing=Person.objects.all(),
            fields=["display_name", "phone", "password", "is_staff", "is_superuser", "is_active"],
        )
        synced.report(step, _("人员"))
        people = {str(k): v for k, v in saved_p.items()}
        mine = {p.pk for p in people.values()}
        membership_rows = [
            Membership(
                person_id=people[p.username].pk,
                role=role,
                unit_id=units[unit].pk if unit else None,
                community_id=communities[community].pk if community else None,
                compound_id=compounds[compound].pk if compound else None,
                is_active=True,
            )
            for p in planned
            for role, unit, community, compound in p.memberships
        ]
        _saved_m, synced = upsert(
            Membership,
            rows=membership_rows,
            key=lambda m: (m.person_id, m.role, m.unit_id, m.community_id, m.compound_id),
            existing=[m for m in Membership.objects.all() if m.person_id in mine],
            fields=["is_active"],
            prune=True,
        )
        synced.report(step, _("角色任职"))
        # A demo login locked out by earlier failed attempts works again after a re-run.
        LoginThrottle.objects.filter(username__in=[u for _r, u, _w in logins]).delete()

    ctx.password = DEMO_PASSWORD
    ctx.logins.extend(DemoLogin(role=role, username=u, where=where) for role, u, where in logins)
    ctx.data["accounts.units"] = units
    ctx.data["accounts.people"] = people


def _property_service(ctx: DemoContext, compounds: dict[str, Compound]) -> dict[str, str]:
    """Which property company serves each compound (compound code → unit code).

    A few big companies serve compounds all over the district; the others serve the compounds
    nearest their home area. Some old compounds have no company at all.
    """
    outline = ctx.data["places.district"].outline
    homes = geo.spread_points(outline, PROPERTY_COMPANIES - BIG_COMPANIES, ctx.rng("property"))
    local = [f"property-{n}" for n in range(BIG_COMPANIES + 1, PROPERTY_COMPANIES + 1)]
    big = [f"property-{n}" for n in range(1, BIG_COMPANIES + 1)]
    big_weights = [1.0 / n for n in range(1, BIG_COMPANIES + 1)]
    served: dict[str, str] = {}
    for code, k in sorted(compounds.items()):
        rng = ctx.rng("property", code)
        if rng.random() < WITHOUT_PROPERTY.get(k.kind, 0.0):
            continue
        if rng.random() < 0.35:
            served[code] = rng.choices(big, weights=big_weights)[0]
        else:
            x, y = k.lng or 0.0, k.lat or 0.0
            nearest = min(
                range(len(homes)), key=lambda i: math.hypot(homes[i][0] - x, homes[i][1] - y)
            )
            served[code] = local[nearest]
    return served


def _people(
    ctx: DemoContext,
    units: dict[str, Unit],
    communities: dict[str, Community],
    compounds: dict[str, Compound],
    served: dict[str, str],
) -> tuple[list[PlannedPerson], list[tuple[str, str, str]]]:
    """The demo logins (one per role) and the staff, residents, volunteers and riders."""
    rng = ctx.rng("names")
    R = Role
    home = communities[HOME_COMMUNITY]
    home_compounds = sorted(code for code, k in compounds.items() if k.community_id == home.pk)
    home_compound = next(code for code in home_compounds if code in served)
    company = served[home_compound]
    cc, so = f"cc-{HOME_COMMUNITY}", f"so-{HOME_SUBDISTRICT}"

    def person(
        username: str, *held: tuple[str, str | None, str | None, str | None]
    ) -> PlannedPerson:
        return PlannedPerson(username, person_name(rng), tuple(held))

    logins_plan = [
        (
            person("resident", (R.RESIDENT, None, HOME_COMMUNITY, home_compound)),
            f"{home.name} · {compounds[home_compound].name}",
        ),
        (person("rider", (R.RIDER, None, None, None)), _("全区")),
        (person("volunteer", (R.VOLUNTEER, None, HOME_COMMUNITY, None)), home.name),
        (person("social_worker", (R.SOCIAL_WORKER, cc, None, None)), units[cc].name),
        (person("secretary", (R.COMMUNITY_SECRETARY, cc, None, None)), units[cc].name),
        (person("subdistrict", (R.SUBDISTRICT_STAFF, so, None, None)), units[so].name),
        # District staff sit in the district's hotline centre (接诉即办), as in the test cast.
        (person("district", (R.DISTRICT_STAFF, "hotline", None, None)), units["hotline"].name),
        (
            person("department", (R.DEPARTMENT_STAFF, "dept-traffic", None, None)),
            units["dept-traffic"].name,
        ),
        (person("property", (R.PROPERTY_STAFF, company, None, None)), units[company].name),
        (person("operator", (R.HOTLINE_OPERATOR, "hotline", None, None)), units["hotline"].name),
        (person("dispatcher", (R.DISPATCHER, "hotline", None, None)), units["hotline"].name),
        (person("callback", (R.CALLBACK_AGENT, "hotline", None, None)), units["hotline"].name),
        (
            PlannedPerson(
                "admin", person_name(rng), ((R.ADMINISTRATOR, "hotline", None, None),), True
            ),
            units["hotline"].name,
        ),
    ]
    planned = [p for p, _where in logins_plan]
    logins = [(p.memberships[0][0], p.username, where) for p, where in logins_plan]

    def staff(unit: str, *roles: str, prefix: str = "") -> None:
        planned.extend(
            person(f"{prefix or unit}-{i}", (role, unit, None, None))
            for i, role in enumerate(roles, start=1)
        )

    for code in sorted(units):
        kind = units[code].kind
        if kind == Unit.Kind.COMMUNITY_COMMITTEE:
            staff(code, R.COMMUNITY_SECRETARY, R.SOCIAL_WORKER, R.SOCIAL_WORKER)
        elif kind == Unit.Kind.SUBDISTRICT_OFFICE:
            staff(code, R.SUBDISTRICT_STAFF, R.SUBDISTRICT_STAFF, R.SUBDISTRICT_STAFF)
        elif kind in (Unit.Kind.DEPARTMENT, Unit.Kind.UTILITY):
            staff(code, R.DEPARTMENT_STAFF, R.DEPARTMENT_STAFF)
        elif kind == Unit.Kind.PROPERTY_COMPANY:
            staff(code, R.PROPERTY_STAFF, R.PROPERTY_STAFF)
        elif kind == Unit.Kind.HOTLINE_CENTRE:
            staff(code, *[R.HOTLINE_OPERATOR] * 6, *[R.DISPATCHER] * 3, *[R.CALLBACK_AGENT] * 3)
            staff(code, R.DISTRICT_STAFF, R.DISTRICT_STAFF, prefix=f"{code}-district")
    by_id = {c.pk: code for code, c in communities.items()}
    for code, k in sorted(compounds.items()):
        planned.append(person(f"r-{code}", (R.RESIDENT, None, by_id[k.community_id], code)))
    for code, c in sorted(communities.items()):
        if c.kind != Community.Kind.VILLAGE:
            planned.append(person(f"v-{code}", (R.VOLUNTEER, None, code, None)))
    planned.extend(person(f"rider-{n}", (R.RIDER, None, None, None)) for n in range(1, 31))
    return planned, logins
