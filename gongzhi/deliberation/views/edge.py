"""What every deliberation view does at the edge: who is asking, how a domain error reads, and
how a page or an htmx fragment comes back."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from gongzhi.accounts.models import Person
from gongzhi.deliberation.errors import DeliberationError

# Domain errors that mean "not now / not you" rather than "fix your input".
CONFLICT_CODES = frozenset(
    {
        "step_not_allowed",
        "notice_not_over",
        "objections_unanswered",
        "quorum_not_met",
        "already_voted",
        "already_signed_in",
        "already_supported",
        "already_rated",
        "motion_not_passed",
        "too_few_ratings",
        "below_threshold",
    }
)
FORBIDDEN_CODES = frozenset({"not_permitted", "not_a_representative", "not_signed_in"})


def person_of(request: HttpRequest) -> Person:
    """The signed-in person (views using this are behind login_required)."""
    user: Any = request.user
    return user


def is_htmx(request: HttpRequest) -> bool:
    return bool(getattr(request, "htmx", False))


def error_text(exc: DeliberationError) -> str:
    """A domain error as a sentence for the page, with the figures the error carries."""
    d = exc.details
    if exc.code == "quorum_not_met" and "needed" in d:
        return _("%(message)s（出席 %(present)s 人，需 %(needed)s 人）") % {
            "message": exc.message,
            "present": d["present"],
            "needed": d["needed"],
        }
    if exc.code == "hand_count_too_large" and "present" in d:
        return ngettext(
            "%(message)s（出席 %(present)s 人，票数合计 %(total)s）",
            "%(message)s（出席 %(present)s 人，票数合计 %(total)s）",
            d["total"],
        ) % {
            "message": exc.message,
            "present": d["present"],
            "total": d["total"],
        }
    if exc.code == "too_few_ratings" and "needed" in d:
        return ngettext(
            "%(message)s（已有 %(ratings)s 人评价，至少需 %(needed)s 人）",
            "%(message)s（已有 %(ratings)s 人评价，至少需 %(needed)s 人）",
            d["ratings"],
        ) % {
            "message": exc.message,
            "ratings": d["ratings"],
            "needed": d["needed"],
        }
    if exc.code == "below_threshold" and "score" in d:
        return _("%(message)s（得分 %(score)s，须达到 %(threshold)s）") % {
            "message": exc.message,
            "score": d["score"],
            "threshold": d["threshold"],
        }
    if exc.code == "objections_unanswered" and "waiting" in d:
        return _("%(message)s（%(waiting)s 条待答复）") % {
            "message": exc.message,
            "waiting": d["waiting"],
        }
    return str(exc.message)


def error_status(exc: DeliberationError) -> int:
    if exc.code in FORBIDDEN_CODES:
        return 403
    if exc.code in CONFLICT_CODES:
        return 409
    return 400


def form_errors_text(form: Any) -> str:
    """All of a form's errors in one line."""
    parts = [str(e) for e in form.non_field_errors()]
    for name, errors in form.errors.items():
        if name == "__all__":
            continue
        label = form.fields[name].label if name in form.fields else name
        parts += [f"{label}：{e}" if label else str(e) for e in errors]
    return _("；").join(parts)


def see_other(request: HttpRequest, url: str) -> HttpResponse:
    """After a successful POST: a redirect, or for htmx an HX-Redirect the page follows."""
    if is_htmx(request):
        response = HttpResponse(status=204)
        response["HX-Redirect"] = url
        return response
    return redirect(url)
