from __future__ import annotations

from typing import Any, cast

import factory

from gongzhi.open311.models import ApiClient


class ApiClientFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ApiClient

    name = factory.Sequence(lambda n: f"接口客户端{n}")
    code = factory.Sequence(lambda n: f"client-{n}")
    contact = "api@example.org"


def make_client(**kwargs: Any) -> ApiClient:
    """A typed shortcut for tests: an ApiClient row."""
    return cast(ApiClient, ApiClientFactory(**kwargs))
