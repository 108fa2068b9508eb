from __future__ import annotations

import io
from typing import Any

import pytest
import time_machine
from django.core.management import call_command
from django.core.management.base import CommandError

from gongzhi.open311.keys import key_hash
from gongzhi.open311.models import ApiClient, ApiKey
from gongzhi.open311.selectors import apikey_active
from gongzhi.open311.services import (
    apikey_issue,
    apikey_mark_used,
    apikey_revoke,
    demo_api_key_ensure,
)
from gongzhi.open311.tests.factories import make_client

pytestmark = pytest.mark.django_db


def test_it_stores_only_a_hash_of_the_key() -> None:
    api_key, key = apikey_issue(client=make_client())
    api_key.refresh_from_db()
    assert key not in api_key.secret_hash
    assert api_key.secret_hash == key_hash(key)


def test_it_finds_the_live_key_it_issued() -> None:
    api_key, key = apikey_issue(client=make_client())
    assert apikey_active(key=key) == api_key


def test_it_rejects_a_key_with_a_right_prefix_and_a_wrong_secret() -> None:
    _, key = apikey_issue(client=make_client())
    forged = key[:-4] + ("AAAA" if not key.endswith("AAAA") else "BBBB")
    assert apikey_active(key=forged) is None


@pytest.mark.parametrize("junk", ["", "gz_", "nonsense", "gz_1234_short", "Bearer x"])
def test_it_rejects_malformed_keys(junk: str) -> None:
    assert apikey_active(key=junk) is None


def test_it_rejects_a_revoked_key() -> None:
    api_key, key = apikey_issue(client=make_client())
    apikey_revoke(api_key=api_key)
    assert apikey_active(key=key) is None


def test_it_rejects_the_key_of_a_disabled_client() -> None:
    client = make_client(is_active=False)
    _, key = apikey_issue(client=client)
    assert apikey_active(key=key) is None


def test_revoking_twice_keeps_the_first_revocation_time() -> None:
    api_key, _ = apikey_issue(client=make_client())
    with time_machine.travel("2025-10-01 09:00 +08:00", tick=False):
        first = apikey_revoke(api_key=api_key).revoked_at
    with time_machine.travel("2025-10-02 09:00 +08:00", tick=False):
        again = apikey_revoke(api_key=api_key).revoked_at
    assert again == first


def test_it_records_use_at_most_once_a_minute(django_assert_num_queries: Any) -> None:
    api_key, _ = apikey_issue(client=make_client())
    with time_machine.travel("2025-10-01 09:00:00 +08:00", tick=False):
        with django_assert_num_queries(1):
            apikey_mark_used(api_key=api_key)
        with django_assert_num_queries(0):
            apikey_mark_used(api_key=api_key)
    with (
        time_machine.travel("2025-10-01 09:02:00 +08:00", tick=False),
        django_assert_num_queries(1),
    ):
        apikey_mark_used(api_key=api_key)
    api_key.refresh_from_db()
    assert api_key.last_used_at is not None
    assert api_key.last_used_at.minute == 2


def test_the_demo_key_works_and_replaces_the_previous_demo_key() -> None:
    first = demo_api_key_ensure()
    second = demo_api_key_ensure()
    assert apikey_active(key=second) is not None
    assert apikey_active(key=first) is None
    assert ApiClient.objects.filter(code="demo").count() == 1


def test_the_command_issues_a_key_to_a_new_client_and_prints_it_once() -> None:
    out = io.StringIO()
    call_command(
        "apikey", "issue", "--client", "朝阳通", "--code", "chaoyangtong", "--create", stdout=out
    )
    key = out.getvalue().strip().splitlines()[-1]
    api_key = apikey_active(key=key)
    assert api_key is not None
    assert api_key.client.code == "chaoyangtong"


def test_the_command_refuses_an_unknown_client_without_create() -> None:
    with pytest.raises(CommandError):
        call_command("apikey", "issue", "--client", "nobody", stdout=io.StringIO())
    assert not ApiClient.objects.exists()


def test_the_command_revokes_by_prefix() -> None:
    api_key, key = apikey_issue(client=make_client())
    call_command("apikey", "revoke", api_key.prefix, stdout=io.StringIO())
    assert apikey_active(key=key) is None


def test_the_command_lists_prefixes_but_never_keys() -> None:
    api_key, key = apikey_issue(client=make_client(), label="集成测试")
    out = io.StringIO()
    call_command("apikey", "list", stdout=out)
    assert api_key.prefix in out.getvalue()
    assert key not in out.getvalue()
    assert ApiKey.objects.count() == 1
