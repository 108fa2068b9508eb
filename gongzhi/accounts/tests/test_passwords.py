"""Passwords are stored as argon2 hashes, in the tests and with the production parameters."""

from __future__ import annotations

import pytest
from django.contrib.auth.hashers import check_password, get_hasher
from django.test import override_settings

from gongzhi.accounts.models import Person
from gongzhi.accounts.tests.factories import TEST_PASSWORD, PersonFactory
from gongzhi.config import settings as project_settings

pytestmark = pytest.mark.django_db


def test_the_project_hashes_with_argon2_first() -> None:
    assert project_settings.PASSWORD_HASHERS[0] == (
        "django.contrib.auth.hashers.Argon2PasswordHasher"
    )


def test_a_person_password_is_stored_as_argon2() -> None:
    person: Person = PersonFactory.create()
    person.refresh_from_db()
    assert person.password.startswith("argon2$argon2id$")
    assert TEST_PASSWORD not in person.password
    assert person.check_password(TEST_PASSWORD)
    assert not person.check_password(TEST_PASSWORD + "x")


def test_the_production_hasher_is_argon2id_with_its_full_work_factors() -> None:
    with override_settings(PASSWORD_HASHERS=project_settings.PASSWORD_HASHERS):
        person = Person(username="prod")
        person.set_password(TEST_PASSWORD)
        assert get_hasher().algorithm == "argon2"
        assert person.password.startswith("argon2$argon2id$v=19$m=102400,t=2,p=8$")
        assert check_password(TEST_PASSWORD, person.password)


def test_a_test_hash_still_verifies_under_the_production_setting() -> None:
    person: Person = PersonFactory.create()
    with override_settings(PASSWORD_HASHERS=project_settings.PASSWORD_HASHERS):
        assert check_password(TEST_PASSWORD, person.password, setter=None)
