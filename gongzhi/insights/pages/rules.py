"""Who may open the findings pages. What each person then sees is the selectors' business
(hotspots.selectors: the places of their scope); acting on one is hotspots.rules'.

- Hotspots and clusters: staff whose scope holds places (district-wide roles, a subdistrict's,
  a community's or a property company's staff). Residents, riders and volunteers may not.
- Monthly topic candidates (每月一题): the district's leaders (district staff, administrators)
  for the district or any subdistrict; a subdistrict's staff for their own subdistrict only.
- The playbook beside an order: staff who may see the order (the order page's rule,
  workorders.selectors.order_get_for).
"""

from __future__ import annotations

from gongzhi.accounts.models import Person, Role
from gongzhi.accounts.selectors import Scope, person_scope

TOPIC_DISTRICT_ROLES = frozenset({Role.DISTRICT_STAFF, Role.ADMINISTRATOR})


def can_open_findings(scope: Scope) -> bool:
    if not scope.is_staff_scope:
        return False
    return scope.everything or bool(
        scope.subdistrict_ids or scope.community_ids or scope.compound_ids
    )


def topic_scopes(person: Person) -> tuple[bool, frozenset[int]]:
    """(may see the whole district, the subdistricts they may see on their own). Both empty:
    the person may not open the topic candidates."""
    scope = person_scope(person)
    district = person.is_superuser or bool(scope.roles & TOPIC_DISTRICT_ROLES)
    own = scope.subdistrict_ids if Role.SUBDISTRICT_STAFF in scope.roles else frozenset()
    return district, frozenset(own)


def can_see_playbook(scope: Scope) -> bool:
    """Staff only; the order's own visibility is checked by the order selector."""
    return scope.is_staff_scope
