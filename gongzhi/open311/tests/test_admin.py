from __future__ import annotations

import re

import pytest
from django.test import Client

from gongzhi.accounts.tests.factories import TEST_PASSWORD, PersonFactory
from gongzhi.open311.models import ApiKey
from gongzhi.open311.selectors import apikey_active
from gongzhi.open311.services import apikey_issue
from gongzhi.open311.tests.factories import make_client

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client_() -> Client:
    PersonFactory(username="root", is_staff=True, is_superuser=True)
    client = Client()
    assert client.login(username="root", password=TEST_PASSWORD)
    return client


def test_the_issue_action_shows_a_working_key_once(admin_client_: Client) -> None:
    api_client = make_client()
    response = admin_client_.post(
        "/admin/open311/apiclient/",
        {"action": "issue_key", "_selected_action": [api_client.pk]},
        follow=True,
    )
    match = re.search(r"gz_[0-9a-f]{8}_[A-Za-z0-9_\-]{43}", response.content.decode())
    assert match is not None
    api_key = apikey_active(key=match.group(0))
    assert api_key is not None
    assert api_key.created_by is not None
    assert api_key.created_by.username == "root"


def test_the_revoke_action_revokes_and_records_who(admin_client_: Client) -> None:
    api_key, key = apikey_issue(client=make_client())
    admin_client_.post(
        "/admin/open311/apikey/",
        {"action": "revoke", "_selected_action": [api_key.pk]},
        follow=True,
    )
    assert apikey_active(key=key) is None
    revoked = ApiKey.objects.get(pk=api_key.pk)
    assert revoked.revoked_by is not None
    assert revoked.revoked_by.username == "root"


def test_the_client_page_lists_keys_by_prefix_only(admin_client_: Client) -> None:
    api_client = make_client()
    api_key, key = apikey_issue(client=api_client)
    page = admin_client_.get(f"/admin/open311/apiclient/{api_client.pk}/change/").content.decode()
    assert api_key.prefix in page
    assert key not in page
