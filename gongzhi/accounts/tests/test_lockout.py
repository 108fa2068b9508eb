"""Lock-out after repeated failed logins (LockoutModelBackend + accounts.lockout)."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.contrib.auth import authenticate
from django.test import Client
from time_machine import TimeMachineFixture

from gongzhi.accounts.models import LoginThrottle, Person
from gongzhi.accounts.tests.factories import TEST_PASSWORD, PersonFactory

pytestmark = pytest.mark.django_db

START = datetime(2026, 3, 2, 9, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
WRONG = "not-the-password"


@pytest.fixture
def person(time_machine: TimeMachineFixture) -> Person:
    time_machine.move_to(START, tick=False)
    person: Person = PersonFactory.create(username="secretary")
    return person


def log_in(password: str, username: str = "secretary") -> Person | None:
    return authenticate(None, username=username, password=password)


def fail(times: int, username: str = "secretary") -> None:
    for _ in range(times):
        assert log_in(WRONG, username) is None


def test_the_right_password_logs_in(person: Person) -> None:
    assert log_in(TEST_PASSWORD) == person


def test_a_success_after_one_failure_too_few_resets_the_count(person: Person) -> None:
    fail(settings.LOGIN_MAX_FAILURES - 1)
    assert log_in(TEST_PASSWORD) == person
    assert not LoginThrottle.objects.filter(username="secretary").exists()
    # The count starts again: another run of failures short of the limit does not lock.
    fail(settings.LOGIN_MAX_FAILURES - 1)
    assert log_in(TEST_PASSWORD) == person


def test_it_locks_the_name_after_too_many_failures_even_for_the_right_password(
    person: Person,
) -> None:
    fail(settings.LOGIN_MAX_FAILURES)
    assert log_in(TEST_PASSWORD) is None
    row = LoginThrottle.objects.get(username="secretary")
    assert row.locked_until == START + timedelta(minutes=settings.LOGIN_LOCKOUT_MINUTES)


def test_it_keeps_the_lock_until_the_lockout_period_has_passed(
    person: Person, time_machine: TimeMachineFixture
) -> None:
    fail(settings.LOGIN_MAX_FAILURES)
    time_machine.shift(timedelta(minutes=settings.LOGIN_LOCKOUT_MINUTES) - timedelta(seconds=1))
    assert log_in(TEST_PASSWORD) is None


def test_it_lets_the_right_password_in_once_the_lockout_period_has_passed(
    person: Person, time_machine: TimeMachineFixture
) -> None:
    fail(settings.LOGIN_MAX_FAILURES)
    time_machine.shift(timedelta(minutes=settings.LOGIN_LOCKOUT_MINUTES))
    assert log_in(TEST_PASSWORD) == person
    assert not LoginThrottle.objects.filter(username="secretary").exists()


def test_a_failure_after_the_lock_expired_starts_a_new_count(
    person: Person, time_machine: TimeMachineFixture
) -> None:
    fail(settings.LOGIN_MAX_FAILURES)
    time_machine.shift(timedelta(minutes=settings.LOGIN_LOCKOUT_MINUTES))
    fail(1)
    row = LoginThrottle.objects.get(username="secretary")
    assert (row.failures, row.locked_until) == (1, None)
    assert log_in(TEST_PASSWORD) == person


def test_a_locked_name_does_not_lock_another(person: Person) -> None:
    other = PersonFactory.create(username="volunteer")
    fail(settings.LOGIN_MAX_FAILURES)
    assert log_in(TEST_PASSWORD, "volunteer") == other


def test_the_lock_ignores_the_case_of_the_name(person: Person) -> None:
    fail(settings.LOGIN_MAX_FAILURES, "SECRETARY")
    assert log_in(TEST_PASSWORD) is None


def test_the_test_client_login_goes_through_the_lockout(person: Person) -> None:
    fail(settings.LOGIN_MAX_FAILURES)
    assert not Client().login(username="secretary", password=TEST_PASSWORD)
