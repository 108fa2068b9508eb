"""Reads of the API layer: which key was presented, and what Open311 publishes."""

from __future__ import annotations

from gongzhi.open311.keys import key_matches, key_prefix
from gongzhi.open311.models import ApiKey
from gongzhi.open311.schemas import MAX_ROWS, RequestFilters
from gongzhi.workorders.models import Category, WorkOrder


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
