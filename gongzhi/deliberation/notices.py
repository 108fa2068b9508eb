"""What the notifications of 共商共治 say. Registered into the notifications catalogue
(gongzhi.notifications.messages.TEMPLATES) when the app is ready, so that `notify(event=...)`
renders them like the work-order ones. `{number}` is the case number."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from gongzhi.notifications.messages import TEMPLATES, Template

NOTICES: dict[str, Template] = {
    "dl_proposal_accepted": Template(
        "DL_PROPOSAL_ACCEPTED",
        _("您附议的议题已立案：{title}"),
        _("议题“{title}”已立案为议事案{number}，将提交议事会协商。"),
    ),
    "dl_proposal_declined": Template(
        "DL_PROPOSAL_DECLINED",
        _("您附议的议题未被采纳：{title}"),
        _("议题“{title}”未被采纳，理由：{reason}"),
    ),
    "dl_proposal_merged": Template(
        "DL_PROPOSAL_MERGED",
        _("您附议的议题已合并：{title}"),
        _("议题“{title}”已与“{into}”合并办理。"),
    ),
    "dl_meeting_called": Template(
        "DL_MEETING_CALLED",
        _("议事会通知：{meeting}"),
        _("请于{at}到{hall}参加议事会“{meeting}”。议程：{agenda}"),
    ),
    "dl_resolution_notice": Template(
        "DL_RESOLUTION_NOTICE",
        _("决议公示：{number}"),
        _("议事案{number}“{title}”的决议已公示，公示期至{ends}。如有异议请在公示期内提出。"),
    ),
    "dl_project_assigned": Template(
        "DL_PROJECT_ASSIGNED",
        _("实事项目任务：{title}"),
        _("实事项目“{title}”（议事案{number}）由本单位{role}，完成时限{deadline}。"),
    ),
    "dl_project_deadline_near": Template(
        "DL_PROJECT_DEADLINE_NEAR",
        _("实事项目临期：{title}"),
        _("实事项目“{title}”将于{deadline}到期，当前进度{progress}%。"),
    ),
    "dl_project_overdue": Template(
        "DL_PROJECT_OVERDUE",
        _("实事项目超期：{title}"),
        _("实事项目“{title}”已超过完成时限{deadline}，当前进度{progress}%。"),
    ),
    "dl_evaluation_open": Template(
        "DL_EVALUATION_OPEN",
        _("请评价实事项目：{title}"),
        _("实事项目“{title}”已完工，请在{ends}前评价。"),
    ),
    "dl_project_reopened": Template(
        "DL_PROJECT_REOPENED",
        _("实事项目重办：{title}"),
        _("实事项目“{title}”满意度{score}分，未达{threshold}分，已退回重办。"),
    ),
}


def register() -> None:
    """Add these templates to the catalogue (idempotent)."""
    TEMPLATES.update(NOTICES)
