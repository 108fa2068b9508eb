"""What each role comes to 共治 to do, in one sentence: the home page greets a person with it.

The links to the pages that do it come from navigation.NAV, so a capability that arrives
adds its entry there and the home page shows it to the right roles.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from gongzhi.accounts.models import Role

PURPOSE: dict[str, Any] = {
    Role.RESIDENT: _("反映诉求、跟进办理、评价结果；提出金点子，参与议事，查找身边的服务。"),
    Role.RIDER: _("查找附近开放的驿站，使用速通码进出小区，随手拍反映街面问题。"),
    Role.VOLUNTEER: _("报名志愿活动、签到，记录服务时长。"),
    Role.SOCIAL_WORKER: _("走动式巡查、楼宇走访，组织议事会和志愿活动。"),
    Role.COMMUNITY_SECRETARY: _("办理派到本社区的诉求，组织居民议事，推进实事项目。"),
    Role.SUBDISTRICT_STAFF: _("办理派到街道的诉求，吹哨报到，掌握辖区各社区的情况。"),
    Role.DISTRICT_STAFF: _("查看全区排名、热点和每月一题，督办重点诉求。"),
    Role.DEPARTMENT_STAFF: _("办理派给本部门的诉求，响应街道的吹哨。"),
    Role.PROPERTY_STAFF: _("办理物业服务小区的诉求，与社区共同跟进。"),
    Role.HOTLINE_OPERATOR: _("接听来电，快速生成工单，系统建议分类、地点和承办单位。"),
    Role.DISPATCHER: _("派单、改派退回的工单、合并重复诉求，对不予受理的说明理由。"),
    Role.CALLBACK_AGENT: _("回访诉求人：问题是否解决，是否满意。"),
    Role.ADMINISTRATOR: _("维护分类、权责清单、办理时限、工作日历、单位和人员。"),
}


def purposes(roles: frozenset[str]) -> list[Any]:
    """The sentences for the person's roles, in the order of the Role enumeration."""
    return [PURPOSE[role] for role in Role if role in roles and role in PURPOSE]
