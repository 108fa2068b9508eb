"""Domain errors of the hotspot and cluster actions, each with a stable `code`.

The services (insights/services.py) raise them; the pages turn them into a message. The work
order and deliberation services they call raise their own errors (WorkOrderError,
DeliberationError), which pass through unchanged, with nothing written.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop


class SignalError(Exception):
    code = "signal_error"
    default_message = gettext_noop("热点操作失败")

    def __init__(self, message: str | None = None, **details: Any) -> None:
        self.message = message or _(self.default_message)
        self.details = details
        super().__init__(self.message)


class NotPermitted(SignalError):
    """The person is not staff of the hotspot's (or cluster's) place."""

    code = "not_permitted"
    default_message = gettext_noop("您无权处置该热点")


class AlreadyActed(SignalError):
    """The hotspot or cluster already became a work order (or a proposal)."""

    code = "already_acted"
    default_message = gettext_noop("该热点已转办，不能重复转办")


class Dismissed(SignalError):
    code = "dismissed"
    default_message = gettext_noop("该热点已忽略")


class InvalidInput(SignalError):
    code = "invalid_input"
    default_message = gettext_noop("输入内容不完整或不正确")
