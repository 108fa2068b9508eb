"""The dispatcher's desk decisions that take an order out of the normal flow: merging a
duplicate, declining the undispatchable, and marking an order unreasonable (out of scoring)."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils.translation import gettext as _

from gongzhi.accounts.models import Person
from gongzhi.workorders.errors import InvalidInput, InvalidMerge, TransitionNotAllowed
from gongzhi.workorders.models import (
    Assignment,
    DeclineReason,
    EventKind,
    Status,
    WorkOrder,
)
from gongzhi.workorders.services.guard import begin, now_or, record
from gongzhi.workorders.transitions import Action


@transaction.atomic
def workorder_merge(
    *, order: WorkOrder, into: WorkOrder, by: Person, at: dt.datetime | None = None
) -> WorkOrder:
    """Merge a duplicate `order` into its original `into` (合并). Dispatcher only. Both rows are
    locked (in id order, so two merges cannot deadlock). The duplicate is kept out of the rates;
    both orders get an event."""
    if order.pk == into.pk:
        raise InvalidMerge(_("不能合并到自身"))
    first, second = sorted([order.pk, into.pk])
    locked = {
        o.pk: o
        for o in WorkOrder.objects.select_for_update().filter(pk__in=[first, second]).order_by("pk")
    }
    target_order = locked[into.pk]
    if target_order.status in (Status.MERGED, Status.DECLINED):
        raise InvalidMerge(_("目标工单已合并或不予受理"))
    order, grant, target = begin(locked[order.pk], Action.MERGE, by)
    now = now_or(at)
    from_status = order.status
    order.assignments.filter(released_at__isnull=True).update(
        released_at=now, state=Assignment.State.RELEASED
    )
    order.status = target
    order.merged_into = target_order
    order.save(update_fields=["status", "merged_into", "updated_at"])
    record(
        order,
        EventKind.MERGED,
        at=now,
        by=by,
        unit_id=grant.unit_id,
        from_status=from_status,
        to_status=target,
        data={"into": target_order.number},
    )
    record(
        target_order,
        EventKind.MERGED,
        at=now,
        by=by,
        unit_id=grant.unit_id,
        from_status=target_order.status,
        data={"duplicate": order.number},
    )
    return order


@transaction.atomic
def workorder_decline(
    *,
    order: WorkOrder,
    by: Person,
    reason_code: str,
    note: str = "",
    at: dt.datetime | None = None,
) -> WorkOrder:
    """Decline to dispatch (不予受理) for one of the statutory reasons (DeclineReason).
    Dispatcher only. Declined orders are kept out of the rates."""
    if reason_code not in DeclineReason.values:
        raise InvalidInput(_("请选择不予受理的法定情形"), field="reason_code")
    order, grant, target = begin(order, Action.DECLINE, by)
    now = now_or(at)
    from_status = order.status
    order.status = target
    order.decline_reason = reason_code
    order.save(update_fields=["status", "decline_reason", "updated_at"])
    record(
        order,
        EventKind.DECLINED,
        at=now,
        by=by,
        unit_id=grant.unit_id,
        from_status=from_status,
        to_status=target,
        note=note,
        data={"reason_code": reason_code},
    )
    return order


@transaction.atomic
def workorder_mark_unreasonable(
    *, order: WorkOrder, by: Person, reason: str, at: dt.datetime | None = None
) -> WorkOrder:
    """Keep an order out of scoring as an unreasonable request (分类处置), with the reason and
    who decided on record. Dispatcher or administrator. The order's handling goes on."""
    order, grant, _target = begin(order, Action.MARK_UNREASONABLE, by)
    reason = (reason or "").strip()
    if not reason:
        raise InvalidInput(_("请填写认定理由"), field="reason")
    if order.excluded_from_scoring:
        raise TransitionNotAllowed(_("该工单已认定为不合理诉求"), order=order.number)
    now = now_or(at)
    order.excluded_from_scoring = True
    order.exclusion_reason = reason
    order.excluded_by = by
    order.excluded_at = now
    order.save(
        update_fields=[
            "excluded_from_scoring",
            "exclusion_reason",
            "excluded_by",
            "excluded_at",
            "updated_at",
        ]
    )
    record(
        order,
        EventKind.MARKED_UNREASONABLE,
        at=now,
        by=by,
        unit_id=grant.unit_id,
        from_status=order.status,
        note=reason,
    )
    return order
