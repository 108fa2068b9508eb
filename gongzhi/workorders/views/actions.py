"""The actions a person may take on one order, as small forms: which form parses each, and
which one service it calls. Whether an action is offered is rules.available_actions' answer;
whether it succeeds is the service's."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from gongzhi.accounts.models import Person
from gongzhi.workorders import services
from gongzhi.workorders.errors import NotFound
from gongzhi.workorders.forms import (
    AssistForm,
    CallbackForm,
    ContactForm,
    DeclineForm,
    DispatchForm,
    ExtensionDecisionForm,
    ExtensionForm,
    MergeForm,
    NoteForm,
    ReasonForm,
    ResolveForm,
    WhistleForm,
)
from gongzhi.workorders.models import WorkOrder
from gongzhi.workorders.transitions import Action

Call = Callable[[WorkOrder, Person, dict[str, Any]], Any]


@dataclass(frozen=True)
class ActionSpec:
    action: Action
    label: Any
    form: type[forms.Form]
    call: Call
    done: Any  # the flash after success
    quick: bool = False  # no fields: a single button
    danger: bool = False


def _merge(order: WorkOrder, by: Person, d: dict[str, Any]) -> Any:
    from gongzhi.workorders.selectors import order_get_for

    try:
        into = order_get_for(by, d["into"])
    except NotFound as exc:
        raise NotFound(str(_("要合并到的工单不存在或您无权查看"))) from exc
    return services.workorder_merge(order=order, into=into, by=by)


SPECS: dict[Action, ActionSpec] = {
    spec.action: spec
    for spec in [
        ActionSpec(
            Action.DISPATCH,
            _("派单"),
            DispatchForm,
            lambda o, by, d: services.workorder_dispatch(
                order=o,
                by=by,
                lead=d["lead"],
                assisting=d["assisting"],
                note=d["note"],
                category=d.get("category") or None,
            ),
            _("已派单"),
        ),
        ActionSpec(
            Action.REDISPATCH,
            _("改派"),
            DispatchForm,
            lambda o, by, d: services.workorder_redispatch(
                order=o,
                by=by,
                lead=d["lead"],
                assisting=d["assisting"],
                note=d["note"],
                category=d.get("category") or None,
            ),
            _("已改派"),
        ),
        ActionSpec(
            Action.ACCEPT,
            _("签收"),
            NoteForm,
            lambda o, by, d: services.workorder_accept(order=o, by=by),
            _("已签收"),
            quick=True,
        ),
        ActionSpec(
            Action.CONTACT,
            _("联系诉求人"),
            ContactForm,
            lambda o, by, d: services.workorder_contact(order=o, by=by, note=d["note"]),
            _("已记录联系诉求人"),
        ),
        ActionSpec(
            Action.RESOLVE,
            _("办结"),
            ResolveForm,
            lambda o, by, d: services.workorder_resolve(order=o, by=by, feedback=d["feedback"]),
            _("已办结，等待回访"),
        ),
        ActionSpec(
            Action.ASSIST_DONE,
            _("报告协办完成"),
            AssistForm,
            lambda o, by, d: services.workorder_assist_done(order=o, by=by, note=d["note"]),
            _("已报告协办完成"),
        ),
        ActionSpec(
            Action.EXTENSION_REQUEST,
            _("申请延期"),
            ExtensionForm,
            lambda o, by, d: services.workorder_extension_request(
                order=o, by=by, working_days=d["working_days"], reason=d["reason"]
            ),
            _("已提交延期申请"),
        ),
        ActionSpec(
            Action.EXTENSION_DECIDE,
            _("审核延期"),
            ExtensionDecisionForm,
            lambda o, by, d: services.workorder_extension_decide(
                order=o, by=by, approve=d["approve"], note=d["note"]
            ),
            _("已审核延期申请"),
        ),
        ActionSpec(
            Action.WHISTLE,
            _("吹哨召集部门"),
            WhistleForm,
            lambda o, by, d: services.workorder_whistle(
                order=o, by=by, departments=d["departments"], note=d["note"]
            ),
            _("已吹哨"),
        ),
        ActionSpec(
            Action.RETURN,
            _("退单"),
            ReasonForm,
            lambda o, by, d: services.workorder_return(order=o, by=by, reason=d["reason"]),
            _("已退回派单员"),
            danger=True,
        ),
        ActionSpec(
            Action.CALLBACK,
            _("回访"),
            CallbackForm,
            lambda o, by, d: services.workorder_callback(
                order=o,
                by=by,
                resolved=d["resolved"],
                satisfaction=d["satisfaction"],
                note=d["note"],
            ),
            _("已记录回访"),
        ),
        ActionSpec(
            Action.CALLBACK_UNREACHED,
            _("回访未接通"),
            NoteForm,
            lambda o, by, d: services.workorder_callback(
                order=o, by=by, reached=False, note=d["note"]
            ),
            _("已记录未接通"),
        ),
        ActionSpec(
            Action.CLOSE,
            _("结案"),
            NoteForm,
            lambda o, by, d: services.workorder_close(order=o, by=by, note=d["note"]),
            _("已结案"),
        ),
        ActionSpec(
            Action.REOPEN,
            _("重办"),
            ReasonForm,
            lambda o, by, d: services.workorder_reopen(order=o, by=by, reason=d["reason"]),
            _("已退回承办单位重办"),
            danger=True,
        ),
        ActionSpec(Action.MERGE, _("合并到重复工单"), MergeForm, _merge, _("已合并")),
        ActionSpec(
            Action.DECLINE,
            _("不予受理"),
            DeclineForm,
            lambda o, by, d: services.workorder_decline(
                order=o, by=by, reason_code=d["reason"], note=d["note"]
            ),
            _("已不予受理"),
            danger=True,
        ),
        ActionSpec(
            Action.MARK_UNREASONABLE,
            _("认定为不合理诉求"),
            ReasonForm,
            lambda o, by, d: services.workorder_mark_unreasonable(
                order=o, by=by, reason=d["reason"]
            ),
            _("已认定为不合理诉求，不计入考核"),
            danger=True,
        ),
    ]
}
