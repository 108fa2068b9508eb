"""Writes of the API layer's own data: clients and their keys.

Work orders are never written here: the Open311 intake calls `workorders.services`.
"""

from __future__ import annotations

from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from gongzhi.accounts.models import Person
from gongzhi.open311.keys import key_generate
from gongzhi.open311.models import ApiClient, ApiKey
from gongzhi.open311.selectors import apikey_seen_used

DEMO_CLIENT_CODE = "demo"
DEMO_KEY_LABEL = "demo"
# last_used_at is a hint for administrators, not an audit trail: writing it at most once a
# minute per key keeps an API call from paying an UPDATE every time.
LAST_USED_RESOLUTION = timedelta(minutes=1)


def apiclient_create(
    *, name: str, code: str, contact: str = "", acts_as: Person | None = None, note: str = ""
) -> ApiClient:
    return ApiClient.objects.create(
        name=name, code=code, contact=contact, acts_as=acts_as, note=note
    )


def apikey_issue(
    *, client: ApiClient, by: Person | None = None, label: str = ""
) -> tuple[ApiKey, str]:
    """Issue a new key to a client. Returns the row and the key, which is shown only now."""
    new = key_generate()
    api_key = ApiKey.objects.create(
        client=client, prefix=new.prefix, secret_hash=new.secret_hash, label=label, created_by=by
    )
    return api_key, new.key


@transaction.atomic
def apikey_revoke(*, api_key: ApiKey, by: Person | None = None) -> ApiKey:
    """Revoke a key from now on. Idempotent: a revoked key keeps its first revocation time."""
    locked = ApiKey.objects.select_for_update().get(pk=api_key.pk)
    if locked.revoked_at is None:
        locked.revoked_at = timezone.now()
        locked.revoked_by = by
        locked.save(update_fields=["revoked_at", "revoked_by"])
    return locked


def apikey_mark_used(*, api_key: ApiKey) -> None:
    """Record that a key was used, at most once per LAST_USED_RESOLUTION."""
    now = timezone.now()
    if api_key.last_used_at is not None and now - api_key.last_used_at < LAST_USED_RESOLUTION:
        return
    ApiKey.objects.filter(pk=api_key.pk).update(last_used_at=now)
    api_key.last_used_at = now
    apikey_seen_used(prefix=api_key.prefix, at=now)


@transaction.atomic
def demo_api_key_ensure() -> str:
    """A working Open311 key for the demo; returns the key to print.

    Only hashes are stored, so a key printed by an earlier run cannot be shown again: each run
    revokes the previous demo keys and issues a fresh one. The demo builder prints the result
    as `Open311 api_key: <key>`.
    """
    client, _ = ApiClient.objects.get_or_create(
        code=DEMO_CLIENT_CODE,
        defaults={
            "name": "演示客户端",
            "note": "由演示数据生成器创建 (created by the demo builder)",
        },
    )
    if not client.is_active:
        client.is_active = True
        client.save(update_fields=["is_active"])
    for old in client.keys.filter(label=DEMO_KEY_LABEL, revoked_at__isnull=True):
        apikey_revoke(api_key=old)
    _, key = apikey_issue(client=client, label=DEMO_KEY_LABEL)
    return key
