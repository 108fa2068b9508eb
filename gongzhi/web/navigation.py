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
    # URL name of a fragment with a number to show beside the label (unread notices). The
    # page fetches it with htmx after loading and then every minute, so that the number costs
    # the page itself no query and stays current.
    count_url_name: str = ""

    @property
    def count_url(self) -> str:
        return reverse(self.count_url_name) if self.count_url_name else ""

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
    # 接诉即办 (gongzhi.workorders).
    NavItem(
        _("反映诉求"),
        "workorders:file",
        frozenset({Role.RESIDENT, Role.RIDER, Role.VOLUNTEER}),
        _("在地图上标出位置、附上照片反映问题，凭编号和手机号查询进度。"),
    ),
    NavItem(
        _("来电登记"),
        "workorders:intake",
        frozenset({Role.HOTLINE_OPERATOR, Role.DISPATCHER, Role.ADMINISTRATOR}),
        _("接听来电，用键盘快速登记工单，提示同一地点的重复诉求。"),
    ),
    NavItem(
        _("承办工单"),
        "workorders:queue",
        frozenset(
            {
                Role.SUBDISTRICT_STAFF,
                Role.COMMUNITY_SECRETARY,
                Role.SOCIAL_WORKER,
                Role.PROPERTY_STAFF,
                Role.DEPARTMENT_STAFF,
                Role.DISTRICT_STAFF,
            }
        ),
        _("本单位主办和协办的工单，按优先级和时限排序：签收、联系、办结。"),
    ),
    NavItem(
        _("派单台"),
        "workorders:dispatch_desk",
        frozenset({Role.DISPATCHER}),
        _("派单、改派退回的工单、合并重复诉求、不予受理，审核延期申请。"),
    ),
    NavItem(
        _("回访台"),
        "workorders:callback_desk",
        frozenset({Role.CALLBACK_AGENT}),
        _("回访已办结的工单：是否解决，是否满意。"),
    ),
    NavItem(
        _("三率排名"),
        "workorders:ranking",
        STAFF,
        _("按月查看街道、社区和承办单位的响应率、解决率、满意率和综合得分。"),
    ),
    # Leaders' dashboards (gongzhi.insights).
    NavItem(
        _("数据看板"),
        "insights:dashboard",
        frozenset({Role.DISTRICT_STAFF, Role.SUBDISTRICT_STAFF, Role.ADMINISTRATOR}),
        _("按月查看全区或本街道的三率、地图、趋势和类别，逐级查看到社区和工单，下载月度报告。"),
    ),
    NavItem(
        _("月度报告"),
        "insights:reports",
        frozenset({Role.DISTRICT_STAFF, Role.SUBDISTRICT_STAFF, Role.ADMINISTRATOR}),
        _("各月的三率排名报告（Excel、PDF），以及个人信息已脱敏的工单清单（CSV）。"),
    ),
    # 未诉先办 (gongzhi.insights.pages): hotspots, clusters and the monthly topics; every staff
    # role sees the hotspots of the places in its scope (insights/hotspots/rules.py).
    NavItem(
        _("未诉先办"),
        "insights:hotspots",
        STAFF,
        _("诉求数超出季节基线控制限的地点和类别、内容相近的诉求，转为主动治理工单或提交议事。"),
    ),
    # 共商共治 (gongzhi.deliberation).
    NavItem(
        _("议事"),
        "deliberation:cases",
        STAFF | {Role.RESIDENT, Role.VOLUNTEER},
        _("每件议题的集、议、办、督、评五步：议事会表决、决议公示、实事项目进展和居民评价。"),
    ),
    NavItem(
        _("金点子"),
        "deliberation:proposals",
        frozenset(
            {
                Role.RESIDENT,
                Role.COMMUNITY_SECRETARY,
                Role.SOCIAL_WORKER,
                Role.SUBDISTRICT_STAFF,
            }
        ),
        _("居民为小区、社区提议题、附议；社区审核立案、合并或说明不予采纳的理由。"),
    ),
    NavItem(
        _("议事会"),
        "deliberation:meetings",
        frozenset({Role.COMMUNITY_SECRETARY, Role.SOCIAL_WORKER, Role.SUBDISTRICT_STAFF}),
        _("开会时为代表签到、看法定人数、录入举手表决、写纪要。"),
    ),
    NavItem(
        _("实事台账"),
        "deliberation:ledger",
        STAFF | {Role.RESIDENT, Role.VOLUNTEER},
        _("按年度查看实事项目的数量、预算和支出、满意度，可按地点和类别筛选并导出 Excel。"),
    ),
    NavItem(
        _("实事督办"),
        "deliberation:supervision",
        STAFF,
        _("超过完成时限和临近时限的实事项目。"),
    ),
    # The in-app inbox (gongzhi.notifications), with the number of unread notices.
    NavItem(
        _("通知"),
        "notifications:inbox",
        None,
        _("派给您和本单位的消息：新工单、临期和超期提醒、回访结果等。"),
        count_url_name="notifications:count",
    ),
]


def nav_items(user: Any) -> list[NavItem]:
    scope = person_scope(user)
    roles = set(scope.roles) | ({Role.ADMINISTRATOR.value} if user.is_superuser else set())
    return [item for item in NAV if item.roles is None or roles & item.roles]
