"""The choices of 共商共治: steps, origins, hall kinds, votes, project kinds, ratings."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class PlaceLevel(models.TextChoices):
    COMMUNITY = "community", _("社区")
    COMPOUND = "compound", _("小区")
    BUILDING = "building", _("楼栋")


class Origin(models.TextChoices):
    RESIDENT = "resident", _("居民金点子")
    HOTSPOT = "hotspot", _("工单热点")
    WORK_ORDERS = "work_orders", _("工单聚类")
    WALKING_ROUND = "walking_round", _("走动式巡查")
    STAFF = "staff", _("社区工作者")


class ProposalStatus(models.TextChoices):
    OPEN = "open", _("征集中")
    ACCEPTED = "accepted", _("已立案")
    MERGED = "merged", _("已合并")
    DECLINED = "declined", _("未采纳")


class Step(models.TextChoices):
    """The steps of a case, in order. 公示 sits between 议 and 办."""

    COLLECT = "collect", _("集")
    DELIBERATE = "deliberate", _("议")
    NOTICE = "notice", _("公示")
    ACT = "act", _("办")
    SUPERVISE = "supervise", _("督")
    EVALUATE = "evaluate", _("评")
    CLOSED = "closed", _("已办结")
    WITHDRAWN = "withdrawn", _("未通过")


# The five steps a resident follows on the case page (notice is shown inside 议).
FIVE_STEPS = (Step.COLLECT, Step.DELIBERATE, Step.ACT, Step.SUPERVISE, Step.EVALUATE)
OPEN_STEPS = frozenset(
    {Step.COLLECT, Step.DELIBERATE, Step.NOTICE, Step.ACT, Step.SUPERVISE, Step.EVALUATE}
)


class CaseEventKind(models.TextChoices):
    OPENED = "opened", _("立案")
    PROPOSAL_ADDED = "proposal_added", _("并入议题")
    MEETING_SCHEDULED = "meeting_scheduled", _("召集议事会")
    MEETING_CLOSED = "meeting_closed", _("议事会结束")
    MOTION_DECIDED = "motion_decided", _("表决结果")
    RESOLUTION_PUBLISHED = "resolution_published", _("决议公示")
    OBJECTION_RAISED = "objection_raised", _("公示异议")
    OBJECTION_ANSWERED = "objection_answered", _("异议答复")
    PROJECT_CREATED = "project_created", _("转为实事项目")
    PROJECT_LAUNCHED = "project_launched", _("项目实施")
    PROGRESS = "progress", _("进展更新")
    SPENDING = "spending", _("资金支出")
    MILESTONE = "milestone", _("节点更新")
    VISIT = "visit", _("监督走访")
    DEADLINE_CHANGED = "deadline_changed", _("调整完成时限")
    WARNED = "warned", _("临期预警")
    OVERDUE = "overdue", _("超期预警")
    COMPLETED = "completed", _("完工待评")
    RATED = "rated", _("评价")
    CLOSED = "closed", _("评价通过，办结")
    REOPENED = "reopened", _("评价未达标，重办")
    WITHDRAWN = "withdrawn", _("议题未通过")


class HallKind(models.TextChoices):
    FIXED = "fixed", _("固定议事厅")
    MOBILE = "mobile", _("移动议事厅")
    ONLINE = "online", _("线上议事厅")


class MeetingStatus(models.TextChoices):
    SCHEDULED = "scheduled", _("已召集")
    IN_SESSION = "in_session", _("进行中")
    CLOSED = "closed", _("已结束")
    CANCELLED = "cancelled", _("已取消")


class CheckInMethod(models.TextChoices):
    SELF = "self", _("本人签到")
    SECRETARY = "secretary", _("代为签到")


class Majority(models.TextChoices):
    """Both rules count against everyone present (signed in) at the meeting: abstentions and
    present members who did not vote count in the denominator. See rules.motion_passes."""

    SIMPLE = "simple", _("过半数")
    TWO_THIRDS = "two_thirds", _("三分之二多数")


class VotingMode(models.TextChoices):
    NAMED = "named", _("记名投票")
    HAND_COUNT = "hand_count", _("举手表决")


class MotionStatus(models.TextChoices):
    OPEN = "open", _("表决中")
    PASSED = "passed", _("通过")
    FAILED = "failed", _("未通过")


class VoteChoice(models.TextChoices):
    YES = "yes", _("赞成")
    NO = "no", _("反对")
    ABSTAIN = "abstain", _("弃权")


class ResolutionStatus(models.TextChoices):
    ON_NOTICE = "on_notice", _("公示中")
    ADOPTED = "adopted", _("已转实事")
    WITHDRAWN = "withdrawn", _("已撤回")


class ProjectKind(models.TextChoices):
    ENVIRONMENT = "environment", _("环境整治")
    FACILITIES = "facilities", _("设施改造")
    PARKING = "parking", _("停车管理")
    ELEVATOR = "elevator", _("加装电梯")
    AGEING = "ageing", _("适老化改造")
    CONVENIENCE = "convenience", _("便民服务")
    GREENING = "greening", _("绿化美化")
    SAFETY = "safety", _("安全隐患整治")
    OTHER = "other", _("其他")


class UnitRole(models.TextChoices):
    LEAD = "lead", _("牵头")
    ASSIST = "assist", _("配合")


class Satisfaction(models.TextChoices):
    """The three words residents know from 12345 callbacks; each maps to a 1–5 score
    (settings.GONGZHI_DELIBERATION_RATING_SCORES)."""

    SATISFIED = "satisfied", _("满意")
    BASICALLY = "basically", _("基本满意")
    UNSATISFIED = "unsatisfied", _("不满意")
