"""Handlers of the native API and the endpoint table that routes and documents them.

Every handler: find the order through the visibility selector (NotFound → 404), call the one
service for the action (NotPermitted → 403, TransitionNotAllowed → 409, other refusals → 400),
and return the order as the caller may now see it. Units are named by their stable codes.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from gongzhi.accounts.models import Person, Unit
from gongzhi.open311.jsonapi import ApiError, Endpoint, json_response
from gongzhi.open311.openapi import openapi_document
from gongzhi.places.models import Compound
from gongzhi.workorders import reference, selectors, services
from gongzhi.workorders.api import schemas as s
from gongzhi.workorders.errors import NotFound
from gongzhi.workorders.models import WhistleCall, WorkOrder


def _units(codes: Iterable[str], field: str) -> list[Unit]:
    """Units by code, in the order given; an unknown code is a 400 naming the field."""
    codes = list(dict.fromkeys(codes))
    found = {u.code: u for u in Unit.objects.filter(code__in=codes)}
    missing = [c for c in codes if c not in found]
    if missing:
        raise ApiError(
            400,
            "invalid_input",
            _("输入有误"),
            {field: _("未知的单位代码：%(c)s") % {"c": ", ".join(missing)}},
        )
    return [found[c] for c in codes]


def _detail(order: WorkOrder, person: Person) -> s.OrderDetail:
    return s.order_detail_out(selectors.order_detail(order), person=person)


def _order(person: Person, number: str) -> WorkOrder:
    return selectors.order_get_for(person, number)


def _call(order: WorkOrder, call_id: int) -> WhistleCall:
    call = order.whistle_calls.filter(pk=call_id).first()
    if call is None:
        raise NotFound(call=call_id)
    return call


# --- reads ------------------------------------------------------------------------------------


def order_list(
    request: HttpRequest, *, person: Person, query: s.OrderListQuery
) -> list[s.OrderSummary]:
    qs = selectors.orders_visible_to(person)
    if query.status:
        qs = qs.filter(status__in=query.status)
    rows = qs.order_by("-received_at", "-pk")[query.offset : query.offset + query.limit]
    return [s.order_summary_out(o) for o in rows]


def order_get(request: HttpRequest, *, person: Person, number: str) -> s.OrderDetail:
    return _detail(_order(person, number), person)


def openapi_json(request: HttpRequest) -> HttpResponse:
    return json_response(openapi_document(ENDPOINTS))


# --- intake -----------------------------------------------------------------------------------


def _source(request: HttpRequest, person: Person) -> str:
    """Whose idempotency keys these are: a client system's, or else one signed-in person's
    (the same key from two callers is two requests)."""
    client = getattr(request, "api_client", None)
    return client.source if client is not None else f"person:{person.pk}"


def order_receive(request: HttpRequest, *, person: Person, data: s.ReceiveIn) -> s.OrderDetail:
    compound = None
    if data.compound_id is not None:
        # Compounds are public geography; which orders may be filed is the service's question.
        compound = reference.place(Compound, data.compound_id)
        if compound is None:
            raise ApiError(400, "invalid_input", _("输入有误"), {"compound_id": _("小区不存在")})
    key = request.headers.get("Idempotency-Key", "").strip() or None
    order = services.workorder_receive(
        by=person,
        channel=data.channel,
        kind=data.kind,
        category=data.category,
        description=data.description,
        urgency=data.urgency,
        lng=data.lng,
        lat=data.lat,
        address=data.address,
        compound=compound,
        requester_name=data.requester_name,
        requester_phone=data.requester_phone,
        idempotency_key=key,
        source=_source(request, person),
        auto_dispatch=data.auto_dispatch,
    )
    written = getattr(order, "intake_written", None)
    if written is None:
        return _detail(order, person)  # an earlier order with the same Idempotency-Key
    # A new order: answer from the rows just written (it has no others) instead of reading
    # them back.
    related = {
        "events": written.events,
        "assignments": written.assignments,
        "whistle_calls": [],
        "extensions": [],
        "callbacks": [],
    }
    return s.order_detail_out(order, person=person, related=related)


# --- actions ----------------------------------------------------------------------------------


def order_dispatch(
    request: HttpRequest, *, person: Person, number: str, data: s.DispatchIn
) -> s.OrderDetail:
    order = services.workorder_dispatch(
        order=_order(person, number),
        by=person,
        lead=_units([data.lead], "lead")[0],
        assisting=_units(data.assisting, "assisting"),
        note=data.note,
    )
    return _detail(order, person)


def order_redispatch(
    request: HttpRequest, *, person: Person, number: str, data: s.DispatchIn
) -> s.OrderDetail:
    order = services.workorder_redispatch(
        order=_order(person, number),
        by=person,
        lead=_units([data.lead], "lead")[0],
        assisting=_units(data.assisting, "assisting"),
        note=data.note,
    )
    return _detail(order, person)


def order_accept(request: HttpRequest, *, person: Person, number: str) -> s.OrderDetail:
    order = services.workorder_accept(order=_order(person, number), by=person)
    return _detail(order, person)


def order_contact(
    request: HttpRequest, *, person: Person, number: str, data: s.NoteIn
) -> s.OrderDetail:
    order = services.workorder_contact(order=_order(person, number), by=person, note=data.note)
    return _detail(order, person)


def order_extension_request(
    request: HttpRequest, *, person: Person, number: str, data: s.ExtensionRequestIn
) -> s.OrderDetail:
    order = _order(person, number)
    services.workorder_extension_request(
        order=order, by=person, working_days=data.working_days, reason=data.reason
    )
    return _detail(order, person)


def order_extension_decide(
    request: HttpRequest, *, person: Person, number: str, data: s.ExtensionDecideIn
) -> s.OrderDetail:
    order = _order(person, number)
    services.workorder_extension_decide(
        order=order, by=person, approve=data.approve, note=data.note
    )
    return _detail(order, person)


def order_return(
    request: HttpRequest, *, person: Person, number: str, data: s.ReasonIn
) -> s.OrderDetail:
    order = services.workorder_return(order=_order(person, number), by=person, reason=data.reason)
    return _detail(order, person)


def order_assist_done(
    request: HttpRequest, *, person: Person, number: str, data: s.NoteRequiredIn
) -> s.OrderDetail:
    order = _order(person, number)
    services.workorder_assist_done(order=order, by=person, note=data.note)
    return _detail(order, person)


def order_whistle(
    request: HttpRequest, *, person: Person, number: str, data: s.WhistleIn
) -> s.OrderDetail:
    order = _order(person, number)
    services.workorder_whistle(
        order=order, by=person, departments=_units(data.departments, "departments"), note=data.note
    )
    return _detail(order, person)


def whistle_report_in(
    request: HttpRequest, *, person: Person, number: str, call_id: int, data: s.NoteIn
) -> s.OrderDetail:
    order = _order(person, number)
    services.whistle_report_in(call=_call(order, call_id), by=person, note=data.note)
    return _detail(order, person)


def whistle_action(
    request: HttpRequest, *, person: Person, number: str, call_id: int, data: s.NoteIn
) -> s.OrderDetail:
    order = _order(person, number)
    services.whistle_action(call=_call(order, call_id), by=person, note=data.note)
    return _detail(order, person)


def order_resolve(
    request: HttpRequest, *, person: Person, number: str, data: s.ResolveIn
) -> s.OrderDetail:
    order = services.workorder_resolve(
        order=_order(person, number), by=person, feedback=data.feedback
    )
    return _detail(order, person)


def order_callback(
    request: HttpRequest, *, person: Person, number: str, data: s.CallbackIn
) -> s.OrderDetail:
    order = services.workorder_callback(
        order=_order(person, number),
        by=person,
        reached=data.reached,
        resolved=data.resolved,
        satisfaction=data.satisfaction or "",
        note=data.note,
        close=data.close,
    )
    return _detail(order, person)


def order_close(
    request: HttpRequest, *, person: Person, number: str, data: s.NoteIn
) -> s.OrderDetail:
    order = services.workorder_close(order=_order(person, number), by=person, note=data.note)
    return _detail(order, person)


def order_reopen(
    request: HttpRequest, *, person: Person, number: str, data: s.ReasonIn
) -> s.OrderDetail:
    order = services.workorder_reopen(order=_order(person, number), by=person, reason=data.reason)
    return _detail(order, person)


def order_merge(
    request: HttpRequest, *, person: Person, number: str, data: s.MergeIn
) -> s.OrderDetail:
    order = services.workorder_merge(
        order=_order(person, number), into=_order(person, data.into), by=person
    )
    return _detail(order, person)


def order_decline(
    request: HttpRequest, *, person: Person, number: str, data: s.DeclineIn
) -> s.OrderDetail:
    order = services.workorder_decline(
        order=_order(person, number), by=person, reason_code=data.reason, note=data.note
    )
    return _detail(order, person)


def order_mark_unreasonable(
    request: HttpRequest, *, person: Person, number: str, data: s.ReasonIn
) -> s.OrderDetail:
    order = services.workorder_mark_unreasonable(
        order=_order(person, number), by=person, reason=data.reason
    )
    return _detail(order, person)


def order_reveal_requester(
    request: HttpRequest, *, person: Person, number: str, data: s.RevealIn
) -> s.RequesterOut:
    name, phone = services.requester_reveal(
        order=_order(person, number), by=person, purpose=data.purpose
    )
    return s.RequesterOut(name, phone)


# --- the table --------------------------------------------------------------------------------

ORDER = "orders/<str:number>"
CONFLICT = (400, 401, 403, 404, 409)


def _action(
    verb: str,
    handler: Callable[..., Any],
    summary: str | Promise,
    input: type | None,
    output: type = s.OrderDetail,
    path: str | None = None,
) -> Endpoint:
    return Endpoint(
        method="POST",
        path=path or f"{ORDER}/{verb}",
        name=f"order_{verb.replace('-', '_')}",
        handler=handler,
        summary=summary,
        input=input,
        output=output,
        errors=CONFLICT,
    )


T = gettext_lazy
ENDPOINTS: list[Endpoint] = [
    Endpoint(
        "GET",
        "orders",
        "order_list",
        order_list,
        T("我可见的工单"),
        output=s.OrderSummary,
        output_is_list=True,
        query=s.OrderListQuery,
        errors=(400, 401, 403),
    ),
    Endpoint(
        "POST",
        "orders",
        "order_receive",
        order_receive,
        T("受理新工单"),
        input=s.ReceiveIn,
        output=s.OrderDetail,
        errors=(400, 401, 403),
        description=T("同一调用人重复发送相同的 Idempotency-Key 请求头，返回同一工单，不再新建。"),
        extra={"created": True},
    ),
    Endpoint("GET", ORDER, "order_get", order_get, T("工单详情与办理时间线"), output=s.OrderDetail),
    _action("dispatch", order_dispatch, T("派单（主办、协办单位）"), s.DispatchIn),
    _action("redispatch", order_redispatch, T("改派"), s.DispatchIn),
    _action("accept", order_accept, T("签收"), None),
    _action("contact", order_contact, T("联系诉求人（响应）"), s.NoteIn),
    _action("extension-request", order_extension_request, T("申请延期"), s.ExtensionRequestIn),
    _action("extension-decide", order_extension_decide, T("审核延期申请"), s.ExtensionDecideIn),
    _action("return", order_return, T("退单"), s.ReasonIn),
    _action("assist-done", order_assist_done, T("协办单位报告协办情况"), s.NoteRequiredIn),
    _action("whistle", order_whistle, T("吹哨（召集部门）"), s.WhistleIn),
    _action(
        "whistle-report-in",
        whistle_report_in,
        T("被召部门报到"),
        s.NoteIn,
        path=f"{ORDER}/whistles/<int:call_id>/report-in",
    ),
    _action(
        "whistle-action",
        whistle_action,
        T("被召部门处置完毕"),
        s.NoteIn,
        path=f"{ORDER}/whistles/<int:call_id>/action",
    ),
    _action("resolve", order_resolve, T("办结并反馈"), s.ResolveIn),
    _action("callback", order_callback, T("回访"), s.CallbackIn),
    _action("close", order_close, T("结案"), s.NoteIn),
    _action("reopen", order_reopen, T("重办"), s.ReasonIn),
    _action("merge", order_merge, T("合并重复工单"), s.MergeIn),
    _action("decline", order_decline, T("不予受理"), s.DeclineIn),
    _action("mark-unreasonable", order_mark_unreasonable, T("认定为不合理诉求"), s.ReasonIn),
    _action(
        "reveal-requester",
        order_reveal_requester,
        T("查看诉求人完整信息（记入日志）"),
        s.RevealIn,
        output=s.RequesterOut,
    ),
]
