"""The one table of steps of a deliberation case, and the small tables of proposals and
meetings.

`TABLE[action] = Transition(sources, target)`: the action is allowed when the case's step is in
`sources` and moves it to `target` (None: the step does not change). Every service checks its
action here with `check()`; who may do it is rules.py's question.

    collect ─schedule_meeting→ deliberate ─publish_resolution→ notice ─create_project→ act
    act ─launch_project→ supervise ─complete_project→ evaluate ─close_evaluation→ closed
                                                           evaluate ─reopen→ act (below threshold)
    collect | deliberate ─withdraw→ withdrawn (the motion failed, or the topic was dropped)

公示 (notice) sits between 议 and 办: the case moves to act only when the notice period has
passed and every objection is answered (services check that; the table only knows steps).
办 (act) is setting the project up — units, budget, milestones — and, after a reopening, the
rework; 督 (supervise) is the work under way: progress, spending, visits, deadline warnings.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from gongzhi.deliberation.errors import StepNotAllowed
from gongzhi.deliberation.models import Case, MeetingStatus, ProposalStatus, Step


class Action(StrEnum):
    OPEN = "open"
    ADD_PROPOSAL = "add_proposal"
    LINK_ORDERS = "link_orders"
    SCHEDULE_MEETING = "schedule_meeting"
    # Inside a meeting (the meeting's own status is checked by MEETING_TABLE).
    RUN_MEETING = "run_meeting"
    CHECK_IN = "check_in"
    VOTE = "vote"
    PUBLISH_RESOLUTION = "publish_resolution"
    OBJECT = "object"
    ANSWER_OBJECTION = "answer_objection"
    CREATE_PROJECT = "create_project"
    PLAN = "plan"  # units, budget lines, milestones, deadline
    LAUNCH_PROJECT = "launch_project"
    REPORT_PROGRESS = "report_progress"
    SPEND = "spend"
    VISIT = "visit"
    COMPLETE_PROJECT = "complete_project"
    RATE = "rate"
    CLOSE_EVALUATION = "close_evaluation"
    REOPEN = "reopen"
    WITHDRAW = "withdraw"


@dataclass(frozen=True)
class Transition:
    sources: frozenset[str]
    target: str | None  # None: the step stays as it is


S = Step
_WORKING = frozenset({S.ACT, S.SUPERVISE})

TABLE: dict[Action, Transition] = {
    Action.OPEN: Transition(frozenset({""}), S.COLLECT),
    Action.ADD_PROPOSAL: Transition(frozenset({S.COLLECT, S.DELIBERATE}), None),
    Action.LINK_ORDERS: Transition(frozenset(set(S) - {S.CLOSED, S.WITHDRAWN}), None),
    # A second meeting may be called while deliberating (the first failed to reach quorum).
    Action.SCHEDULE_MEETING: Transition(frozenset({S.COLLECT, S.DELIBERATE}), S.DELIBERATE),
    Action.RUN_MEETING: Transition(frozenset({S.DELIBERATE}), None),
    Action.CHECK_IN: Transition(frozenset({S.DELIBERATE}), None),
    Action.VOTE: Transition(frozenset({S.DELIBERATE}), None),
    Action.PUBLISH_RESOLUTION: Transition(frozenset({S.DELIBERATE}), S.NOTICE),
    Action.OBJECT: Transition(frozenset({S.NOTICE}), None),
    Action.ANSWER_OBJECTION: Transition(frozenset({S.NOTICE}), None),
    Action.CREATE_PROJECT: Transition(frozenset({S.NOTICE}), S.ACT),
    Action.PLAN: Transition(_WORKING, None),
    Action.LAUNCH_PROJECT: Transition(frozenset({S.ACT}), S.SUPERVISE),
    Action.REPORT_PROGRESS: Transition(_WORKING, None),
    Action.SPEND: Transition(frozenset({S.ACT, S.SUPERVISE, S.EVALUATE}), None),
    Action.VISIT: Transition(frozenset({S.ACT, S.SUPERVISE, S.EVALUATE}), None),
    Action.COMPLETE_PROJECT: Transition(frozenset({S.SUPERVISE}), S.EVALUATE),
    Action.RATE: Transition(frozenset({S.EVALUATE}), None),
    Action.CLOSE_EVALUATION: Transition(frozenset({S.EVALUATE}), S.CLOSED),
    Action.REOPEN: Transition(frozenset({S.EVALUATE}), S.ACT),
    Action.WITHDRAW: Transition(frozenset({S.COLLECT, S.DELIBERATE}), S.WITHDRAWN),
}


def allowed(case: Case, action: Action) -> bool:
    return case.step in TABLE[action].sources


def check(case: Case, action: Action) -> str:
    """The step the case moves to (its current one when unchanged); raises StepNotAllowed
    when the table does not allow `action` from the case's step."""
    transition = TABLE[action]
    if case.step not in transition.sources:
        raise StepNotAllowed(action=str(action), step=case.step, case=case.number)
    return transition.target or case.step


def actions_from(step: str) -> list[Action]:
    """The actions the table allows from a step (for pages that show the next steps)."""
    return [action for action, t in TABLE.items() if step in t.sources]


# --- Proposals: open → accepted | merged | declined; support only while open ---------------

PROPOSAL_OPEN_ONLY = frozenset({ProposalStatus.OPEN})


def check_proposal_open(status: str, action: str) -> None:
    if status not in PROPOSAL_OPEN_ONLY:
        raise StepNotAllowed(action=action, status=status)


# --- Meetings: scheduled → in_session → closed; scheduled → cancelled -----------------------


class MeetingAction(StrEnum):
    OPEN = "open"
    CHECK_IN = "check_in"
    PROPOSE_MOTION = "propose_motion"
    VOTE = "vote"
    HAND_COUNT = "hand_count"
    DECIDE = "decide"
    MINUTES = "minutes"
    PHOTO = "photo"
    CLOSE = "close"
    CANCEL = "cancel"


M = MeetingStatus
MEETING_TABLE: dict[MeetingAction, Transition] = {
    MeetingAction.OPEN: Transition(frozenset({M.SCHEDULED}), M.IN_SESSION),
    # Representatives may sign in from the moment the meeting is called (arrivals at the
    # door before the secretary opens it).
    MeetingAction.CHECK_IN: Transition(frozenset({M.SCHEDULED, M.IN_SESSION}), None),
    MeetingAction.PROPOSE_MOTION: Transition(frozenset({M.IN_SESSION}), None),
    MeetingAction.VOTE: Transition(frozenset({M.IN_SESSION}), None),
    MeetingAction.HAND_COUNT: Transition(frozenset({M.IN_SESSION}), None),
    MeetingAction.DECIDE: Transition(frozenset({M.IN_SESSION}), None),
    # Minutes and photos may be completed after the meeting has ended.
    MeetingAction.MINUTES: Transition(frozenset({M.IN_SESSION, M.CLOSED}), None),
    MeetingAction.PHOTO: Transition(frozenset({M.IN_SESSION, M.CLOSED}), None),
    MeetingAction.CLOSE: Transition(frozenset({M.IN_SESSION}), M.CLOSED),
    MeetingAction.CANCEL: Transition(frozenset({M.SCHEDULED}), M.CANCELLED),
}


def check_meeting(status: str, action: MeetingAction) -> str:
    transition = MEETING_TABLE[action]
    if status not in transition.sources:
        raise StepNotAllowed(action=f"meeting_{action}", status=status)
    return transition.target or status
