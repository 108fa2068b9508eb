"""Background work of 接诉即办 (django-tasks). Each task is safe to run twice."""

from __future__ import annotations

from django_tasks import task

from gongzhi.workorders.models import WorkOrder
from gongzhi.workorders.services import workorder_auto_dispatch
from gongzhi.workorders.services.deadlines import deadlines_scan


@task()
def scan_deadlines() -> dict[str, int]:
    """The minute job (gongzhi.web.scheduler): deadline warnings and overdue marks. The
    notifications they queue are sent after commit; retries are the notifications sweep's
    (notifications.tasks.send_due_notifications, scheduled on its own)."""
    result = deadlines_scan()
    return {
        "contact_warned": len(result.contact_warned),
        "contact_overdue": len(result.contact_overdue),
        "warned": len(result.warned),
        "overdue": len(result.overdue),
    }


@task()
def auto_dispatch(order_id: int) -> str | None:
    """Dispatch one order by the responsibility matrix (for intakes that deferred it).
    Returns the lead unit's code, or None when the order stays on the dispatcher's desk."""
    order = WorkOrder.objects.filter(pk=order_id).first()
    if order is None:
        return None
    dispatched = workorder_auto_dispatch(order=order)
    return dispatched.lead_unit.code if dispatched and dispatched.lead_unit else None
