from __future__ import annotations

from typing import Any

from django.contrib.auth import views as auth_views

from gongzhi.accounts.forms import LoginForm, lockout_hint


class LoginView(auth_views.LoginView):
    """Django's login view with the lock-out aware form; a signed-in person goes home."""

    template_name = "accounts/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return {**super().get_context_data(**kwargs), "lockout_hint": lockout_hint()}


class LogoutView(auth_views.LogoutView):
    """Logout by POST only (Django's own view refuses GET)."""
