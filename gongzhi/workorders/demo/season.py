"""How a year of 12345 requests is shaped: volume by day and hour, categories by month, kinds,
channels and urgency by category. Numbers are the demo's own estimates, chosen to look like a
Beijing district's hotline (heating in November–December, noise in summer, greening in spring,
property matters all year); they are not statistics.
"""

from __future__ import annotations

import datetime as dt
import random

# Requests per compound per year in the demo: 1,504 compounds → about 20,000 orders.
ORDERS_PER_COMPOUND = 13.3

# Month weights (Jan…Dec) of each top-level category; relative within a month.
MONTHLY: dict[str, tuple[float, ...]] = {
    "property": (16, 15, 17, 17, 17, 18, 18, 18, 17, 17, 16, 16),
    "sanitation": (7, 7, 8, 9, 9, 10, 11, 11, 9, 8, 7, 7),
    "illegal-construction": (3, 3, 4, 5, 5, 5, 5, 5, 5, 4, 3, 3),
    "noise": (4, 4, 6, 8, 11, 15, 17, 16, 11, 7, 5, 4),
    "heating": (20, 14, 9, 1, 0.3, 0.2, 0.2, 0.3, 0.6, 3, 30, 28),
    "water": (4, 4, 4, 4, 5, 6, 7, 7, 5, 4, 4, 4),
    "gas": (3, 3, 2, 2, 1.5, 1.5, 1.5, 1.5, 2, 2, 3, 3),
    "power": (2, 2, 2, 2, 2, 3, 5, 5, 3, 2, 2, 2),
    "ebike": (4, 4, 5, 6, 7, 8, 8, 8, 7, 6, 5, 4),
    "traffic": (7, 6, 7, 7, 7, 7, 7, 7, 8, 7, 7, 7),
    "roads": (4, 4, 4, 4, 4, 6, 10, 9, 5, 4, 4, 4),
    "greening": (2, 2, 5, 10, 9, 5, 4, 4, 3, 3, 2, 2),
    "elderly": (3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3),
    "health": (3, 3, 3, 3, 4, 5, 6, 6, 4, 4, 4, 4),
    "education": (2, 2, 4, 5, 6, 7, 4, 4, 5, 2, 2, 2),
    "labour": (5, 6, 3, 3, 3, 3, 3, 3, 3, 3, 4, 6),
    "market": (4, 5, 4, 4, 4, 4, 4, 4, 4, 4, 5, 5),
    "public-safety": (3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 4),
    "community-services": (2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2),
    "other": (1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1),
}

# Leaf weights within a top-level category, by month where it matters (else constant).
LEAVES: dict[str, dict[str, float]] = {
    "property": {
        "property-elevator": 3,
        "property-fees": 2,
        "property-sanitation": 2,
        "property-parking": 3,
        "property-repair": 4,
        "property-security": 1,
    },
    "heating": {"heating-cold": 8, "heating-leak": 1.5, "heating-fees": 1},
    "greening": {"greening-trees": 3, "greening-catkins": 3, "greening-parks": 2},
    "roads": {"roads-potholes": 3, "roads-lights": 3, "roads-manholes": 1, "roads-drainage": 2},
    "noise": {"noise-construction": 4, "noise-commercial": 3, "noise-neighbour": 3},
}
# Catkins only in spring, drainage in the rainy season, heating fees before the season.
LEAF_MONTHS: dict[str, tuple[int, ...]] = {
    "greening-catkins": (4, 5),
    "roads-drainage": (6, 7, 8, 9),
    "heating-fees": (9, 10, 11, 12, 1),
}

# Requests arrive at the hotline around the clock, mostly in office hours and the evening.
HOURS = (
    0.6, 0.3, 0.2, 0.2, 0.2, 0.4, 1.0, 2.5, 5.0, 7.5, 8.0, 7.0,
    5.5, 6.0, 7.0, 7.0, 6.5, 5.5, 4.5, 5.0, 5.0, 4.0, 2.5, 1.2,
)  # fmt: skip

KINDS = ("complaint", "report", "help", "consultation", "suggestion", "praise")
# (complaint, report, help, consultation, suggestion, praise) by top-level category.
KIND_WEIGHTS: dict[str, tuple[float, ...]] = {
    "property": (70, 3, 12, 9, 4, 2),
    "sanitation": (70, 8, 5, 5, 10, 2),
    "illegal-construction": (30, 62, 0, 6, 2, 0),
    "noise": (80, 12, 2, 3, 3, 0),
    "heating": (62, 0, 22, 14, 1, 1),
    "water": (45, 0, 40, 10, 3, 2),
    "gas": (25, 0, 50, 22, 2, 1),
    "power": (40, 0, 45, 10, 4, 1),
    "ebike": (50, 20, 5, 10, 15, 0),
    "traffic": (60, 15, 3, 10, 12, 0),
    "roads": (60, 5, 15, 5, 15, 0),
    "greening": (55, 5, 10, 10, 19, 1),
    "elderly": (20, 0, 30, 40, 8, 2),
    "health": (35, 5, 10, 45, 5, 0),
    "education": (25, 10, 5, 55, 5, 0),
    "labour": (40, 20, 20, 20, 0, 0),
    "market": (60, 25, 0, 12, 3, 0),
    "public-safety": (45, 35, 10, 5, 5, 0),
    "community-services": (35, 0, 15, 35, 10, 5),
    "other": (40, 5, 15, 30, 5, 5),
}

