"""Who may see which place: plain predicates over a person's Scope.

Tested as a full role × place grid (tests/test_visibility_grid.py). Selectors apply the same
rules as query filters; the two are tested against each other.
"""

from __future__ import annotations

from gongzhi.accounts.selectors import Scope
from gongzhi.places.models import Community, Compound, Subdistrict


def can_see_subdistrict(scope: Scope, subdistrict: Subdistrict) -> bool:
    return scope.everything or subdistrict.pk in scope.subdistrict_ids


def can_see_community(scope: Scope, community: Community) -> bool:
    return (
        scope.everything
        or community.subdistrict_id in scope.subdistrict_ids
        or community.pk in scope.community_ids
    )


def can_see_compound(scope: Scope, compound: Compound) -> bool:
    if scope.everything or compound.pk in scope.compound_ids:
        return True
    if compound.community_id in scope.community_ids:
        return True
    # Only the subdistrict id of the compound's community is needed; callers pass compounds
    # with their community loaded (select_related) so this costs no query.
    return compound.community.subdistrict_id in scope.subdistrict_ids
