"""Every state change of a work order is one function here. Each is keyword-only and typed,
runs in a transaction, locks the order row, checks the one transition table
(transitions.py) and the person (rules.py), appends a WorkOrderEvent, and sends notifications
only after commit. Each raises a WorkOrderError subclass (errors.py) with a stable code.

Each returns the locked, updated instance; callers should use the return value rather than
the instance they passed in.
"""

from gongzhi.workorders.services.closing import (
    workorder_callback,
    workorder_close,
    workorder_reopen,
    workorder_requester_rate,
)
from gongzhi.workorders.services.deadlines import ScanResult, deadlines_scan
from gongzhi.workorders.services.desk import (
    workorder_decline,
    workorder_mark_unreasonable,
    workorder_merge,
)
from gongzhi.workorders.services.extensions import (
    workorder_extension_decide,
    workorder_extension_request,
)
from gongzhi.workorders.services.handling import (
    workorder_accept,
    workorder_assist_done,
    workorder_auto_dispatch,
    workorder_contact,
    workorder_dispatch,
    workorder_redispatch,
    workorder_resolve,
    workorder_return,
)
from gongzhi.workorders.services.intake import category_for, workorder_receive
from gongzhi.workorders.services.privacy import requester_reveal
from gongzhi.workorders.services.whistle import (
    whistle_action,
    whistle_report_in,
    workorder_whistle,
)

__all__ = [
    "ScanResult",
    "category_for",
    "deadlines_scan",
    "requester_reveal",
    "whistle_action",
    "whistle_report_in",
    "workorder_accept",
    "workorder_assist_done",
    "workorder_auto_dispatch",
    "workorder_callback",
    "workorder_close",
    "workorder_contact",
    "workorder_decline",
    "workorder_dispatch",
    "workorder_extension_decide",
    "workorder_extension_request",
    "workorder_mark_unreasonable",
    "workorder_merge",
    "workorder_receive",
    "workorder_redispatch",
    "workorder_reopen",
    "workorder_requester_rate",
    "workorder_resolve",
    "workorder_return",
    "workorder_whistle",
]
