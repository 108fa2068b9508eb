"""Reads of the API layer: which key was presented, and what Open311 publishes."""

from __future__ import annotations

import time
from typing import Any, TypeVar

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Model
from django.db.models.signals import post_delete, post_save

from gongzhi.accounts.models import Membership, Unit
from gongzhi.open311.keys import key_matches, key_prefix
from gongzhi.open311.models import ApiClient, ApiKey
from gongzhi.open311.schemas import MAX_ROWS, RequestFilters
from gongzhi.workorders.models import Category, WorkOrder
from gongzhi.workorders.rules import memberships_of, remember_memberships

M = TypeVar("M", bound=Model)
Roles = tuple[tuple[str, int | None, Unit | None], ...]


# Keys looked up in the last GONGZHI_API_KEY_CACHE_SECONDS, by prefix: (when, the row or None).
# Every API call presents its key, and keys change only when issued or revoked: a revocation
# (or a change of the client, the person it acts as, their memberships or units) clears this
# process's cache at once (signals below) and reaches the other processes within the cache
# time. With the key: the roles of the person the client acts as (rules.memberships_of).
_keys: dict[str, tuple[float, ApiKey | None, Roles]] = {}
_KEYS_MAX = 1024


def _cache_seconds() -> float:
    return float(getattr(settings, "GONGZHI_API_KEY_CACHE_SECONDS", 10))


def _fresh(obj: M) -> M:
    """A copy of a cached row without anything a request attached to it."""
    fields = obj._meta.concrete_fields
    return type(obj).from_db(
        obj._state.db, [f.attname for f in fields], [getattr(obj, f.attname) for f in fields]
    )


def apikey_active(*, key: str) -> ApiKey | None:
    """The live key (not revoked, client active) that `key` proves, or None, with its client
    and the person the client acts as (fresh instances for each call).

    At most one query per key and cache period. A wrong secret with a right prefix is
    compared in constant time, so the response time tells nothing about how much of the key
    was right.
    """
    prefix = key_prefix(key)
    if prefix is None:
        return None
    now = time.monotonic()
    hit = _keys.get(prefix)
    if hit is None or now - hit[0] > _cache_seconds():
        row = (
            ApiKey.objects.select_related("client", "client__acts_as")
            .filter(prefix=prefix, revoked_at__isnull=True, client__is_active=True)
            .first()
        )
        # The roles of the person the client acts as, which every staff call checks.
        roles = memberships_of(row.client.acts_as) if row is not None else ()
        if len(_keys) >= _KEYS_MAX:
            _keys.clear()
        hit = _keys[prefix] = (now, row, roles)
    cached, roles = hit[1], hit[2]
    if cached is None or not key_matches(key, cached.secret_hash):
        return None
    api_key = _fresh(cached)
    api_key.client = _fresh(cached.client)
    person = cached.client.acts_as
    if person is not None:
        fresh = _fresh(person)
        remember_memberships(
            fresh, tuple((r, uid, _fresh(u) if u is not None else None) for r, uid, u in roles)
        )
        api_key.client.acts_as = fresh
    else:
        api_key.client.acts_as = None
    return api_key


def apikey_seen_used(*, prefix: str, at: Any) -> None:
    """Note on the cached row that its key's use was just recorded (services.apikey_mark_used),
    so that the next calls within the cache period do not record it again."""
    hit = _keys.get(prefix)
    if hit is not None and hit[1] is not None:
        hit[1].last_used_at = at


def apikeys_forget(**_: Any) -> None:
    """Forget the cached keys (a key, client, person, membership or unit changed)."""
    _keys.clear()


def _changed(**_: Any) -> None:
    # Now, and again after the commit (a look-up in between reads the old row).
    apikeys_forget()
    transaction.on_commit(apikeys_forget)


for _model in (ApiKey, ApiClient, get_user_model(), Membership, Unit):
    post_save.connect(_changed, sender=_model, dispatch_uid=f"apikeys-save-{_model}")
    post_delete.connect(_changed, sender=_model, dispatch_uid=f"apikeys-delete-{_model}")


# --- What Open311 publishes -------------------------------------------------------------------
# Open311 is the public face of the order registry: any client may read any order, but only
# through schemas.request_out, which carries public fields only (no requester data). The
# domain's orders_visible_to answers a different question (which staff see which orders).


def service_categories() -> list[Category]:
    """Active categories with their parents, in the tree's order (one query)."""
    return list(
        Category.objects.filter(is_active=True)
        .select_related("parent")
        .order_by("parent__sort_order", "sort_order", "code")
    )


def requests_public(filters: RequestFilters) -> list[WorkOrder]:
    """Orders matching the specification's filters, newest first, at most MAX_ROWS."""
    qs = WorkOrder.objects.select_related(
        "category", "lead_unit", "compound", "merged_into"
    ).prefetch_related("photos")
    if filters.numbers:
        qs = qs.filter(number__in=filters.numbers)
    if filters.service_codes:
        qs = qs.filter(category__code__in=filters.service_codes)
    if filters.start is not None:
        qs = qs.filter(received_at__gte=filters.start)
    if filters.end is not None:
        qs = qs.filter(received_at__lte=filters.end)
    if filters.statuses:
        qs = qs.filter(status__in=filters.statuses)
    return list(qs.order_by("-received_at")[:MAX_ROWS])
