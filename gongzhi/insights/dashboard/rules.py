"""Who may open the leaders' dashboards: plain predicates over a person's Scope
(accounts.selectors.person_scope).

- District staff and administrators (and superusers): the district, every subdistrict and
  every community.
- Subdistrict staff: their subdistrict(s) and its communities; the district page sends them
  to their own subdistrict.
- Everyone else: no dashboard (403). A place outside the person's dashboards is a 404, as in
  the place browser.
"""

from __future__ import annotations

from gongzhi.accounts.models import Role
from gongzhi.accounts.selectors import Scope

DISTRICT_DASHBOARD_ROLES = frozenset({Role.DISTRICT_STAFF, Role.ADMINISTRATOR})
DASHBOARD_ROLES = DISTRICT_DASHBOARD_ROLES | {Role.SUBDISTRICT_STAFF}


def sees_district(scope: Scope, *, is_superuser: bool = False) -> bool:
    return is_superuser or bool(scope.roles & DISTRICT_DASHBOARD_ROLES)


def has_dashboard(scope: Scope, *, is_superuser: bool = False) -> bool:
    return sees_district(scope, is_superuser=is_superuser) or bool(
        Role.SUBDISTRICT_STAFF in scope.roles and scope.subdistrict_ids
    )


def sees_subdistrict(scope: Scope, subdistrict_id: int, *, is_superuser: bool = False) -> bool:
    if sees_district(scope, is_superuser=is_superuser):
        return True
    return Role.SUBDISTRICT_STAFF in scope.roles and subdistrict_id in scope.subdistrict_ids


def home_subdistrict(scope: Scope) -> int | None:
    """The subdistrict a subdistrict's staff member lands on (the first, if several)."""
    return min(scope.subdistrict_ids) if scope.subdistrict_ids else None
