"""The login form: Django's, plus a clear answer when the name is locked out.

A locked name gets the lock message whether or not a person of that name exists (the
lock-out counts failures per name typed, see lockout.py), so the form says nothing about
which names exist.
"""

from __future__ import annotations

import math
from typing import Any

from django import forms
from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from gongzhi.accounts.lockout import login_allowed
from gongzhi.accounts.models import LoginThrottle


def minutes_locked(*, username: str) -> int:
    """Whole minutes, rounded up, until a locked name may try again (0 when not locked)."""
    row = LoginThrottle.objects.filter(username=username.lower()).first()
    if row is None or row.locked_until is None:
        return 0
    seconds = (row.locked_until - timezone.now()).total_seconds()
    return max(0, math.ceil(seconds / 60))


class LoginForm(AuthenticationForm):
    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": _("用户名或密码不正确。请注意，连续输错多次后账号会被暂时锁定。"),
        "locked": _("账号已锁定"),
    }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["username"].label = _("用户名")
        self.fields["password"].label = _("密码")
        self.fields["username"].widget.attrs.update({"autocapitalize": "none"})

    def clean(self) -> dict[str, Any]:
        username = self.cleaned_data.get("username")
        if username and not login_allowed(username=username):
            raise self.locked_error(username)
        try:
            return super().clean()
        except forms.ValidationError:
            # The failure just counted may have been the one that locked the name.
            if username and not login_allowed(username=username):
                raise self.locked_error(username) from None
            raise

    def locked_error(self, username: str) -> forms.ValidationError:
        minutes = max(1, minutes_locked(username=username))
        message = ngettext(
            "连续登录失败次数过多，账号已锁定。请在 %(minutes)d 分钟后再试，或联系系统管理员解锁。",
            "连续登录失败次数过多，账号已锁定。请在 %(minutes)d 分钟后再试，或联系系统管理员解锁。",
            minutes,
        ) % {"minutes": minutes}
        return forms.ValidationError(message, code="locked")


def lockout_hint() -> str:
    """The rule, shown under the form so that nobody is surprised by it."""
    return ngettext(
        "连续输错 %(failures)d 次密码，账号将锁定 %(minutes)d 分钟。",
        "连续输错 %(failures)d 次密码，账号将锁定 %(minutes)d 分钟。",
        settings.LOGIN_MAX_FAILURES,
    ) % {"failures": settings.LOGIN_MAX_FAILURES, "minutes": settings.LOGIN_LOCKOUT_MINUTES}