CHANNELS = (
    "hotline",
    "app",
    "wechat",
    "web",
    "rider_snap",
    "walking_round",
    "proactive",
    "deliberation",
)
CHANNEL_WEIGHTS = (78, 7, 6, 3, 1.5, 2.5, 1.5, 0.5)
# Rider snaps and walking rounds find street matters, not questions about pensions.
STREET_TOPS = frozenset(
    {"sanitation", "traffic", "roads", "greening", "illegal-construction", "public-safety", "ebike"}
)

# Share of orders that are urgent / emergencies, by leaf (default for the rest).
URGENT: dict[str, tuple[float, float]] = {
    "gas-leak": (0.3, 0.6),
    "water-pipe": (0.25, 0.1),
    "heating-leak": (0.3, 0.1),
    "property-elevator": (0.08, 0.04),
    "power-outage": (0.2, 0.05),
    "roads-manholes": (0.3, 0.1),
    "public-safety-fire": (0.2, 0.05),
    "public-safety-buildings": (0.15, 0.05),
    "water-outage": (0.2, 0.02),
    "heating-cold": (0.05, 0.0),
}
DEFAULT_URGENT = (0.03, 0.002)

# Where a request is: at a compound (else on a road of a community), by top-level category.
AT_COMPOUND: dict[str, float] = {
    "property": 1.0,
    "heating": 1.0,
    "water": 0.9,
    "gas": 0.9,
    "power": 0.8,
    "ebike": 0.9,
    "noise": 0.7,
    "illegal-construction": 0.8,
    "public-safety": 0.7,
    "health": 0.5,
    "elderly": 0.8,
    "community-services": 0.7,
    "sanitation": 0.4,
    "greening": 0.4,
    "traffic": 0.15,
    "roads": 0.1,
    "education": 0.3,
    "labour": 0.2,
    "market": 0.3,
    "other": 0.5,
}

# Departments a subdistrict office summons (吹哨), by top-level category.
WHISTLE_DEPARTMENTS: dict[str, tuple[str, ...]] = {
    "illegal-construction": ("dept-enforcement", "dept-planning", "dept-housing"),
    "sanitation": ("dept-urban", "dept-enforcement"),
    "noise": ("dept-enforcement", "dept-environment", "dept-police"),
    "ebike": ("dept-emergency", "dept-housing"),
    "public-safety": ("dept-emergency", "dept-housing", "dept-police"),
    "elderly": ("dept-civil",),
}


def day_weight(day: dt.date, holidays: frozenset[dt.date]) -> float:
    """Relative volume of a day: fewer calls at weekends and far fewer on public holidays."""
    weight = 1.0 if day.weekday() < 5 else 0.8
    if day in holidays:
        weight *= 0.6
    return weight


def top_weights(month: int) -> dict[str, float]:
    return {top: weights[month - 1] for top, weights in MONTHLY.items()}


def leaf_weights(top: str, leaves: list[str], month: int) -> list[float]:
    given = LEAVES.get(top, {})
    out = []
    for leaf in leaves:
        months = LEAF_MONTHS.get(leaf)
        if months is not None and month not in months:
            out.append(0.0)
        else:
            out.append(given.get(leaf, 1.0))
    return out


def kind_for(top: str, rng: random.Random) -> str:
    return rng.choices(KINDS, weights=KIND_WEIGHTS.get(top, KIND_WEIGHTS["other"]))[0]


# Channels where staff or riders report what they see, not questions or thanks.
FIELD_CHANNELS = frozenset({"rider_snap", "walking_round", "proactive", "deliberation"})


def channel_for(top: str, kind: str, rng: random.Random) -> str:
    channel = rng.choices(CHANNELS, weights=CHANNEL_WEIGHTS)[0]
    if channel in FIELD_CHANNELS and (
        kind in ("consultation", "praise", "help")
        or (channel != "deliberation" and top not in STREET_TOPS)
    ):
        return "hotline"
    return channel


def urgency_for(leaf: str, rng: random.Random) -> str:
    urgent, emergency = URGENT.get(leaf, DEFAULT_URGENT)
    r = rng.random()
    if r < emergency:
        return "emergency"
    if r < emergency + urgent:
        return "urgent"
    return "normal"
