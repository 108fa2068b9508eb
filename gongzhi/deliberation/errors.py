"""Domain errors of 共商共治, each with a stable `code`.

The services raise them; the edges (pages, API) turn them into a message and a status code.
`message` is a Chinese source string already passed through gettext.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop


class DeliberationError(Exception):
    code = "deliberation_error"
    default_message = gettext_noop("议事操作失败")

    def __init__(self, message: str | None = None, **details: Any) -> None:
        self.message = message or _(self.default_message)
        self.details = details
        super().__init__(self.message)


class StepNotAllowed(DeliberationError):
    """The case's step (or the meeting's / proposal's status) does not allow this action."""

    code = "step_not_allowed"
    default_message = gettext_noop("当前环节不能进行此操作")


class NotPermitted(DeliberationError):
    """The person's role or place does not allow this action on this object."""

    code = "not_permitted"
    default_message = gettext_noop("您无权进行此操作")


class NotFound(DeliberationError):
    """No such object, or not one this person may see (the two are not told apart)."""

    code = "not_found"
    default_message = gettext_noop("内容不存在")


class InvalidInput(DeliberationError):
    code = "invalid_input"
    default_message = gettext_noop("输入内容不完整或不正确")


class AlreadySupported(DeliberationError):
    code = "already_supported"
    default_message = gettext_noop("您已附议过该议题")


class NotARepresentative(DeliberationError):
    """Only serving representatives of the meeting's place may sign in and vote."""

    code = "not_a_representative"
    default_message = gettext_noop("您不是该议事范围的在任议事代表")


class NotSignedIn(DeliberationError):
    code = "not_signed_in"
    default_message = gettext_noop("代表尚未签到，不能表决")


class AlreadySignedIn(DeliberationError):
    code = "already_signed_in"
    default_message = gettext_noop("该代表已签到")


class QuorumNotMet(DeliberationError):
    """Fewer representatives present than the quorum rule requires: no vote."""

    code = "quorum_not_met"
    default_message = gettext_noop("出席代表未达法定人数，不能表决")


class AlreadyVoted(DeliberationError):
    code = "already_voted"
    default_message = gettext_noop("该代表已就此事项投票")


class HandCountTooLarge(DeliberationError):
    code = "hand_count_too_large"
    default_message = gettext_noop("表决票数超过出席代表人数")


class MotionNotPassed(DeliberationError):
    code = "motion_not_passed"
    default_message = gettext_noop("该表决事项未通过，不能形成决议")


class NoticeNotOver(DeliberationError):
    """The public notice period of the resolution has not passed yet."""

    code = "notice_not_over"
    default_message = gettext_noop("决议公示期未满")


class ObjectionsUnanswered(DeliberationError):
    code = "objections_unanswered"
    default_message = gettext_noop("尚有公示异议未答复")


class OverBudget(DeliberationError):
    code = "over_budget"
    default_message = gettext_noop("支出超过预算计划允许的上限")


class AlreadyRated(DeliberationError):
    code = "already_rated"
    default_message = gettext_noop("您已评价过该项目")


class TooFewRatings(DeliberationError):
    code = "too_few_ratings"
    default_message = gettext_noop("评价人数不足，暂不能结束评价")


class BelowThreshold(DeliberationError):
    """A project whose evaluation is below the threshold cannot be closed."""

    code = "below_threshold"
    default_message = gettext_noop("满意度未达标，项目不能办结")


class InvalidPhoto(DeliberationError):
    code = "invalid_photo"
    default_message = gettext_noop("照片须为JPEG、PNG或WebP格式，且不超过大小和数量限制")
