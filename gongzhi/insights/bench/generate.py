"""N work orders with their events and callbacks, written with binary COPY into the real tables.

Where and what: the demo generator's distributions (workorders/demo/season.py: categories by
month, where requests are, urgency; population-weighted compounds and communities), the
responsibility matrix for the lead unit (registry.py), and a handling quality per subdistrict,
over the 396 days (13 months) before today, fewer calls at weekends and on holidays.

How each order went, as the services would have done it (vectorised, one chunk of days at a
time): received → dispatched (80 % automatically; 3 % first to the wrong unit, returned and
redispatched) → accepted → contacted (late at the subdistrict's rate, with the deadline scan's
contact_overdue event) → resolved (late: the scan's overdue event and flag) → callback (8 %
first unreached) → closed; a callback that says "not resolved" reopens the order for a second
round (contact, resolve, callback; a third round closes without a callback). 1.2 % declined,
1.5 % merged into an earlier order, 0.8 % marked unreasonable. Whatever would happen after
now has not happened: the last days' orders are open at every step. Deadlines: the contact
limit in clock hours and the resolution limit in working days from settings
(GONGZHI_TIME_LIMITS), working days counted Monday–Friday (numpy's busday calendar, not the
official one: close enough for volumes, said here so that nobody reads the deadlines as exact).

How it is written (the tables are the migrated ones, nothing bench-only): for the load, the
secondary indexes and unique constraints of the order, event and callback tables are
dropped and recreated afterwards from their own definitions (pg_indexes /
pg_get_constraintdef), the load sessions run with session_replication_role = replica (no
foreign-key triggers per row: the generated rows are consistent by construction) and
synchronous_commit off; one COPY … FROM STDIN (FORMAT BINARY) per table stays open on its own
connection for the whole run, fed by a writer thread (psycopg's QueuedLibpqWriter), so that
numpy encodes the next chunk while PostgreSQL ingests the last one.
"""

from __future__ import annotations

import datetime as dt
import json
import time
from collections.abc import Callable, Iterator
from contextlib import ExitStack
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import psycopg
from django.conf import settings
from django.db import models
from psycopg.copy import QueuedLibpqWriter

from gongzhi.insights.bench import pgbinary
from gongzhi.insights.bench.pgbinary import Column, Text, constant
from gongzhi.insights.bench.registry import District
from gongzhi.workorders.models import Callback, WorkOrder, WorkOrderEvent

US = 1_000_000
MIN = 60 * US
H = 60 * MIN
DAY = 24 * H
SHANGHAI_OFFSET = 8 * H  # no daylight saving since 1991
DAYS = 396
SOURCE = "bench-insights"
# The order's text columns, appended to each row (pgbinary.encode's tail).
ORDER_TEXT = (
    "kind",
    "channel",
    "urgency",
    "status",
    "satisfaction",
    "feedback",
    "exclusion_reason",
    "decline_reason",
    "description",
    "address",
)

_PG_KIND = {
    "bigint": "int8",
    "integer": "int4",
    "smallint": "int2",
    "boolean": "bool",
    "double precision": "float8",
    "timestamp with time zone": "timestamptz",
    "date": "date",
}
_TEXT_TYPES = {"character varying", "text", "jsonb"}

STATUSES = [
    "",
    "received",
    "dispatched",
    "accepted",
    "contacted",
    "resolved",
    "called_back",
    "closed",
    "returned",
    "declined",
    "merged",
]
S = {s: i for i, s in enumerate(STATUSES)}
SATISFACTION = ["", "satisfied", "basically", "unsatisfied"]
KINDS = ["complaint", "report", "help", "consultation", "suggestion", "praise"]
URGENCIES = ["normal", "urgent", "emergency"]
PHRASES = [
    "已持续多日，影响居民正常生活，请尽快处理。",
    "多次反映未果，希望相关部门尽快解决。",
    "存在安全隐患，请派人到现场查看。",
    "居民意见较大，请协调处理并回复。",
    "请相关单位核实情况并给予答复。",
    "夜间尤为严重，老人孩子休息受影响。",
    "希望能有一个长效的解决办法。",
    "附近居民都有同样的问题，请重视。",
]
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"  # noqa: E501


