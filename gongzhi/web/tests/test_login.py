"""The login page and its lock-out messages."""

from __future__ import annotations

from datetime import timedelta

import time_machine
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from gongzhi.testing import PASSWORD, World

LOGIN = "/accounts/login/"


def fail(client: Client, username: str, times: int) -> str:
    html = ""
    for _ in range(times):
        html = client.post(LOGIN, {"username": username, "password": "wrong"}).content.decode()
    return html


def test_the_login_page_is_in_chinese(client: Client, db: None) -> None:
    html = client.get(LOGIN).content.decode()
    assert "登录共治" in html and "用户名" in html and "密码" in html


def test_a_right_password_signs_in_and_goes_home(client: Client, world: World) -> None:
    response = client.post(LOGIN, {"username": "secretary_a1", "password": PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == reverse("web:home")


def test_it_goes_back_where_the_person_was_headed(client: Client, world: World) -> None:
    response = client.post(
        LOGIN, {"username": "secretary_a1", "password": PASSWORD, "next": "/places/"}
    )
    assert response["Location"] == "/places/"


def test_a_signed_in_person_opening_login_goes_home(client: Client, world: World) -> None:
    client.force_login(world.person("secretary_a1"))
    assert client.get(LOGIN)["Location"] == reverse("web:home")


def test_a_wrong_password_gets_a_message_that_names_neither_field(
    client: Client, world: World
) -> None:
    html = fail(client, "secretary_a1", 1)
    assert "用户名或密码不正确" in html


def test_an_unknown_name_gets_the_same_message_as_a_wrong_password(
    client: Client, world: World
) -> None:
    known = fail(client, "secretary_a1", 1)
    unknown = fail(client, "no_such_person", 1)
    assert _errors(known) == _errors(unknown)


def _errors(html: str) -> str:
    start = html.index('<ul class="form-errors')
    return html[start : html.index("</ul>", start)]


def test_the_failure_that_locks_the_account_says_it_is_locked(client: Client, world: World) -> None:
    html = fail(client, "secretary_a1", settings.LOGIN_MAX_FAILURES)
    assert "账号已锁定" in html
    assert f"请在 {settings.LOGIN_LOCKOUT_MINUTES} 分钟后再试" in html


def test_a_locked_account_is_refused_even_with_the_right_password(
    client: Client, world: World
) -> None:
    fail(client, "secretary_a1", settings.LOGIN_MAX_FAILURES)
    response = client.post(LOGIN, {"username": "secretary_a1", "password": PASSWORD})
    assert response.status_code == 200
    assert "账号已锁定" in response.content.decode()


def test_the_lock_message_counts_down_the_minutes(client: Client, world: World) -> None:
    fail(client, "secretary_a1", settings.LOGIN_MAX_FAILURES)
    later = timezone.now() + timedelta(minutes=settings.LOGIN_LOCKOUT_MINUTES - 3, seconds=10)
    with time_machine.travel(later):
        html = client.post(LOGIN, {"username": "secretary_a1", "password": PASSWORD}).content
    assert "请在 3 分钟后再试" in html.decode()


def test_the_account_opens_again_after_the_lock_out(client: Client, world: World) -> None:
    fail(client, "secretary_a1", settings.LOGIN_MAX_FAILURES)
    later = timezone.now() + timedelta(minutes=settings.LOGIN_LOCKOUT_MINUTES, seconds=1)
    with time_machine.travel(later):
        response = client.post(LOGIN, {"username": "secretary_a1", "password": PASSWORD})
    assert response.status_code == 302


def test_an_unknown_name_locks_like_a_known_one(client: Client, world: World) -> None:
    # Otherwise the lock message would tell which names exist.
    html = fail(client, "no_such_person", settings.LOGIN_MAX_FAILURES)
    assert "账号已锁定" in html


def test_the_page_states_the_lock_out_rule(client: Client, db: None) -> None:
    html = client.get(LOGIN).content.decode()
    assert (
        f"连续输错 {settings.LOGIN_MAX_FAILURES} 次密码，账号将锁定 "
        f"{settings.LOGIN_LOCKOUT_MINUTES} 分钟" in html
    )
