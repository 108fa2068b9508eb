"""The incremental refresh: apply the events appended since the watermark.

One run, in one transaction:

1. Lock the RollupState row (SELECT … FOR UPDATE SKIP LOCKED on PostgreSQL; SQLite has one
   writer anyway). A run that finds it locked returns at once (`busy`): another run is on it.
2. Read the next events by id above `event_id` (at most GONGZHI_INSIGHTS_REFRESH_BATCH), and
   those of the earlier `gaps` that have appeared since.
3. Add the orders whose contact deadline passed since `as_of` and that nothing else touched
   (no contact yet and not flagged by the deadline scan, whose event would bring them anyway):
   their `response_due` bit turns on with time alone.
4. Recompute those orders' contributions and apply the differences (apply.py).
5. Move the watermark: `event_id` to the highest id read; ids skipped below it become gaps
   (a transaction that took its id earlier and commits later — READ COMMITTED shows rows in
   commit order, not id order), retried each run and given up after
   GONGZHI_INSIGHTS_GAP_GRACE_SECONDS (a rolled-back id never appears). `as_of` to now.

Because step 4 compares recomputed state with stored state, applying an order twice, or an
order whose later events are still to come, is harmless: the watermark only has to make sure
that no change is missed, never that none is seen twice.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from gongzhi.insights.models import RollupState
from gongzhi.insights.rollups.apply import apply_orders
from gongzhi.workorders.models import OPEN_STATUSES, WorkOrder, WorkOrderEvent

STATE = "rollups"
MAX_GAP_SPAN = 10_000


@dataclass
class RefreshResult:
    events: int = 0
    orders: int = 0  # orders looked at
    changed: int = 0  # orders whose contribution changed
    runs: int = 0
    busy: bool = False
    event_id: int = 0
    gaps: int = 0


def ensure_state() -> None:
    if RollupState.objects.filter(name=STATE).exists():
        return
    try:
        with transaction.atomic():
            RollupState.objects.create(name=STATE)
    except IntegrityError:
        pass  # created by a concurrent run


def lock_state(*, wait: bool) -> RollupState | None:
    """The state row, locked until the transaction ends; None if another holder has it and
    `wait` is False. Call inside transaction.atomic()."""
    qs = RollupState.objects.filter(name=STATE)
    qs = qs.select_for_update() if wait else qs.select_for_update(skip_locked=True)
    return qs.first()


def _due_orders(since: dt.datetime | None, until: dt.datetime) -> list[int]:
    """Uncontacted open orders whose contact deadline fell in (since, until], not yet flagged
    by the deadline scan (its partial index wo_contact_due_open serves this)."""
    qs = WorkOrder.objects.filter(
        status__in=OPEN_STATUSES,
        contacted_at__isnull=True,
        contact_overdue_at__isnull=True,
        contact_due_at__lte=until,
    )
    if since is not None:
        qs = qs.filter(contact_due_at__gt=since)
    return list(qs.values_list("pk", flat=True))


def _run_once(now: dt.datetime, batch: int, result: RefreshResult) -> bool:
    """One batch; True when there may be more events to read."""
    with transaction.atomic():
        state = lock_state(wait=False)
        if state is None:
            result.busy = True
            return False
        events = list(
            WorkOrderEvent.objects.filter(pk__gt=state.event_id)
            .order_by("pk")
            .values_list("pk", "order_id")[:batch]
        )
        gaps = {int(g[0]): str(g[1]) for g in state.gaps}
        found_gaps = (
            list(WorkOrderEvent.objects.filter(pk__in=list(gaps)).values_list("pk", "order_id"))
            if gaps
            else []
        )
        for pk, _order in found_gaps:
            gaps.pop(pk, None)
        high = events[-1][0] if events else state.event_id
        seen = {pk for pk, _order in events}
        first_seen = now.isoformat()
        # Only the ids just below the newest can belong to a transaction still open; a longer
        # run of missing ids (history deleted before the first run) is not waited for.
        # On the very first run ids start wherever the sequence stood: nothing below the
        # first one seen is waited for.
        low = state.event_id if state.event_id or not events else events[0][0] - 1
        for missing in range(max(low + 1, high - MAX_GAP_SPAN), high):
            if missing not in seen:
                gaps[missing] = first_seen
        grace = dt.timedelta(seconds=settings.GONGZHI_INSIGHTS_GAP_GRACE_SECONDS)
        gaps = {pk: t for pk, t in gaps.items() if dt.datetime.fromisoformat(t) > now - grace}
        as_of = max(now, state.as_of) if state.as_of else now
        order_ids = {o for _pk, o in events} | {o for _pk, o in found_gaps}
        order_ids |= set(_due_orders(state.as_of, as_of))
        result.changed += apply_orders(order_ids, as_of=as_of)
        result.events += len(events) + len(found_gaps)
        result.orders += len(order_ids)
        result.runs += 1
        state.event_id = high
        state.gaps = sorted([pk, t] for pk, t in gaps.items())
        state.as_of = as_of
        state.refreshed_at = now
        state.save()
        result.event_id, result.gaps = high, len(gaps)
    return len(events) >= batch


def rollups_refresh(*, now: dt.datetime | None = None, batch: int | None = None) -> RefreshResult:
    """Apply every event appended since the last run (in batches, each its own transaction)
    and the contact deadlines passed since. Idempotent; safe to run concurrently with itself
    (a second run returns `busy`) and with the intake and the services."""
    now = now or timezone.now()
    batch = batch or settings.GONGZHI_INSIGHTS_REFRESH_BATCH
    ensure_state()
    result = RefreshResult()
    while _run_once(now, batch, result):
        pass
    return result