@dataclass
class Table:
    """One table's COPY: its columns in the database, and the open COPY stream."""

    model: type[models.Model]
    name: str
    columns: list[tuple[str, str, bool]]  # (column, data type, nullable), in COPY order
    tail: tuple[str, ...] = ()  # text columns of freely varying length: written last
    rows: int = 0


@dataclass
class Generated:
    orders: int = 0
    events: int = 0
    callbacks: int = 0
    seconds: dict[str, float] = field(default_factory=dict)


def _columns(conn: psycopg.Connection[Any], table: str) -> list[tuple[str, str, bool]]:
    rows = conn.execute(
        "SELECT column_name, data_type, is_nullable = 'YES' FROM information_schema.columns "
        "WHERE table_name = %s AND table_schema = current_schema() ORDER BY ordinal_position",
        [table],
    ).fetchall()
    return [(str(c), str(t), bool(n)) for c, t, n in rows]


def _default(model: type[models.Model], column: str, data_type: str, n: int) -> Column | Text:
    """A NOT NULL column the generator does not set (e.g. one a later migration added): the
    model field's default, as Django would have written it."""
    f = next(f for f in model._meta.concrete_fields if f.column == column)
    value = f.get_default()
    if data_type in _TEXT_TYPES:
        if data_type == "jsonb":
            return constant(n, b"\x01" + json.dumps(value or {}).encode())
        return constant(n, str(value if value is not None else "").encode())
    kind = _PG_KIND[data_type]
    return Column(kind, np.full(n, value if value is not None else 0))


def _encode(table: Table, values: dict[str, Column | Text], n: int) -> bytes:
    cols: list[Column | Text] = []
    for name, data_type, nullable in table.columns:
        col = values.get(name)
        if col is None:
            if nullable:
                col = Column("int8", np.zeros(n, dtype=np.int64), np.ones(n, dtype=bool))
                cols.append(col)
                continue
            col = _default(table.model, name, data_type, n)
        elif isinstance(col, Column) and not col.kind:
            col = Column(_PG_KIND[data_type], col.values, col.null)
        cols.append(col)
    return pgbinary.encode(cols, tail=len(cols) - len(table.tail))


def num(values: np.ndarray, null: np.ndarray | None = None) -> Column:
    """A number column whose width comes from the database's type."""
    return Column("", values, null)


def text(vocab: list[str], index: np.ndarray, null: np.ndarray | None = None) -> Text:
    return Text([v.encode() for v in vocab], index.astype(np.int64), null)


# --- indexes around the load ------------------------------------------------------------------


@dataclass
class SavedIndexes:
    statements: list[str] = field(default_factory=list)


def drop_secondary_indexes(conn: psycopg.Connection[Any], tables: list[str]) -> SavedIndexes:
    """Drop every index and unique constraint but the primary keys of `tables`, keeping the
    statements that recreate them exactly."""
    saved = SavedIndexes()
    for table in tables:
        constraints = conn.execute(
            "SELECT conname, pg_get_constraintdef(oid), conindid::regclass::text "
            "FROM pg_constraint WHERE conrelid = %s::regclass AND contype = 'u'",
            [table],
        ).fetchall()
        for name, definition, _index in constraints:
            saved.statements.append(f'ALTER TABLE "{table}" ADD CONSTRAINT "{name}" {definition}')
            conn.execute(f'ALTER TABLE "{table}" DROP CONSTRAINT "{name}"')
        indexes = conn.execute(
            "SELECT i.indexname, i.indexdef FROM pg_indexes i "
            "WHERE i.tablename = %s AND i.schemaname = current_schema() AND NOT EXISTS ("
            " SELECT 1 FROM pg_constraint c WHERE c.conindid = (quote_ident(i.indexname))::regclass"
            " AND c.contype = 'p')",
            [table],
        ).fetchall()
        for name, definition in indexes:
            saved.statements.append(str(definition))
            conn.execute(f'DROP INDEX "{name}"')
    conn.commit()
    return saved


def restore_indexes(conn: psycopg.Connection[Any], saved: SavedIndexes) -> None:
    conn.execute("SET maintenance_work_mem = '1GB'")
    conn.execute("SET max_parallel_maintenance_workers = 1")
    for statement in saved.statements:
        conn.execute(statement)
        conn.commit()


# --- the orders -----------------------------------------------------------------------------


