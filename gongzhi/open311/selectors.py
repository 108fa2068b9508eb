"""Reads of the API layer's own data: which key was presented."""

from __future__ import annotations

from gongzhi.open311.keys import key_matches, key_prefix
from gongzhi.open311.models import ApiKey


def apikey_active(*, key: str) -> ApiKey | None:
    """The live key (not revoked, client active) that `key` proves, or None.

    One query. A wrong secret with a right prefix is compared in constant time, so the
    response time tells nothing about how much of the key was right.
    """
    prefix = key_prefix(key)
    if prefix is None:
        return None
    api_key = (
        ApiKey.objects.select_related("client", "client__acts_as")
        .filter(prefix=prefix, revoked_at__isnull=True, client__is_active=True)
        .first()
    )
    if api_key is None or not key_matches(key, api_key.secret_hash):
        return None
    return api_key
