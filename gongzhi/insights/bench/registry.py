"""The benchmark's district: the demo's full place registry (43 subdistricts, 768 communities,
1,504 compounds), units and people, the default categories and responsibility matrix; then
everything the generator needs from it as numpy arrays — who leads each category at each
compound and community is asked of the responsibility matrix once, not once per order."""

from __future__ import annotations

import random
from dataclasses import dataclass

import numpy as np

from gongzhi.workorders import taxonomy


def seed() -> None:
    """Build the registry in the (empty, migrated) bench database. Idempotent."""
    from django.db import transaction

    from gongzhi.accounts import demo as accounts_demo
    from gongzhi.places import demo as places_demo
    from gongzhi.web.demo import DemoContext, Progress

    ctx = DemoContext()
    progress = Progress(lambda _line: None)
    for build in (places_demo.build, accounts_demo.build):
        with transaction.atomic():
            build(ctx, progress)
    taxonomy.seed_categories()
    taxonomy.seed_matrix()


@dataclass
class Quality:
    """How a subdistrict's units work (as in the demo generator: the ranking has a spread)."""

    contact_late: np.ndarray
    resolve_late: np.ndarray
    unresolved: np.ndarray
    satisfied: np.ndarray


@dataclass
class District:
    subdistricts: np.ndarray  # ids
    communities: np.ndarray  # ids
    community_subdistrict: np.ndarray  # index into subdistricts
    community_weight: np.ndarray  # probabilities
    community_names: list[str]
    compounds: np.ndarray
    compound_community: np.ndarray  # index into communities
    compound_weight: np.ndarray  # probabilities
    compound_weight_property: np.ndarray  # probabilities for property matters
    compound_names: list[str]
    leaves: list[str]  # category codes
    leaf_ids: np.ndarray
    leaf_names: list[str]
    leaf_top: list[str]
    month_leaf: np.ndarray  # [12, leaves] probabilities of a leaf in each month
    at_compound: np.ndarray  # [leaves]
    urgent: np.ndarray  # [leaves, 2] (urgent, emergency) shares
    lead_at_compound: np.ndarray  # [leaves, compounds] unit id, 0 none
    lead_at_community: np.ndarray  # [leaves, communities]
    office_of_subdistrict: np.ndarray  # [subdistricts] unit id
    callback_agents: np.ndarray  # person ids
    quality: Quality


def load(seed_value: int = 20251) -> District:
    """Read the registry and ask the matrix who leads what where (about 140,000 in-memory
    look-ups)."""
    from gongzhi.workorders.demo import district as demo_district
    from gongzhi.workorders.demo import season

    d = demo_district.load()
    subdistricts = np.array(sorted(d.subdistricts), dtype=np.int64)
    sd_index = {int(s): i for i, s in enumerate(subdistricts)}
    communities = np.array(sorted(d.communities), dtype=np.int64)
    cm_index = {int(c): i for i, c in enumerate(communities)}
    compounds = np.array(sorted(d.compounds), dtype=np.int64)

    population = np.array(
        [max(d.compounds[int(c)].population, 50) for c in compounds], dtype=np.float64
    )
    property_factor = np.array(
        [1.0 if int(c) in d.property_of else 0.25 for c in compounds], dtype=np.float64
    )
    community_pop = np.full(len(communities), 500.0)
    seen = np.zeros(len(communities), dtype=bool)
    compound_community = np.array(
        [cm_index[d.compounds[int(c)].community_id] for c in compounds], dtype=np.int64
    )
    for i, pop in zip(compound_community, population, strict=True):
        if not seen[i]:
            community_pop[i], seen[i] = 0.0, True
        community_pop[i] += pop

    leaves = [leaf for top in season.MONTHLY if top in d.leaves for leaf in d.leaves[top]]
    leaf_top = [d.tops[leaf] for leaf in leaves]
    month_leaf = np.zeros((12, len(leaves)))
    for m in range(1, 13):
        tops = season.top_weights(m)
        for top in set(leaf_top):
            idx = [i for i, t in enumerate(leaf_top) if t == top]
            w = np.array(season.leaf_weights(top, [leaves[i] for i in idx], m), dtype=float)
            if not w.any():
                w[:] = 1.0
            month_leaf[m - 1, idx] = tops.get(top, 0.0) * w / w.sum()
        month_leaf[m - 1] /= month_leaf[m - 1].sum()

    lead_at_compound = np.zeros((len(leaves), len(compounds)), dtype=np.int64)
    lead_at_community = np.zeros((len(leaves), len(communities)), dtype=np.int64)
    for li, leaf in enumerate(leaves):
        category = d.categories[leaf]
        for ci, c in enumerate(compounds):
            info = d.compounds[int(c)]
            sd = d.communities[info.community_id].subdistrict_id
            placed = d.place(category, int(c), info.community_id, sd)
            lead_at_compound[li, ci] = placed.lead.id if placed.lead else 0
        for mi, cm in enumerate(communities):
            sd = d.communities[int(cm)].subdistrict_id
            placed = d.place(category, None, int(cm), sd)
            lead_at_community[li, mi] = placed.lead.id if placed.lead else 0

    rng = random.Random(seed_value)
    q = np.clip(np.array([rng.gauss(0.0, 1.0) for _ in subdistricts]), -2.2, 2.2)
    quality = Quality(
        contact_late=np.clip(0.009 - 0.004 * q, 0.001, 0.03),
        resolve_late=np.clip(0.06 - 0.02 * q, 0.015, 0.14),
        unresolved=np.clip(0.21 - 0.05 * q, 0.07, 0.36),
        satisfied=np.clip(0.90 + 0.025 * q, 0.75, 0.98),
    )
    return District(
        subdistricts=subdistricts,
        communities=communities,
        community_subdistrict=np.array(
            [sd_index[d.communities[int(c)].subdistrict_id] for c in communities], dtype=np.int64
        ),
        community_weight=community_pop / community_pop.sum(),
        community_names=[d.communities[int(c)].name for c in communities],
        compounds=compounds,
        compound_community=compound_community,
        compound_weight=population / population.sum(),
        compound_weight_property=(population * property_factor)
        / (population * property_factor).sum(),
        compound_names=[d.compounds[int(c)].name for c in compounds],
        leaves=leaves,
        leaf_ids=np.array([d.categories[leaf].pk for leaf in leaves], dtype=np.int64),
        leaf_names=[d.categories[leaf].name for leaf in leaves],
        leaf_top=leaf_top,
        month_leaf=month_leaf,
        at_compound=np.array([season.AT_COMPOUND.get(t, 0.5) for t in leaf_top]),
        urgent=np.array([season.URGENT.get(leaf, season.DEFAULT_URGENT) for leaf in leaves]),
        lead_at_compound=lead_at_compound,
        lead_at_community=lead_at_community,
        office_of_subdistrict=np.array(
            [d.office_of.get(int(s), 0) for s in subdistricts], dtype=np.int64
        ),
        callback_agents=np.array(d.callback_agents, dtype=np.int64),
        quality=quality,
    )