def _day_counts(orders: int, first_day: dt.date, rng: np.random.Generator) -> np.ndarray:
    from gongzhi.workorders.demo import season

    try:
        import chinese_calendar
    except ImportError:  # pragma: no cover - a pinned dependency
        chinese_calendar = None

    def holiday(day: dt.date) -> bool:
        if chinese_calendar is None:
            return False
        try:
            is_holiday, name = chinese_calendar.get_holiday_detail(day)
        except NotImplementedError:
            return False
        return bool(is_holiday and name is not None)

    month_volume = {m: sum(w[m - 1] for w in season.MONTHLY.values()) for m in range(1, 13)}
    mean = sum(month_volume.values()) / 12
    weights = []
    for i in range(DAYS):
        day = first_day + dt.timedelta(days=i)
        w = (1.0 if day.weekday() < 5 else 0.8) * (0.6 if holiday(day) else 1.0)
        weights.append(w * (0.5 + 0.5 * month_volume[day.month] / mean))
    p = np.array(weights) / sum(weights)
    return rng.multinomial(orders, p)


def _uniform(rng: np.random.Generator, n: int, low: int, high: int) -> np.ndarray:
    return rng.integers(low, high, size=n, dtype=np.int64)


def _limits() -> dict[str, tuple[int, int, bool]]:
    """urgency → (contact µs, resolve amount, resolve in working days?) from settings."""
    out = {}
    for urgency in URGENCIES:
        contact_amount, contact_unit = settings.GONGZHI_TIME_LIMITS[urgency]["contact"]
        resolve_amount, resolve_unit = settings.GONGZHI_TIME_LIMITS[urgency]["resolve"]
        contact = contact_amount * (H if contact_unit == "hours" else DAY)
        out[urgency] = (contact, int(resolve_amount), resolve_unit == "working_days")
    return out


@dataclass
class Chunk:
    """The columns of one chunk of orders, and their callbacks and events."""

    orders: dict[str, Column | Text]
    callbacks: dict[str, Column | Text]
    events: dict[str, Column | Text]
    n_orders: int
    n_callbacks: int
    n_events: int


