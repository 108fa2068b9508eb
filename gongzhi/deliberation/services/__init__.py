"""Every state change of 共商共治 is one function here. Each is keyword-only and typed, runs
in a transaction, locks the case (then the meeting, motion or project) row, checks the one step
table (transitions.py) and the person (rules.py), appends a CaseEvent, and notifies through
gongzhi.notifications (queued in the transaction, sent after commit). Each raises a
DeliberationError subclass (errors.py) with a stable code.

Each returns the locked, updated instance; callers should use the return value rather than
the instance they passed in.
"""

from gongzhi.deliberation.services.collect import (
    case_link_orders,
    case_withdraw,
    proposal_accept,
    proposal_decline,
    proposal_merge,
    proposal_submit,
    proposal_support,
)
from gongzhi.deliberation.services.evaluation import (
    Outcome,
    Tally,
    evaluation_close,
    project_close,
    rating_submit,
    score_for,
    tally,
)
from gongzhi.deliberation.services.meetings import (
    hall_create,
    meeting_add_photos,
    meeting_cancel,
    meeting_check_in,
    meeting_close,
    meeting_open,
    meeting_record_minutes,
    meeting_schedule,
    motion_decide,
    motion_hand_count,
    motion_propose,
    representative_appoint,
    representative_set_active,
    vote_cast,
)
from gongzhi.deliberation.services.notice import (
    objection_answer,
    objection_raise,
    resolution_publish,
)
from gongzhi.deliberation.services.projects import (
    BudgetItem,
    MilestoneItem,
    budget_line_add,
    milestone_add,
    milestone_update,
    progress_report,
    project_assign_unit,
    project_complete,
    project_create,
    project_launch,
    project_link_orders,
    project_set_deadline,
    spending_record,
    visit_record,
)
from gongzhi.deliberation.services.scan import ProjectScanResult, projects_scan

__all__ = [
    "BudgetItem",
    "MilestoneItem",
    "Outcome",
    "ProjectScanResult",
    "Tally",
    "budget_line_add",
    "case_link_orders",
    "case_withdraw",
    "evaluation_close",
    "hall_create",
    "meeting_add_photos",
    "meeting_cancel",
    "meeting_check_in",
    "meeting_close",
    "meeting_open",
    "meeting_record_minutes",
    "meeting_schedule",
    "milestone_add",
    "milestone_update",
    "motion_decide",
    "motion_hand_count",
    "motion_propose",
    "objection_answer",
    "objection_raise",
    "progress_report",
    "project_assign_unit",
    "project_close",
    "project_complete",
    "project_create",
    "project_launch",
    "project_link_orders",
    "project_set_deadline",
    "projects_scan",
    "proposal_accept",
    "proposal_decline",
    "proposal_merge",
    "proposal_submit",
    "proposal_support",
    "rating_submit",
    "representative_appoint",
    "representative_set_active",
    "resolution_publish",
    "score_for",
    "spending_record",
    "tally",
    "visit_record",
    "vote_cast",
]
