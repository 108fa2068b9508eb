"""The periodic deadline scan: warnings before a deadline and overdue marks after it.

One scheduler runs it every minute (`gongzhi scan_deadlines`, or the `scan_deadlines` task).
Each due row is *claimed* with a conditional UPDATE (`… WHERE id = %s AND warned_at IS NULL`):
only the runner whose UPDATE changed the row appends the event and notifies, so two runners
(or a run that overlaps the next) never warn twice. Rows are found through the partial indexes
on the warn/due columns of open orders.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from gongzhi.notifications.services import notify
from gongzhi.workorders.models import OPEN_STATUSES, EventKind, WorkOrder
from gongzhi.workorders.services.guard import hotline_units, record
from gongzhi.workorders.sla import SHANGHAI


@dataclass
class ScanResult:
    contact_warned: list[str] = field(default_factory=list)
    contact_overdue: list[str] = field(default_factory=list)
    warned: list[str] = field(default_factory=list)
    overdue: list[str] = field(default_factory=list)

    @property
    def total(self) -> int:
        return (
            len(self.contact_warned)
            + len(self.contact_overdue)
            + len(self.warned)
            + len(self.overdue)
        )


@dataclass(frozen=True)
class _Check:
    name: str
    time_field: str  # the column compared with now
    flag_field: str  # set when claimed; the claim requires it to be NULL
    event: str
    notice: str
    due_field: str
    extra: Q
    also_set: tuple[tuple[str, object], ...] = ()


_OPEN = Q(status__in=OPEN_STATUSES)
_NOT_CONTACTED = Q(contacted_at__isnull=True)

CHECKS = (
    _Check(
        "contact_warned",
        "contact_warn_at",
        "contact_warned_at",
        EventKind.CONTACT_WARNED,
        "contact_warning",
        "contact_due_at",
        _NOT_CONTACTED,
    ),
    _Check(
        "contact_overdue",
        "contact_due_at",
        "contact_overdue_at",
        EventKind.CONTACT_OVERDUE,
        "contact_overdue",
        "contact_due_at",
        _NOT_CONTACTED,
    ),
    _Check(
        "warned",
        "resolve_warn_at",
        "resolve_warned_at",
        EventKind.WARNED,
        "deadline_near",
        "resolve_due_at",
        Q(),
    ),
    _Check(
        "overdue",
        "resolve_due_at",
        "resolve_overdue_at",
        EventKind.OVERDUE,
        "overdue",
        "resolve_due_at",
        Q(),
        (("overdue", True),),
    ),
)


def _claim(check: _Check, order_id: int, now: dt.datetime) -> WorkOrder | None:
    """Set the flag if it is still unset and the order still qualifies; the winner gets the
    order back (locked, inside the caller's transaction), everyone else None."""
    changed = WorkOrder.objects.filter(
        _OPEN,
        check.extra,
        pk=order_id,
        **{f"{check.flag_field}__isnull": True, f"{check.time_field}__lte": now},
    ).update(**{check.flag_field: now, **dict(check.also_set)})
    if changed != 1:
        return None
    return (
        WorkOrder.objects.select_for_update(of=("self",))
        .select_related("lead_unit")
        .get(pk=order_id)
    )


def deadlines_scan(*, now: dt.datetime | None = None, batch: int = 500) -> ScanResult:
    """Warn about and mark overdue every open order whose time has come. Idempotent and safe
    to run concurrently with itself. Each claimed order commits on its own."""
    now = now or timezone.now()
    result = ScanResult()
    for check in CHECKS:
        ids = list(
            WorkOrder.objects.filter(
                _OPEN,
                check.extra,
                **{f"{check.flag_field}__isnull": True, f"{check.time_field}__lte": now},
            )
            .order_by(check.time_field)
            .values_list("pk", flat=True)[:batch]
        )
        for order_id in ids:
            with transaction.atomic():
                order = _claim(check, order_id, now)
                if order is None:
                    continue
                due = getattr(order, check.due_field)
                record(
                    order,
                    check.event,
                    at=now,
                    from_status=order.status,
                    data={"due": due.isoformat() if due else None},
                )
                recipients: list[object] = [order.lead_unit] if order.lead_unit_id else []
                if not recipients or check.name in ("contact_overdue", "overdue"):
                    recipients += hotline_units()
                notify(
                    recipients=recipients,  # type: ignore[arg-type]
                    event=check.notice,
                    order=order,
                    params={"due": f"{due.astimezone(SHANGHAI):%Y-%m-%d %H:%M}" if due else ""},
                )
                getattr(result, check.name).append(order.number)
    return result
