"""Domain errors of 接诉即办, each with a stable `code`.

The services raise them; the edges (pages, Open311, the JSON API) turn them into a message and a
status code. `message` is a Chinese source string already passed through gettext.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop


class WorkOrderError(Exception):
    code = "workorder_error"
    default_message = gettext_noop("工单操作失败")

    def __init__(self, message: str | None = None, **details: Any) -> None:
        self.message = message or _(self.default_message)
        self.details = details
        super().__init__(self.message)


class TransitionNotAllowed(WorkOrderError):
    """The order's status does not allow this action (checked against transitions.TABLE)."""

    code = "transition_not_allowed"
    default_message = gettext_noop("当前状态下不能进行此操作")


class NotPermitted(WorkOrderError):
    """The person's role or unit may not do this to this order."""

    code = "not_permitted"
    default_message = gettext_noop("您无权进行此操作")


class OutsideDistrict(WorkOrderError):
    code = "outside_district"
    default_message = gettext_noop("位置不在本区范围内")


class InvalidPhoto(WorkOrderError):
    """Not a JPEG, PNG or WebP by its content, too large, or too many."""

    code = "invalid_photo"
    default_message = gettext_noop("照片须为JPEG、PNG或WebP格式，且不超过大小和数量限制")


class InvalidInput(WorkOrderError):
    """A value the domain cannot accept (an inactive category, an empty reason…)."""

    code = "invalid_input"
    default_message = gettext_noop("输入内容不完整或不正确")


class CategoryNotFound(WorkOrderError):
    code = "unknown_category"
    default_message = gettext_noop("诉求类别不存在或已停用")


class NotFound(WorkOrderError):
    """No such order, or not one this person may see (the two are not told apart)."""

    code = "not_found"
    default_message = gettext_noop("工单不存在")


class ExtensionPending(WorkOrderError):
    code = "extension_pending"
    default_message = gettext_noop("已有待审核的延期申请")


class NoPendingExtension(WorkOrderError):
    code = "no_pending_extension"
    default_message = gettext_noop("没有待审核的延期申请")


class FirstReceiverLeads(WorkOrderError):
    """首接负责: the lead unit may not pass an accepted order on."""

    code = "first_receiver_leads"
    default_message = gettext_noop("首接负责：已签收的工单不能转交其他单位")


class InvalidMerge(WorkOrderError):
    code = "invalid_merge"
    default_message = gettext_noop("不能合并到该工单")


class WhistleStateError(WorkOrderError):
    code = "whistle_state"
    default_message = gettext_noop("吹哨记录当前状态不允许此操作")