class Lifecycle:
    def __init__(self, district: District, *, now_us: int, seed: int) -> None:
        self.d = district
        self.now = now_us
        self.rng = np.random.default_rng(seed)
        self.limits = _limits()
        rng = self.rng
        self.names = [
            SURNAMES[rng.integers(len(SURNAMES))] + ("先生" if rng.random() < 0.5 else "女士")
            for _ in range(400)
        ]
        self.phones = [f"1{rng.integers(3, 10)}{rng.integers(0, 10**9):09d}" for _ in range(5000)]
        self.descriptions = [
            f"{name}：{phrase}" for name in district.leaf_names for phrase in PHRASES
        ]
        self.addresses = list(district.compound_names) + [
            f"{n}周边道路" for n in district.community_names
        ]
        self.is_property = np.array([t == "property" for t in district.leaf_top])
        from gongzhi.workorders.demo import season

        self.kind_weights = {
            top: np.array(season.KIND_WEIGHTS.get(top, season.KIND_WEIGHTS["other"]), dtype=float)
            for top in set(district.leaf_top)
        }
        self.channels = list(season.CHANNELS)
        self.channel_p = np.array(season.CHANNEL_WEIGHTS, dtype=float)
        self.channel_p /= self.channel_p.sum()
        self.field_channels = np.array([c in season.FIELD_CHANNELS for c in self.channels])
        self.street = np.array([t in season.STREET_TOPS for t in district.leaf_top])

    def chunk(
        self, t0: np.ndarray, first_id: int, first_event_id: int, first_callback_id: int
    ) -> Chunk:
        d, rng, now = self.d, self.rng, self.now
        n = len(t0)
        ids = np.arange(first_id, first_id + n, dtype=np.int64)
        local_day = (t0 + SHANGHAI_OFFSET) // DAY
        month = local_day.astype("datetime64[D]").astype("datetime64[M]").astype(np.int64) % 12

        # What, where, who leads.
        leaf = np.zeros(n, dtype=np.int64)
        for m in np.unique(month):
            rows = month == m
            leaf[rows] = rng.choice(len(d.leaves), size=int(rows.sum()), p=d.month_leaf[m])
        at_compound = rng.random(n) < d.at_compound[leaf]
        prop = self.is_property[leaf]
        compound = np.where(
            prop,
            rng.choice(len(d.compounds), size=n, p=d.compound_weight_property),
            rng.choice(len(d.compounds), size=n, p=d.compound_weight),
        )
        community = np.where(
            at_compound,
            d.compound_community[compound],
            rng.choice(len(d.communities), size=n, p=d.community_weight),
        )
        sd = d.community_subdistrict[community]
        office = d.office_of_subdistrict[sd]
        lead = np.where(
            at_compound,
            d.lead_at_compound[leaf, compound],
            d.lead_at_community[leaf, community],
        )
        lead = np.where(lead == 0, office, lead)

        # Kind, channel, urgency.
        kind = np.zeros(n, dtype=np.int64)
        for top, p in self.kind_weights.items():
            rows = np.array([t == top for t in d.leaf_top])[leaf]
            kind[rows] = rng.choice(len(KINDS), size=int(rows.sum()), p=p / p.sum())
        channel = rng.choice(len(self.channels), size=n, p=self.channel_p)
        not_field = np.isin(kind, [2, 3, 5]) | ~self.street[leaf]
        channel = np.where(self.field_channels[channel] & not_field, 0, channel)
        r = rng.random(n)
        urgent_share, emergency_share = d.urgent[leaf, 0], d.urgent[leaf, 1]
        urgency = np.where(
            r < emergency_share, 2, np.where(r < emergency_share + urgent_share, 1, 0)
        )

        # Deadlines.
        contact_due = t0.copy()
        resolve_due = t0.copy()
        for u, name in enumerate(URGENCIES):
            rows = urgency == u
            contact_us, amount, working = self.limits[name]
            contact_due[rows] += contact_us
            if working:
                start = local_day[rows].astype("datetime64[D]")
                due_day = np.busday_offset(start, amount, roll="forward")
                resolve_due[rows] += (due_day - start).astype(np.int64) * DAY
            else:
                resolve_due[rows] += amount * H

        q = d.quality
        fate = rng.random(n)
        declined = fate < 0.012
        merged = (fate >= 0.012) & (fate < 0.027)
        handled = ~(declined | merged)
        desk = t0 + _uniform(rng, n, 10 * MIN, 3 * H)
        auto = rng.random(n) < 0.8
        t1 = np.where(auto, t0, t0 + _uniform(rng, n, 5 * MIN, 90 * MIN))
        returned = handled & (rng.random(n) < 0.03)
        wrong = np.where(
            office != lead, office, d.lead_at_community[(leaf + 1) % len(d.leaves), community]
        )
        wrong = np.where(wrong == lead, office, wrong)
        t_ret = t1 + _uniform(rng, n, 30 * MIN, 4 * H)
        t_redisp = t_ret + _uniform(rng, n, 10 * MIN, 2 * H)
        t_disp = np.where(returned, t_redisp, t1)
        t2 = t_disp + _uniform(rng, n, 5 * MIN, 3 * H)
        slack = contact_due - t2
        late_contact = rng.random(n) < q.contact_late[sd]
        in_time = t2 + (np.maximum(slack, 0) * rng.uniform(0.05, 0.95, n)).astype(np.int64)
        t3 = np.where(
            late_contact | (slack <= 0),
            np.maximum(contact_due, t2) + _uniform(rng, n, 30 * MIN, 24 * H),
            in_time,
        )
        unreasonable = handled & (rng.random(n) < 0.008)
        t_unr = t2 + _uniform(rng, n, 1 * H, 24 * H)
        slack_r = resolve_due - t3
        late_resolve = (rng.random(n) < q.resolve_late[sd]) | (slack_r <= 0)
        t4 = np.where(
            late_resolve,
            np.maximum(resolve_due, t3) + _uniform(rng, n, 2 * H, 5 * DAY),
            t3 + (np.maximum(slack_r, 0) * rng.uniform(0.05, 0.9, n)).astype(np.int64),
        )
        unreached = rng.random(n) < 0.08
        t_unreached = t4 + _uniform(rng, n, 2 * H, 24 * H)
        t5 = np.where(unreached, t_unreached, t4) + _uniform(rng, n, 2 * H, 48 * H)
        res1 = rng.random(n) >= q.unresolved[sd]
        sat1 = self._satisfaction(res1, q.satisfied[sd])
        t_close1 = np.where(rng.random(n) < 0.85, t5, t5 + _uniform(rng, n, 1 * H, 3 * DAY))
        t6 = t5 + _uniform(rng, n, 1 * H, 24 * H)
        t7 = t6 + _uniform(rng, n, 1 * DAY, 6 * DAY)
        t8 = t7 + _uniform(rng, n, 2 * H, 48 * H)
        res2 = rng.random(n) < 0.6
        sat2 = self._satisfaction(res2, q.satisfied[sd])
        t9 = t8 + _uniform(rng, n, 1 * H, 12 * H)
        t10 = t9 + _uniform(rng, n, 1 * DAY, 5 * DAY)
        t11 = t10 + _uniform(rng, n, 1 * DAY, 3 * DAY)

        def happened(mask: np.ndarray, at: np.ndarray) -> np.ndarray:
            return mask & (at <= now)

        round2 = handled & ~res1
        round3 = round2 & ~res2
        ev: list[tuple[str, np.ndarray, np.ndarray, Any, Any, np.ndarray | None]] = []

        def event(
            kind_: str,
            mask: np.ndarray,
            at: np.ndarray,
            from_: Any,
            to: Any,
            unit: np.ndarray | None = None,
        ) -> np.ndarray:
            present = happened(mask, at)
            ev.append((kind_, present, at, from_, to, unit))
            return present

        everyone = np.ones(n, dtype=bool)
        event("received", everyone, t0, S[""], S["received"])
        is_declined = event("declined", declined, desk, S["received"], S["declined"])
        is_merged = event("merged", merged, desk, S["received"], S["merged"])
        dispatched = event(
            "auto_dispatched", handled & auto & ~returned, t1, S["received"], S["dispatched"]
        )
        dispatched |= event(
            "dispatched", handled & ~(auto & ~returned), t1, S["received"], S["dispatched"]
        )
        was_returned = event("returned", returned, t_ret, S["dispatched"], S["returned"], wrong)
        redispatched = event("redispatched", returned, t_redisp, S["returned"], S["dispatched"])
        accepted = event("accepted", handled, t2, S["dispatched"], S["accepted"], lead)
        contact_overdue = event(
            "contact_overdue",
            handled & (t3 > contact_due),
            contact_due,
            np.where(contact_due < t2, S["dispatched"], S["accepted"]),
            np.where(contact_due < t2, S["dispatched"], S["accepted"]),
        )
        contacted = event("contacted", handled, t3, S["accepted"], S["contacted"], lead)
        overdue_event = event(
            "overdue", handled & (t4 > resolve_due), resolve_due, S["contacted"], S["contacted"]
        )
        resolved1 = event("resolved", handled, t4, S["contacted"], S["resolved"], lead)
        unreached_cb = event(
            "callback_unreached", handled & unreached, t_unreached, S["resolved"], S["resolved"]
        )
        callback1 = event("callback", handled, t5, S["resolved"], S["called_back"])
        closed1 = event("closed", handled & res1, t_close1, S["called_back"], S["closed"])
        reopened1 = event("reopened", round2, t5, S["called_back"], S["accepted"])
        contacted2 = event("contacted", round2, t6, S["accepted"], S["contacted"], lead)
        resolved2 = event("resolved", round2, t7, S["contacted"], S["resolved"], lead)
        callback2 = event("callback", round2, t8, S["resolved"], S["called_back"])
        closed2 = event("closed", round2 & res2, t8, S["called_back"], S["closed"])
        reopened2 = event("reopened", round3, t8, S["called_back"], S["accepted"])
        contacted3 = event("contacted", round3, t9, S["accepted"], S["contacted"], lead)
        resolved3 = event("resolved", round3, t10, S["contacted"], S["resolved"], lead)
        closed3 = event("closed", round3, t11, S["resolved"], S["closed"])
        is_unreasonable = event(
            "marked_unreasonable",
            unreasonable,
            t_unr,
            np.where(t_unr < t3, S["accepted"], S["contacted"]),
            np.where(t_unr < t3, S["accepted"], S["contacted"]),
        )

        # The order as it stands now: the last step of the main line that happened.
        status = np.full(n, S["received"])
        for mask, value in (
            (is_declined, "declined"),
            (is_merged, "merged"),
            (dispatched, "dispatched"),
            (was_returned, "returned"),
            (redispatched, "dispatched"),
            (accepted, "accepted"),
            (contacted, "contacted"),
            (resolved1, "resolved"),
            (callback1, "called_back"),
            (closed1, "closed"),
            (reopened1, "accepted"),
            (contacted2, "contacted"),
            (resolved2, "resolved"),
            (callback2, "called_back"),
            (closed2, "closed"),
            (reopened2, "accepted"),
            (contacted3, "contacted"),
            (resolved3, "resolved"),
            (closed3, "closed"),
        ):
            status = np.where(mask, S[value], status)
        lead_now = np.where(
            dispatched,
            np.where(
                returned, np.where(redispatched, lead, np.where(was_returned, 0, wrong)), lead
            ),
            0,
        )
        resolved_at = np.where(
            reopened2,
            np.where(resolved3, t10, -1),
            np.where(reopened1, np.where(resolved2, t7, -1), np.where(resolved1, t4, -1)),
        )
        called_back_at = np.where(callback2, t8, np.where(callback1, t5, -1))
        closed_at = np.where(closed3, t11, np.where(closed2, t8, np.where(closed1, t_close1, -1)))
        satisfaction = np.where(callback2, sat2, np.where(callback1, sat1, 0))
        reopen_count = reopened1.astype(np.int64) + reopened2.astype(np.int64)
        overdue_now = overdue_event & ~reopened1
        number_days = local_day.astype("datetime64[D]").astype(str)
        _days, first_of_day = np.unique(local_day, return_index=True)
        seq = np.arange(n) - np.repeat(first_of_day, np.diff(np.append(first_of_day, n))) + 1
        numbers = [
            f"{day[:4]}{day[5:7]}{day[8:10]}{s:06d}"
            for day, s in zip(number_days, seq, strict=True)
        ]

        def ts(values: np.ndarray, present: np.ndarray | None = None) -> Column:
            null = ~present if present is not None else None
            return Column("timestamptz", values, null)

        none = np.zeros(n, dtype=bool)
        merged_into = np.maximum(ids - rng.integers(1, 50, size=n), 1)
        orders: dict[str, Column | Text] = {
            "id": num(ids),
            "number": Text([s.encode() for s in numbers], np.arange(n)),
            "kind": text(KINDS, kind),
            "channel": text(self.channels, channel),
            "urgency": text(URGENCIES, urgency),
            "priority": num(np.choose(urgency, [2, 1, 0])),
            "description": text(
                self.descriptions, leaf * len(PHRASES) + rng.integers(0, len(PHRASES), n)
            ),
            "address": text(
                self.addresses,
                np.where(at_compound, compound, len(d.compound_names) + community),
            ),
            "requester_name": text(self.names, rng.integers(0, len(self.names), n)),
            "requester_phone": text(self.phones, rng.integers(0, len(self.phones), n)),
            "status": text(STATUSES, status),
            "received_at": ts(t0),
            "dispatched_at": ts(t1, dispatched),
            "accepted_at": ts(t2, accepted),
            "contacted_at": ts(t3, contacted),
            "resolved_at": ts(resolved_at, resolved_at >= 0),
            "called_back_at": ts(called_back_at, called_back_at >= 0),
            "closed_at": ts(closed_at, closed_at >= 0),
            "contact_due_at": ts(contact_due),
            "resolve_due_at": ts(np.where(reopened1, t5 + (resolve_due - t0), resolve_due)),
            "contact_overdue_at": ts(contact_due, contact_overdue),
            "resolve_overdue_at": ts(resolve_due, overdue_now),
            "deadline_provisional": Column("bool", none),
            "overdue": Column("bool", overdue_now),
            "extended_days": num(np.zeros(n, dtype=np.int64)),
            "feedback": text(["", "已联系诉求人并处理完毕。"], (resolved_at >= 0).astype(np.int64)),
            "satisfaction": text(SATISFACTION, satisfaction),
            "reopen_count": num(reopen_count),
            "excluded_from_scoring": Column("bool", is_unreasonable),
            "exclusion_reason": text(
                ["", "经核实属于不合理诉求"], is_unreasonable.astype(np.int64)
            ),
            "excluded_at": ts(t_unr, is_unreasonable),
            "decline_reason": text(["", "no_content"], is_declined.astype(np.int64)),
            "source": constant(n, SOURCE.encode()),
            "updated_at": ts(np.full(n, now)),
            "category_id": num(d.leaf_ids[leaf]),
            "community_id": num(d.communities[community]),
            "compound_id": num(d.compounds[compound], ~at_compound),
            "subdistrict_id": num(d.subdistricts[sd]),
            "lead_unit_id": num(lead_now, lead_now == 0),
            "merged_into_id": num(merged_into, ~is_merged),
        }

        # Callbacks: unreached attempts, then the reached ones (round 0 and 1).
        cb_parts = [
            (
                unreached_cb,
                t_unreached,
                0,
                False,
                np.zeros(n, dtype=bool),
                np.zeros(n, dtype=np.int64),
            ),
            (callback1, t5, 0, True, res1, sat1),
            (callback2, t8, 1, True, res2, sat2),
        ]
        cb_order, cb_at, cb_round, cb_reached, cb_resolved, cb_sat = [], [], [], [], [], []
        for mask, at, round_, reached, res, sat in cb_parts:
            cb_order.append(ids[mask])
            cb_at.append(at[mask])
            cb_round.append(np.full(int(mask.sum()), round_))
            cb_reached.append(np.full(int(mask.sum()), reached))
            cb_resolved.append(res[mask])
            cb_sat.append(sat[mask])
        m = sum(len(a) for a in cb_order)
        reached_all = np.concatenate(cb_reached)
        agents = self.d.callback_agents if len(self.d.callback_agents) else np.zeros(1, np.int64)
        callbacks: dict[str, Column | Text] = {
            "id": num(np.arange(first_callback_id, first_callback_id + m, dtype=np.int64)),
            "order_id": num(np.concatenate(cb_order)),
            "at": ts(np.concatenate(cb_at)),
            "round": num(np.concatenate(cb_round)),
            "reached": Column("bool", reached_all),
            "resolved": Column("bool", np.concatenate(cb_resolved), ~reached_all),
            "satisfaction": text(SATISFACTION, np.concatenate(cb_sat)),
            "note": constant(m, b""),
            "by_id": num(rng.choice(agents, size=m), np.full(m, not len(self.d.callback_agents))),
        }

        # Events, in time order within the chunk.
        kinds = sorted({k for k, *_ in ev})
        e_order, e_at, e_kind, e_from, e_to, e_unit, e_has_unit = [], [], [], [], [], [], []
        for kind_, present, at, from_, to, unit in ev:
            k = int(present.sum())
            e_order.append(ids[present])
            e_at.append(at[present])
            e_kind.append(np.full(k, kinds.index(kind_)))
            e_from.append(np.broadcast_to(from_, n)[present])
            e_to.append(np.broadcast_to(to, n)[present])
            e_unit.append(unit[present] if unit is not None else np.zeros(k, dtype=np.int64))
            e_has_unit.append(np.full(k, unit is not None))
        at_all = np.concatenate(e_at)
        order = np.argsort(at_all, kind="stable")
        total = len(at_all)
        events: dict[str, Column | Text] = {
            "id": num(np.arange(first_event_id, first_event_id + total, dtype=np.int64)),
            "order_id": num(np.concatenate(e_order)[order]),
            "at": ts(at_all[order]),
            "kind": text(kinds, np.concatenate(e_kind)[order]),
            "from_status": text(STATUSES, np.concatenate(e_from)[order]),
            "to_status": text(STATUSES, np.concatenate(e_to)[order]),
            "note": constant(total, b""),
            "data": constant(total, b"\x01{}"),
            "actor_unit_id": num(np.concatenate(e_unit)[order], ~np.concatenate(e_has_unit)[order]),
        }
        return Chunk(orders, callbacks, events, n, m, total)

    def _satisfaction(self, resolved: np.ndarray, satisfied_p: np.ndarray) -> np.ndarray:
        r = self.rng.random(len(resolved))
        when_resolved = np.where(
            r < satisfied_p, 1, np.where(r < satisfied_p + (1 - satisfied_p) * 0.9, 2, 3)
        )
        when_not = np.where(r < 0.8, 3, 2)
        return np.where(resolved, when_resolved, when_not)


