"""Forms of the work-order pages: they parse and check input at the edge, nothing more.

Everything a rule of the domain decides (whether a transition is allowed, whether a photo is
acceptable, whether a point is inside the district) is left to the services, whose errors the
views turn into messages.
"""

from gongzhi.workorders.forms.actions import (
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
    RevealForm,
    WhistleForm,
)
from gongzhi.workorders.forms.desk import IntakeForm, QueueFilterForm, RankingForm
from gongzhi.workorders.forms.resident import FileRequestForm, RateForm, TrackForm

__all__ = [
    "AssistForm",
    "CallbackForm",
    "ContactForm",
    "DeclineForm",
    "DispatchForm",
    "ExtensionDecisionForm",
    "ExtensionForm",
    "FileRequestForm",
    "IntakeForm",
    "MergeForm",
    "NoteForm",
    "QueueFilterForm",
    "RankingForm",
    "RateForm",
    "ReasonForm",
    "ResolveForm",
    "RevealForm",
    "TrackForm",
    "WhistleForm",
]
