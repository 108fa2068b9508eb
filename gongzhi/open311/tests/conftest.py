from __future__ import annotations

import pytest

from gongzhi.open311.models import ApiClient
from gongzhi.open311.services import apikey_issue
from gongzhi.open311.tests.factories import make_client
from gongzhi.testing import World
from gongzhi.workorders.taxonomy import seed_categories


@pytest.fixture
def open311_client(world: World) -> ApiClient:
    seed_categories()
    return make_client(name="朝阳通", code="chaoyangtong")


@pytest.fixture
def api_key(open311_client: ApiClient) -> str:
    """A live key of the 朝阳通 app, with the category tree seeded in the test world."""
    _, key = apikey_issue(client=open311_client)
    return key
