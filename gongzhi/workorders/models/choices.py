"""The vocabularies of 接诉即办: kinds, channels, urgency, statuses and reasons.

Module-level TextChoices so that services, selectors, APIs and templates import the same names
(`from gongzhi.workorders.models import Status`). The values are stable: they are stored, sent
through the APIs and used in settings.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


def choice_label(choices: type[models.TextChoices], value: str) -> str:
    """The label of a choice in the active language, or the value itself if it is not one
    (get_FOO_display hashes every choice on each call; hot paths label many values)."""
    try:
        return str(choices(value).label)
    except ValueError:
        return value


class Kind(models.TextChoices):
    CONSULTATION = "consultation", _("咨询")
    HELP = "help", _("求助")
    COMPLAINT = "complaint", _("投诉")
    REPORT = "report", _("举报")
    SUGGESTION = "suggestion", _("建议")
    PRAISE = "praise", _("表扬")


class Channel(models.TextChoices):
    HOTLINE = "hotline", _("12345热线")
    WEB = "web", _("网站")
    APP = "app", _("移动应用")
    WECHAT = "wechat", _("微信")
    RIDER_SNAP = "rider_snap", _("随手拍")
    WALKING_ROUND = "walking_round", _("走动式巡查")
    DELIBERATION = "deliberation", _("议事协商")
    PROACTIVE = "proactive", _("未诉先办")


class Urgency(models.TextChoices):
    NORMAL = "normal", _("一般")
    URGENT = "urgent", _("紧急")
    EMERGENCY = "emergency", _("特急")


class Priority(models.IntegerChoices):
    """Queue order: lower goes first. Emergencies (and, in an emergency period, the lifted
    categories) are FIRST; urgent orders next; everything else NORMAL."""

    FIRST = 0, _("优先")
    URGENT = 1, _("紧急")
    NORMAL = 2, _("一般")


class Status(models.TextChoices):
    RECEIVED = "received", _("已受理")
    DISPATCHED = "dispatched", _("已派单")
    ACCEPTED = "accepted", _("已签收")
    CONTACTED = "contacted", _("已响应")
    RESOLVED = "resolved", _("已办结")
    CALLED_BACK = "called_back", _("已回访")
    CLOSED = "closed", _("已结案")
    RETURNED = "returned", _("已退单")
    DECLINED = "declined", _("不予受理")
    MERGED = "merged", _("已合并")


# Orders still being worked on: the periodic deadline scan and the queues look only at these.
OPEN_STATUSES = (
    Status.RECEIVED,
    Status.DISPATCHED,
    Status.ACCEPTED,
    Status.CONTACTED,
    Status.RETURNED,
)
# Orders a handling unit holds (the lead unit's queue).
HANDLING_STATUSES = (Status.DISPATCHED, Status.ACCEPTED, Status.CONTACTED)
FINAL_STATUSES = (Status.CLOSED, Status.DECLINED, Status.MERGED)


class LimitUnit(models.TextChoices):
    HOURS = "hours", _("小时")
    WORKING_DAYS = "working_days", _("工作日")


class DeclineReason(models.TextChoices):
    """The statutory cases a hotline does not dispatch (北京市接诉即办工作条例 第十九条)."""

    LITIGATION = "litigation", _("涉法涉诉，应当通过诉讼、仲裁、行政复议等途径解决")
    JUDICIAL = "judicial", _("已进入或者已经依法通过诉讼、仲裁、行政复议等程序处理")
    INTERNAL_AFFAIRS = "internal_affairs", _("党政机关内部事务及人事管理事项")
    SECRETS = "secrets", _("涉及国家秘密、商业秘密、个人隐私")
    UNLAWFUL = "unlawful", _("违反法律法规或者违背公序良俗的诉求")
    OTHER_CHANNEL = "other_channel", _("依法应当通过其他途径解决的事项")
    DUPLICATE = "duplicate", _("重复诉求，已在办理中")
    NO_CONTENT = "no_content", _("无实质内容或无法核实")


class Satisfaction(models.TextChoices):
    SATISFIED = "satisfied", _("满意")
    BASICALLY = "basically", _("基本满意")
    UNSATISFIED = "unsatisfied", _("不满意")


class UnitRole(models.TextChoices):
    LEAD = "lead", _("主办")
    ASSIST = "assist", _("协办")


class EventKind(models.TextChoices):
    RECEIVED = "received", _("受理")
    DISPATCHED = "dispatched", _("派单")
    AUTO_DISPATCHED = "auto_dispatched", _("自动派单")
    ACCEPTED = "accepted", _("签收")
    CONTACTED = "contacted", _("联系诉求人")
    EXTENSION_REQUESTED = "extension_requested", _("申请延期")
    EXTENSION_APPROVED = "extension_approved", _("批准延期")
    EXTENSION_DENIED = "extension_denied", _("驳回延期")
    RETURNED = "returned", _("退单")
    REDISPATCHED = "redispatched", _("改派")
    ASSIST_DONE = "assist_done", _("协办完成")
    WHISTLE_CALLED = "whistle_called", _("吹哨")
    WHISTLE_REPORTED = "whistle_reported", _("部门报到")
    WHISTLE_ACTED = "whistle_acted", _("部门处置")
    RESOLVED = "resolved", _("办结")
    CALLBACK = "callback", _("回访")
    CALLBACK_UNREACHED = "callback_unreached", _("回访未接通")
    CLOSED = "closed", _("结案")
    REOPENED = "reopened", _("重办")
    MERGED = "merged", _("合并")
    DECLINED = "declined", _("不予受理")
    MARKED_UNREASONABLE = "marked_unreasonable", _("认定不合理诉求")
    CONTACT_WARNED = "contact_warned", _("响应临期预警")
    CONTACT_OVERDUE = "contact_overdue", _("响应超时")
    WARNED = "warned", _("办理临期预警")
    OVERDUE = "overdue", _("办理超期")
    REQUESTER_REVEALED = "requester_revealed", _("查看诉求人信息")
