"""What every work-order view does at the edge: who is asking, and how a domain error reads."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _

from gongzhi.accounts.models import Person
from gongzhi.workorders.errors import WorkOrderError


def person_of(request: HttpRequest) -> Person:
    """The signed-in person (views using this are behind login_required)."""
    user: Any = request.user
    return user


def error_text(exc: WorkOrderError) -> str:
    """A domain error as a sentence for the page: the service's message, with the order and
    status when the error names them."""
    return str(exc.message)


def form_errors_text(form: Any) -> str:
    """All of a form's errors in one line, for a flash message."""
    parts = [str(e) for e in form.non_field_errors()]
    for name, errors in form.errors.items():
        if name == "__all__":
            continue
        label = form.fields[name].label if name in form.fields else name
        parts += [f"{label}：{e}" for e in errors]
    return _("；").join(parts)
