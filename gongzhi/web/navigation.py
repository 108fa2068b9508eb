"""Navigation entries by role. Each capability adds its entries here as it arrives."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from gongzhi.accounts.models import Role
from gongzhi.accounts.selectors import person_scope


@dataclass(frozen=True)
class NavItem:
    label: Any
    url_name: str
    roles: frozenset[str] | None  # None: everyone signed in
    # One sentence on what the person does there; the home page shows it under the link.
    description: Any = ""

    @property
    def url(self) -> str:
        return reverse(self.url_name)


STAFF = frozenset(r.value for r in Role) - {Role.RESIDENT, Role.RIDER, Role.VOLUNTEER}

NAV: list[NavItem] = [
    NavItem(_("首页"), "web:home", None),
    NavItem(
        _("地点"),
        "places:browser",
        STAFF | {Role.RESIDENT, Role.VOLUNTEER},
        _("按街道、社区、小区逐级查看您负责或居住的地方，含地图、楼栋、网格和服务单位。"),
    ),
]


def nav_items(user: Any) -> list[NavItem]:
    scope = person_scope(user)
    roles = set(scope.roles) | ({Role.ADMINISTRATOR.value} if user.is_superuser else set())
    return [item for item in NAV if item.roles is None or roles & item.roles]
