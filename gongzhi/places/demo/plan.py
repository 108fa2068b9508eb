"""The plan of the generated registry: what compounds each community has, with their kinds,
names, households, buildings and entrances. Numbers only; geometry is added by layout.py.

The totals are Chaoyang's: 1,504 urban compounds, 836 commercial, 158 affordable, 155
reformed, 82 resettlement, 60 mixed and 213 other. Every residents' community gets at least
one; villages (村委会) get none except a few resettlement estates.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field

from gongzhi.places.demo import names
from gongzhi.places.models import Community, Compound, Subdistrict

KIND_TOTALS: dict[str, int] = {
    Compound.Kind.COMMERCIAL: 836,
    Compound.Kind.AFFORDABLE: 158,
    Compound.Kind.REFORMED: 155,
    Compound.Kind.RESETTLEMENT: 82,
    Compound.Kind.MIXED: 60,
    Compound.Kind.OTHER: 213,
}
TOTAL_COMPOUNDS = sum(KIND_TOTALS.values())  # 1,504
VILLAGE_COMPOUNDS = 12  # resettlement estates in villages
MAX_PER_COMMUNITY = 7

# How much more (or less) likely a kind is in a 街道 (older, denser) than in a 地区/乡.
AFFINITY = {
    Subdistrict.Kind.STREET: {
        "commercial": 1.0,
        "affordable": 0.6,
        "reformed": 1.7,
        "resettlement": 0.3,
        "mixed": 1.3,
        "other": 1.2,
    },
    "outer": {
        "commercial": 1.0,
        "affordable": 1.5,
        "reformed": 0.4,
        "resettlement": 1.8,
        "mixed": 0.7,
        "other": 0.8,
    },
}

# kind: (median households, spread, min, max), (first built, last built)
HOUSEHOLDS = {
    "commercial": (900, 0.6, 150, 4000),
    "affordable": (1500, 0.5, 400, 4500),
    "reformed": (600, 0.5, 120, 2000),
    "resettlement": (1300, 0.5, 300, 4000),
    "mixed": (500, 0.5, 120, 1500),
    "other": (260, 0.6, 60, 900),
}
BUILT = {
    "commercial": (1995, 2021),
    "affordable": (2005, 2021),
    "reformed": (1958, 1998),
    "resettlement": (1995, 2019),
    "mixed": (1970, 2010),
    "other": (1955, 1995),
}


@dataclass
class BuildingPlan:
    number: str
    floors: int
    households: int
    entrances: list[int]  # households per entrance


@dataclass
class CompoundPlan:
    community_code: str
    code: str
    name: str
    kind: str
    households: int
    population: int
    built_year: int
    address: str
    buildings: list[BuildingPlan] = field(default_factory=list)


def _counts(communities: list[Community], rng: random.Random) -> dict[str, int]:
    """How many compounds each community gets, summing to TOTAL_COMPOUNDS."""
    urban = [c for c in communities if c.kind != Community.Kind.VILLAGE]
    villages = [c for c in communities if c.kind == Community.Kind.VILLAGE]
    counts = {c.code: 0 for c in communities}
    for c in rng.sample(villages, min(VILLAGE_COMPOUNDS, len(villages))):
        counts[c.code] = 1
    left = TOTAL_COMPOUNDS - sum(counts.values())
    for c in urban:
        counts[c.code] = 1
    left -= len(urban)
    weights = {c.code: rng.gammavariate(2.0, 1.0) for c in urban}
    codes = [c.code for c in urban]
    while left > 0:
        code = rng.choices(codes, weights=[weights[c] for c in codes])[0]
        if counts[code] < MAX_PER_COMMUNITY:
            counts[code] += 1
            left -= 1
    return counts


def _kinds(slots: list[tuple[Community, Subdistrict]], rng: random.Random) -> list[str]:
    """A kind for each slot, drawn without replacement so the totals come out exactly."""
    remaining = dict(KIND_TOTALS)
    kinds: list[str] = [""] * len(slots)
    order = list(range(len(slots)))
    rng.shuffle(order)
    # Villages first: their compounds are resettlement estates.
    order.sort(key=lambda i: slots[i][0].kind != Community.Kind.VILLAGE)
    for i in order:
        community, subdistrict = slots[i]
        if community.kind == Community.Kind.VILLAGE and remaining["resettlement"]:
            choice = "resettlement"
        else:
            aff = AFFINITY[subdistrict.kind if subdistrict.kind in AFFINITY else "outer"]
            pool = [k for k, n in remaining.items() if n]
            choice = rng.choices(pool, weights=[remaining[k] * aff[k] for k in pool])[0]
        remaining[choice] -= 1
        kinds[i] = choice
    return kinds


def _households(kind: str, rng: random.Random) -> int:
    median, spread, lo, hi = HOUSEHOLDS[kind]
    return max(lo, min(hi, round(rng.lognormvariate(0, spread) * median)))


def _building_type(kind: str, built: int, rng: random.Random) -> tuple[int, int, int]:
    """(floors, entrances, homes per floor per entrance) of a typical building."""
    if kind in ("reformed", "other") or built < 1990:
        if rng.random() < 0.8:
            return rng.choice((4, 5, 6, 6)), rng.randint(3, 6), 2
        return rng.randint(12, 16), rng.randint(1, 2), rng.randint(4, 6)
    if kind == "mixed":
        return rng.choice((6, 9, 12, 16)), rng.randint(2, 4), rng.randint(2, 4)
    return rng.randint(11, 28), rng.randint(1, 3), rng.randint(2, 4)


def _spread(total: int, weights: list[float]) -> list[int]:
    """`total` split in proportion to `weights`, exactly (largest remainder)."""
    s = sum(weights)
    raw = [total * w / s for w in weights]
    parts = [int(r) for r in raw]
    by_remainder = sorted(range(len(raw)), key=lambda i: raw[i] - parts[i], reverse=True)
    for i in by_remainder[: total - sum(parts)]:
        parts[i] += 1
    return parts


def _buildings(kind: str, households: int, built: int, rng: random.Random) -> list[BuildingPlan]:
    floors, entrances, per_floor = _building_type(kind, built, rng)
    typical = floors * entrances * per_floor
    count = max(4, min(20, round(households / typical)))
    shapes = []
    for _i in range(count):
        f = max(2, floors + rng.choice((-1, 0, 0, 0, 1)) * (2 if floors > 8 else 1))
        e = max(1, entrances + rng.choice((-1, 0, 0, 1)))
        shapes.append((f, e))
    homes = _spread(households, [f * e for f, e in shapes])
    return [
        BuildingPlan(
            number=f"{i}号楼",
            floors=f,
            households=h,
            entrances=_spread(h, [1.0] * e),
        )
        for i, ((f, e), h) in enumerate(zip(shapes, homes, strict=True), start=1)
    ]


def plan_compounds(
    *,
    district_name: str,
    subdistricts: dict[str, Subdistrict],
    communities: list[Community],
    rng: random.Random,
) -> dict[str, list[CompoundPlan]]:
    """Every community's compounds (by community code), for the whole district.

    The whole district is always planned, so that a build of a few subdistricts (small demo)
    gets the same compounds there as the full build.
    """
    communities = sorted(communities, key=lambda c: c.code)
    by_id = {sd.pk: sd for sd in subdistricts.values()}
    counts = _counts(communities, rng)
    slots = [(c, by_id[c.subdistrict_id]) for c in communities for _n in range(counts[c.code])]
    kinds = _kinds(slots, rng)
    used: set[str] = set()
    plans: dict[str, list[CompoundPlan]] = {c.code: [] for c in communities}
    for (community, subdistrict), kind in zip(slots, kinds, strict=True):
        mine = plans[community.code]
        name = names.compound_name(
            kind=kind,
            community_name=community.name,
            village=community.kind == Community.Kind.VILLAGE,
            used=used,
            rng=rng,
        )
        households = _households(kind, rng)
        first, last = BUILT[kind]
        built = rng.randint(first, last)
        road = rng.choice(names.roads_for(subdistrict.name, community.name))
        number = rng.randint(1, 199)
        address = f"北京市{district_name}{road}{number}号" + ("院" if rng.random() < 0.5 else "")
        plan = CompoundPlan(
            community_code=community.code,
            code=f"{community.code}-{len(mine) + 1:02d}",
            name=name,
            kind=kind,
            households=households,
            population=round(households * rng.uniform(2.1, 2.9)),
            built_year=built,
            address=address,
            buildings=_buildings(kind, households, built, rng),
        )
        mine.append(plan)
    return plans


def grid_count(community: Community, compounds: list[CompoundPlan]) -> int:
    """Beijing draws a grid for roughly every 300–500 households; ours are coarser."""
    households = sum(c.households for c in compounds)
    if community.kind == Community.Kind.VILLAGE:
        return 1 if households < 1500 else 2
    return max(1, min(6, 1 + households // 1200))
