"""Models of 接诉即办. Import from here: `from gongzhi.workorders.models import WorkOrder`."""

from gongzhi.workorders.models.category import Category, ResponsibilityRule, TimeLimit
from gongzhi.workorders.models.choices import (
    FINAL_STATUSES,
    HANDLING_STATUSES,
    OPEN_STATUSES,
    Channel,
    DeclineReason,
    EventKind,
    Kind,
    LimitUnit,
    Priority,
    Satisfaction,
    Status,
    UnitRole,
    Urgency,
    choice_label,
)
from gongzhi.workorders.models.history import (
    Callback,
    ExtensionRequest,
    RevealLog,
    WhistleCall,
    WorkOrderEvent,
)
from gongzhi.workorders.models.order import Assignment, DailyCounter, Photo, WorkOrder

__all__ = [
    "FINAL_STATUSES",
    "HANDLING_STATUSES",
    "OPEN_STATUSES",
    "Assignment",
    "Callback",
    "Category",
    "Channel",
    "DailyCounter",
    "DeclineReason",
    "EventKind",
    "ExtensionRequest",
    "Kind",
    "LimitUnit",
    "Photo",
    "Priority",
    "ResponsibilityRule",
    "RevealLog",
    "Satisfaction",
    "Status",
    "TimeLimit",
    "UnitRole",
    "Urgency",
    "WhistleCall",
    "WorkOrder",
    "WorkOrderEvent",
    "choice_label",
]
