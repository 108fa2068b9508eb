"""Authentication with a lock-out after repeated failed logins."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.backends import ModelBackend
from django.http import HttpRequest

from gongzhi.accounts.lockout import login_allowed, login_failed, login_succeeded


class LockoutModelBackend(ModelBackend):
    def authenticate(
        self,
        request: HttpRequest | None,
        username: str | None = None,
        password: str | None = None,
        **kwargs: Any,
    ) -> Any:
        if username is None or not login_allowed(username=username):
            return None
        user = super().authenticate(request, username=username, password=password, **kwargs)
        if user is None:
            login_failed(username=username)
        else:
            login_succeeded(username=username)
        return user
