"""What each event says: subject and body (Chinese source strings through gettext) and the
template code an SMS gateway would have registered for it."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Template:
    code: str
    subject: Promise | str
    body: Promise | str


TEMPLATES: dict[str, Template] = {
    "received": Template(
        "WO_RECEIVED",
        _("您的诉求已受理：{number}"),
        _("您的诉求已受理，工单编号{number}。可凭编号和手机号查询办理进度。"),
    ),
    "dispatched": Template(
        "WO_DISPATCHED",
        _("新派工单：{number}"),
        _(
            "工单{number}（{category}）已派至本单位，请及时签收。响应时限{contact_due}，办结时限{resolve_due}。"
        ),
    ),
    "assisting": Template(
        "WO_ASSISTING",
        _("协办工单：{number}"),
        _("工单{number}（{category}）请本单位协办。"),
    ),
    "returned": Template(
        "WO_RETURNED",
        _("退单待改派：{number}"),
        _("工单{number}被退回，理由：{reason}"),
    ),
    "extension_requested": Template(
        "WO_EXTENSION",
        _("延期申请：{number}"),
        _("工单{number}申请延期{working_days}个工作日，理由：{reason}"),
    ),
    "extension_decided": Template(
        "WO_EXTENSION_DECIDED",
        _("延期申请已处理：{number}"),
        _("工单{number}的延期申请{decision}。{note}"),
    ),
    "contact_warning": Template(
        "WO_CONTACT_WARN",
        _("响应临期：{number}"),
        _("工单{number}将于{due}到达响应时限，请尽快联系诉求人。"),
    ),
    "deadline_near": Template(
        "WO_DEADLINE_NEAR",
        _("办结临期：{number}"),
        _("工单{number}将于{due}到达办结时限。"),
    ),
    "contact_overdue": Template(
        "WO_CONTACT_OVERDUE",
        _("响应超时：{number}"),
        _("工单{number}已超过响应时限{due}。"),
    ),
    "overdue": Template(
        "WO_OVERDUE",
        _("办理超期：{number}"),
        _("工单{number}已超过办结时限{due}。"),
    ),
    "whistle_called": Template(
        "WO_WHISTLE",
        _("吹哨报到：{number}"),
        _("{caller}就工单{number}吹哨，请于{report_due}前报到，{action_due}前完成处置。{note}"),
    ),
    "resolved": Template(
        "WO_RESOLVED",
        _("您的诉求已办结：{number}"),
        _("您反映的问题（工单{number}）已办结：{feedback} 稍后将有回访，感谢您的监督。"),
    ),
    "callback_due": Template(
        "WO_CALLBACK_DUE",
        _("待回访：{number}"),
        _("工单{number}已办结，请安排回访。"),
    ),
    "requester_rated": Template(
        "WO_REQUESTER_RATED",
        _("诉求人已评价：{number}"),
        _("诉求人对工单{number}的办理评价：{resolved}，{satisfaction}。{note}"),
    ),
    "reopened": Template(
        "WO_REOPENED",
        _("重办工单：{number}"),
        _("工单{number}回访未解决，已退回重办，新的办结时限{resolve_due}。"),
    ),
}


def render(event: str, params: dict[str, object]) -> tuple[str, str, str]:
    """(template code, subject, body) for an event with its parameters."""
    template = TEMPLATES[event]
    safe = _Defaulting(params)
    return (
        template.code,
        str(template.subject).format_map(safe),
        str(template.body).format_map(safe),
    )


class _Defaulting(dict[str, object]):
    def __missing__(self, key: str) -> str:
        return ""