def _chunks_of_days(counts: np.ndarray, size: int) -> Iterator[tuple[int, int]]:
    """(first day, end day) ranges of whole days with about `size` orders each."""
    start, total = 0, 0
    for i, c in enumerate(counts):
        total += int(c)
        if total >= size:
            yield start, i + 1
            start, total = i + 1, 0
    if start < len(counts):
        yield start, len(counts)


def generate(
    url: str,
    district: District,
    *,
    orders: int,
    now: dt.datetime,
    seed: int = 5,
    chunk_size: int = 250_000,
    progress: Callable[[str], None] = lambda _line: None,
) -> Generated:
    """Write `orders` orders (ids from 1) with their events and callbacks into the empty order
    tables of the database at `url`; indexes rebuilt and statistics gathered at the end."""
    result = Generated()
    clock = time.perf_counter()

    def lap(name: str) -> None:
        nonlocal clock
        t = time.perf_counter()
        result.seconds[name] = round(t - clock, 1)
        clock = t

    now_us = int(now.timestamp() * US)
    end_day = (now_us + SHANGHAI_OFFSET) // DAY  # today, local: generated up to yesterday
    first_day = end_day - DAYS
    rng = np.random.default_rng(seed)
    counts = _day_counts(orders, dt.date(1970, 1, 1) + dt.timedelta(days=int(first_day)), rng)
    from gongzhi.workorders.demo import season

    hours_p = np.array(season.HOURS) / sum(season.HOURS)
    life = Lifecycle(district, now_us=now_us, seed=seed + 1)

    tables = [
        Table(WorkOrder, WorkOrder._meta.db_table, [], tail=ORDER_TEXT),
        Table(Callback, Callback._meta.db_table, []),
        Table(WorkOrderEvent, WorkOrderEvent._meta.db_table, []),
    ]
    with psycopg.connect(url) as admin:
        for t in tables:
            columns = _columns(admin, t.name)
            t.columns = [c for c in columns if c[0] not in t.tail] + [
                c for c in columns if c[0] in t.tail
            ]
        saved = drop_secondary_indexes(admin, [t.name for t in tables])
    lap("drop_indexes")

    with ExitStack() as stack:
        streams = []
        for t in tables:
            conn = stack.enter_context(psycopg.connect(url))
            conn.execute("SET session_replication_role = replica")
            conn.execute("SET synchronous_commit = off")
            cur = stack.enter_context(conn.cursor())
            names = ", ".join(f'"{c}"' for c, _t, _n in t.columns)
            copy = stack.enter_context(
                cur.copy(
                    f'COPY "{t.name}" ({names}) FROM STDIN (FORMAT BINARY)',
                    writer=QueuedLibpqWriter(cur),
                )
            )
            copy.write(pgbinary.HEADER)
            streams.append(copy)
        next_id, next_event, next_callback = 1, 1, 1
        for a, b in _chunks_of_days(counts, chunk_size):
            n = int(counts[a:b].sum())
            day = np.repeat(np.arange(first_day + a, first_day + b), counts[a:b])
            hour = rng.choice(24, size=n, p=hours_p)
            t0 = day * DAY - SHANGHAI_OFFSET + hour * H + rng.integers(0, H, size=n)
            t0.sort()
            chunk = life.chunk(t0, next_id, next_event, next_callback)
            for t, stream, values, rows in zip(
                tables,
                streams,
                (chunk.orders, chunk.callbacks, chunk.events),
                (chunk.n_orders, chunk.n_callbacks, chunk.n_events),
                strict=True,
            ):
                if rows:
                    stream.write(_encode(t, values, rows))
                t.rows += rows
            next_id += chunk.n_orders
            next_event += chunk.n_events
            next_callback += chunk.n_callbacks
            progress(
                f"{time.perf_counter() - clock:7.1f} s  orders {next_id - 1:,} / {orders:,}, "
                f"events {next_event - 1:,}"
            )
        for stream in streams:
            stream.write(pgbinary.TRAILER)
    # Leaving the ExitStack finished each COPY and committed each connection.
    lap("copy")
    with psycopg.connect(url, autocommit=True) as admin:
        restore_indexes(admin, saved)
        lap("indexes")
        for t in tables:
            admin.execute(
                f"SELECT setval(pg_get_serial_sequence('\"{t.name}\"', 'id'), "
                f'(SELECT COALESCE(MAX(id), 1) FROM "{t.name}"))'
            )
            admin.execute(f'VACUUM (ANALYZE) "{t.name}"')
        lap("analyze")
    result.orders, result.callbacks, result.events = (t.rows for t in tables)
    return result
