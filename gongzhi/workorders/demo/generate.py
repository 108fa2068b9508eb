"""A year of demo orders, planned in memory: when each request came in, what about, where, from
whom, and how it was handled (lifecycle.Sim), ending at `now` with the last days' orders still
open at every step.

How well a subdistrict handles its orders is a `Quality` drawn once per subdistrict, so that the
three rates differ between subdistricts (the ranking has a top and a bottom) while the
district's figures stay near a real district's: response ≈ 99 %, resolution ≈ 88 %,
satisfaction ≈ 90 %.
"""

from __future__ import annotations

import datetime as dt
import math
import random
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any

import chinese_calendar

from gongzhi.accounts.models import Unit
from gongzhi.places.demo.names import person_name
from gongzhi.workorders import sla
from gongzhi.workorders.demo import phrasebook as pb
from gongzhi.workorders.demo import season, texts
from gongzhi.workorders.demo.district import DemoDistrict, Placement, UnitInfo
from gongzhi.workorders.demo.lifecycle import Ref, Row, Sim, Stopped, iso
from gongzhi.workorders.demo.write import SOURCE
from gongzhi.workorders.models import (
    Assignment,
    Callback,
    Category,
    DeclineReason,
    EventKind,
    ExtensionRequest,
    LimitUnit,
    Satisfaction,
    Status,
    WhistleCall,
)
from gongzhi.workorders.transitions import Action

SHANGHAI = sla.SHANGHAI
H = dt.timedelta(hours=1)
MIN = dt.timedelta(minutes=1)

Rng = Callable[..., random.Random]


@dataclass(frozen=True)
class Quality:
    """How a subdistrict's units work: probabilities of the things that go wrong."""

    contact_late: float
    resolve_late: float
    unresolved: float  # a first callback that says "not resolved"
    satisfied: float  # of resolved callbacks, the share 满意 (the rest mostly 基本满意)

    @classmethod
    def draw(cls, rng: random.Random) -> Quality:
        q = max(-2.2, min(2.2, rng.gauss(0.0, 1.0)))
        return cls(
            contact_late=min(0.02, max(0.001, 0.006 - 0.003 * q)),
            resolve_late=min(0.14, max(0.015, 0.06 - 0.02 * q)),
            unresolved=min(0.36, max(0.07, 0.21 - 0.05 * q)),
            satisfied=min(0.98, max(0.75, 0.90 + 0.025 * q)),
        )


DECLINE_WEIGHTS = {
    DeclineReason.NO_CONTENT: 30,
    DeclineReason.OTHER_CHANNEL: 25,
    DeclineReason.LITIGATION: 15,
    DeclineReason.DUPLICATE: 10,
    DeclineReason.JUDICIAL: 8,
    DeclineReason.INTERNAL_AFFAIRS: 5,
    DeclineReason.SECRETS: 4,
    DeclineReason.UNLAWFUL: 3,
}
P_DECLINE = 0.012
P_MERGE = 0.015
P_MANUAL_DISPATCH = 0.2
P_RETURN = 0.03
P_DECLINE_RETURNED = 0.08
P_EXTENSION = 0.04
P_EXTENSION_APPROVED = 0.85
P_WHISTLE = 0.15
P_UNREASONABLE = 0.008
P_UNREACHED = 0.08
P_CLOSE_WITH_CALLBACK = 0.85
FAST_CONTACT_HOURS = 4
# (attempts, chance each attempt is not reached) by round: the first callback, the callback
# after the first and after the second re-handling, and after that none.
CALLBACK_ROUNDS = ((3, 0.35), (2, 0.4), (1, 0.6), (0, 1.0))
# Chance a re-handled order is still "not resolved" at its callback, by round.
REHANDLED_UNRESOLVED = {1: 0.65, 2: 0.5}


#: The planted rises (top, leaf, orders, over the last days): see Generator.surges.
SURGES = (("heating", "heating-cold", 30, 16), ("ebike", "ebike", 28, 14))
SURGES_OFF_SEASON = (("property", "property-elevator", 30, 16), ("ebike", "ebike", 28, 14))
PLANTED = sum(s[2] for s in SURGES)


@dataclass(frozen=True)
class Surge:
    """`count` extra orders of one leaf category at one compound over the last `days` days."""

    top: str
    leaf: str
    compound_id: int
    count: int
    days: int

    def times(self, now: dt.datetime, rng: random.Random) -> list[dt.datetime]:
        local_now = now.astimezone(SHANGHAI)
        out = []
        for _ in range(self.count):
            back = dt.timedelta(days=rng.uniform(0, self.days), hours=rng.uniform(0, 12))
            out.append(min(local_now - back, local_now).astimezone(dt.UTC))
        return sorted(out)


@dataclass
class Plan:
    """Everything generated: the orders in the order they were received."""

    sims: list[Sim]
    qualities: dict[int, Quality]


class Generator:
    def __init__(self, district: DemoDistrict, *, now: dt.datetime, rng: Rng) -> None:
        self.d = district
        self.now = now
        self.rng = rng
        self._limits: dict[tuple[int, str], sla.Limits] = {}
        self._working_deadline: dict[tuple[dt.date, int], sla.Deadline] = {}
        self.qualities = {
            sd: Quality.draw(rng("quality", sd)) for sd in sorted(district.subdistricts)
        }
        self._compound_choice = self._weights_for_compounds()
        self._community_choice = self._weights_for_communities()
        self.favoured: dict[int, int] = {}  # compound → a demo login resident living there

    # --- deadlines, through sla.py ------------------------------------------------------

    def limits(self, category: Category, urgency: str) -> sla.Limits:
        key = (category.pk, urgency)
        if key not in self._limits:
            self._limits[key] = sla.limits_for(category, urgency)
        return self._limits[key]

    def deadline(self, start: dt.datetime, limit: sla.Limit) -> sla.Deadline:
        """sla.deadline, memoised for working-day limits (which depend on the day only)."""
        if limit.unit != LimitUnit.WORKING_DAYS:
            return sla.deadline(start, limit)
        key = (start.astimezone(SHANGHAI).date(), limit.amount)
        if key not in self._working_deadline:
            self._working_deadline[key] = sla.deadline(start, limit)
        return self._working_deadline[key]

    def deadlines(self, start: dt.datetime, category: Category, urgency: str) -> sla.Deadlines:
        """What sla.deadlines_for(start=…, category=…, urgency=…) returns, with the limits
        looked up once per category and urgency instead of once per order."""
        limits = self.limits(category, urgency)
        contact = self.deadline(start, limits.contact)
        resolve = self.deadline(start, limits.resolve)
        return sla.Deadlines(
            contact_due_at=contact.at,
            contact_warn_at=sla.warn_time(start, contact.at, sla.contact_warning_lead()),
            resolve_due_at=resolve.at,
            resolve_warn_at=sla.warn_time(start, resolve.at, sla.resolve_warning_lead()),
            provisional=contact.provisional or resolve.provisional,
        )

    # --- when and where ---------------------------------------------------------------------

    def _weights_for_compounds(self) -> dict[bool, tuple[list[int], list[float]]]:
        """Cumulative population weights of compounds; for property matters compounds with a
        property company weigh four times as much (older compounds without one ask less)."""
        ids = sorted(self.d.compounds)
        out = {}
        for prop in (False, True):
            total, cum = 0.0, []
            for cid in ids:
                w = float(max(self.d.compounds[cid].population, 50))
                if prop and cid not in self.d.property_of:
                    w *= 0.25
                total += w
                cum.append(total)
            out[prop] = (ids, cum)
        return out

    def _weights_for_communities(self) -> tuple[list[int], list[float]]:
        pop: dict[int, float] = defaultdict(float)
        for c in self.d.compounds.values():
            pop[c.community_id] += max(c.population, 50)
        ids = sorted(self.d.communities)
        total, cum = 0.0, []
        for cid in ids:
            total += pop.get(cid, 500.0)
            cum.append(total)
        return ids, cum

    def days(self, count: int) -> list[tuple[dt.date, int]]:
        """How many orders each of the 365 days up to today gets: weekday, holiday and the
        month's overall volume (the heating season is the busiest)."""
        today = self.now.astimezone(SHANGHAI).date()
        first = today - dt.timedelta(days=364)
        month_volume = {m: sum(w[m - 1] for w in season.MONTHLY.values()) for m in range(1, 13)}
        mean_volume = sum(month_volume.values()) / 12
        weights: list[tuple[dt.date, float]] = []
        for i in range(365):
            day = first + dt.timedelta(days=i)
            holiday = _is_public_holiday(day)
            w = (1.0 if day.weekday() < 5 else 0.8) * (0.6 if holiday else 1.0)
            w *= 0.5 + 0.5 * month_volume[day.month] / mean_volume
            if day == today:
                local_now = self.now.astimezone(SHANGHAI)
                w *= sum(season.HOURS[: local_now.hour + 1]) / sum(season.HOURS)
            weights.append((day, w))
        total = sum(w for _d, w in weights)
        rng = self.rng("days")
        out = []
        for day, w in weights:
            expected = count * w / total
            n = math.floor(expected) + (1 if rng.random() < expected % 1 else 0)
            out.append((day, n))
        return out

    def received_times(self, day: dt.date, n: int, rng: random.Random) -> list[dt.datetime]:
        local_now = self.now.astimezone(SHANGHAI)
        hours = list(range(24))
        weights = list(season.HOURS)
        if day == local_now.date():
            weights = [w if h <= local_now.hour else 0.0 for h, w in enumerate(weights)]
        times = []
        for _ in range(n):
            hour = rng.choices(hours, weights=weights)[0]
            local = dt.datetime.combine(day, dt.time(hour), tzinfo=SHANGHAI) + dt.timedelta(
                seconds=rng.randrange(3600)
            )
            at = local.astimezone(dt.UTC)
            if at <= self.now:
                times.append(at)
        return sorted(times)

    # --- one order ---------------------------------------------------------------------------

    def category(self, month: int, rng: random.Random) -> tuple[str, str]:
        tops = [t for t in season.MONTHLY if t in self.d.leaves]
        top_w = season.top_weights(month)
        top = rng.choices(tops, weights=[top_w[t] for t in tops])[0]
        leaves = self.d.leaves[top]
        weights = season.leaf_weights(top, leaves, month)
        if not any(weights):
            weights = [1.0] * len(leaves)
        return top, rng.choices(leaves, weights=weights)[0]

    def where(self, top: str, rng: random.Random) -> tuple[int | None, int]:
        """(compound id or None, community id)."""
        if self.d.compounds and rng.random() < season.AT_COMPOUND.get(top, 0.5):
            ids, cum = self._compound_choice[top == "property"]
            cid = rng.choices(ids, cum_weights=cum)[0]
            return cid, self.d.compounds[cid].community_id
        ids, cum = self._community_choice
        return None, rng.choices(ids, cum_weights=cum)[0]

    def new_order(
        self, at: dt.datetime, rng: random.Random, *, planted: Surge | None = None
    ) -> tuple[Sim, dict[str, Any]]:
        month = at.astimezone(SHANGHAI).month
        if planted is None:
            top, leaf = self.category(month, rng)
            compound_id, community_id = self.where(top, rng)
        else:
            top, leaf = planted.top, planted.leaf
            compound_id = planted.compound_id
            community_id = self.d.compounds[compound_id].community_id
        category = self.d.categories[leaf]
        community = self.d.communities[community_id]
        compound = self.d.compounds.get(compound_id) if compound_id else None
        kind = season.kind_for(top, rng)
        channel = season.channel_for(top, kind, rng)
        if channel == "hotline" and compound_id in self.favoured and rng.random() < 0.5:
            channel = "app"  # the demo's resident files online, so her page has orders
        urgency = season.urgency_for(leaf, rng)
        building = rng.choice(compound.buildings) if compound and compound.buildings else ""
        slots = texts.Slots(
            subdistrict=self.d.subdistricts[community.subdistrict_id],
            community=community.name,
            compound=compound.name if compound else "",
            building=building,
            entrance=f"{rng.randint(1, 4)}单元" if building else "",
            road=rng.choice(community.roads),
        )
        if kind == "praise":
            slots = replace(slots, unit=rng.choice(("社区居委会", "街道", "物业", "热力公司")))
        lng: float | None
        lat: float | None
        if compound and compound.lng is not None and compound.lat is not None:
            lng = compound.lng + rng.uniform(-0.0006, 0.0006)
            lat = compound.lat + rng.uniform(-0.0005, 0.0005)
        elif community.lng is not None and community.lat is not None:
            lng = community.lng + rng.uniform(-0.003, 0.003)
            lat = community.lat + rng.uniform(-0.0025, 0.0025)
        else:
            lng = lat = None

        creator, creator_unit, requester_person = self.creator(
            channel, compound_id, community_id, community.subdistrict_id, rng
        )
        if channel in ("walking_round", "proactive"):
            name = phone = ""
        else:
            name, phone = person_name(rng), texts.requester_phone(rng)
        deadlines = self.deadlines(at, category, urgency)
        fields: dict[str, Any] = {
            "kind": kind,
            "channel": channel,
            "category_id": category.pk,
            "urgency": urgency,
            "priority": int(sla.priority_for(category, urgency)),
            "description": texts.description(
                category=leaf, top=top, kind=kind, channel=channel, slots=slots, rng=rng
            ),
            "address": texts.address(slots),
            "lng": round(lng, 6) if lng is not None else None,
            "lat": round(lat, 6) if lat is not None else None,
            "compound_id": compound_id,
            "community_id": community_id,
            "subdistrict_id": community.subdistrict_id,
            "requester_name": name,
            "requester_phone": phone,
            "requester_person_id": requester_person,
            "received_at": at,
            "contact_due_at": deadlines.contact_due_at,
            "contact_warn_at": deadlines.contact_warn_at,
            "resolve_due_at": deadlines.resolve_due_at,
            "resolve_warn_at": deadlines.resolve_warn_at,
            "deadline_provisional": deadlines.provisional,
            "created_by_id": creator,
            "source": SOURCE,
        }
        sim = Sim(fields=fields, now=self.now, limits=self.limits(category, urgency))
        context = {
            "top": top,
            "category": category,
            "slots": slots,
            "creator": creator,
            "creator_unit": creator_unit,
            "quality": self.qualities[community.subdistrict_id],
        }
        return sim, context

    def creator(
        self,
        channel: str,
        compound_id: int | None,
        community_id: int,
        subdistrict_id: int,
        rng: random.Random,
    ) -> tuple[int | None, int | None, int | None]:
        """(person filing, the unit they act for, the requester's account) by channel, as
        rules.receive_grant allows them."""
        d = self.d
        if channel == "hotline":
            return rng.choice(d.operators) if d.operators else None, d.hotline.id or None, None
        if channel in ("web", "app", "wechat"):
            resident = d.residents.get(compound_id) if compound_id else None
            favoured = compound_id in self.favoured
            if resident is not None and rng.random() < (0.7 if favoured else 0.4):
                return resident, None, resident
            return None, None, None  # through an API client system
        if channel == "rider_snap":
            return (rng.choice(d.riders) if d.riders else None), None, None
        if channel in ("walking_round", "deliberation"):
            unit = d.units.get(d.committee_of.get(community_id, 0))
        else:
            unit = d.units.get(d.office_of.get(subdistrict_id, 0))
        if unit is None:
            return None, None, None
        return d.actor(unit, rng), unit.id, None

    # --- the whole year ------------------------------------------------------------------------

    def plan(self, count: int) -> Plan:
        sims: list[Sim] = []
        recent: dict[tuple[str, int], list[Sim]] = defaultdict(list)
        for day, n in self.days(count):
            rng = self.rng("orders", day.isoformat())
            for at in self.received_times(day, n, rng):
                sim, context = self.new_order(at, rng)
                # Duplicates: the same kind of matter in the same community within days.
                key = (context["top"], sim.fields["community_id"])
                Life(self, sim, context, rng, recent[key]).live()
                recent[key].append(sim)
                if len(recent[key]) > 6:
                    del recent[key][0]
                sims.append(sim)
        for surge in self.surges():
            rng = self.rng("surge", surge.leaf, surge.compound_id)
            for at in surge.times(self.now, rng):
                sim, context = self.new_order(at, rng, planted=surge)
                key = (context["top"], sim.fields["community_id"])
                earlier = [e for e in recent[key] if e.fields["received_at"] < at]
                Life(self, sim, context, rng, earlier[-6:]).live()
                recent[key].append(sim)
                sims.append(sim)
        sims.sort(key=lambda sim: sim.fields["received_at"])
        return Plan(sims, self.qualities)

    def surges(self) -> list[Surge]:
        """The planted rises that 未诉先办 should find (generated, like everything here), over
        the last two weeks or so, well above what the season brings to one compound: in the
        demo resident's compound cold flats in the heating season (a broken lift the rest of
        the year), and e-bikes charged in the stairwells of another subdistrict's biggest
        compound."""
        d = self.d
        if not d.compounds:
            return []
        by_size = sorted(d.compounds, key=lambda cid: (-d.compounds[cid].population, cid))
        first = next(iter(sorted(self.favoured)), by_size[0])
        sub_of = {
            cid: d.communities[c.community_id].subdistrict_id for cid, c in d.compounds.items()
        }
        second = next((c for c in by_size if sub_of[c] != sub_of[first]), by_size[-1])
        heating_season = self.now.astimezone(SHANGHAI).month in (11, 12, 1, 2, 3)
        out = []
        for (top, leaf, count, days), compound_id in zip(
            SURGES if heating_season else SURGES_OFF_SEASON, (first, second), strict=True
        ):
            leaves = d.leaves.get(top, [])
            if leaf not in leaves:
                leaf = leaves[0] if leaves else ""
            if leaf in d.categories:
                out.append(Surge(top, leaf, compound_id, count, days))
        return out


def _is_public_holiday(day: dt.date) -> bool:
    try:
        _holiday, name = chinese_calendar.get_holiday_detail(day)
    except NotImplementedError:  # a year the calendar does not cover
        return False
    return name is not None and _holiday


class Life:
    """The steps of one order, in time order, as the services would take them."""

    def __init__(
        self,
        gen: Generator,
        sim: Sim,
        context: dict[str, Any],
        rng: random.Random,
        earlier: list[Sim],
    ) -> None:
        self.g = gen
        self.d = gen.d
        self.sim = sim
        self.f = sim.fields
        self.c = context
        self.q: Quality = context["quality"]
        self.rng = rng
        self.earlier = earlier
        self.lead: UnitInfo | None = None
        self.t = self.f["received_at"]
        # Units answer at once, night or day, when the order is urgent or its contact limit is
        # a few clock hours (no water, no heating…); otherwise they act in office hours.
        contact = sim.limits.contact
        self.fast = self.f["urgency"] != "normal" or (
            contact.unit == LimitUnit.HOURS and contact.amount <= FAST_CONTACT_HOURS
        )

    # --- time ---------------------------------------------------------------------------

    def later(self, low: dt.timedelta, high: dt.timedelta, *, office: bool = True) -> dt.datetime:
        """A moment between `low` and `high` after the last step; units and desks act in
        office hours (8:00–20:00) unless the order is urgent."""
        at = self.t + low + (high - low) * self.rng.random()
        if office and not self.fast:
            at = self.office_hours(at)
        return at

    def office_hours(self, at: dt.datetime) -> dt.datetime:
        local = at.astimezone(SHANGHAI)
        if 8 <= local.hour < 20:
            return at
        day = local.date() if local.hour < 8 else local.date() + dt.timedelta(days=1)
        start = dt.datetime.combine(day, dt.time(8), tzinfo=SHANGHAI)
        return (start + dt.timedelta(minutes=self.rng.randrange(90))).astimezone(dt.UTC)

    def step(self, at: dt.datetime) -> dt.datetime:
        self.t = max(self.t, at)
        return self.t

    # --- people ---------------------------------------------------------------------------

    def dispatcher(self) -> int | None:
        return self.rng.choice(self.d.dispatchers) if self.d.dispatchers else None

    def agent(self) -> int | None:
        return self.rng.choice(self.d.callback_agents) if self.d.callback_agents else None

    def handler(self) -> int | None:
        return self.d.actor(self.lead, self.rng) if self.lead else None

    # --- the story ------------------------------------------------------------------------

    def live(self) -> None:
        try:
            self.receive()
            if self.triage():
                return
            self.handle()
        except Stopped:
            pass

    def receive(self) -> None:
        self.sim.act(
            Action.RECEIVE,
            EventKind.RECEIVED,
            self.t,
            actor=self.c["creator"],
            unit=self.c["creator_unit"],
            data={"channel": self.f["channel"], "source": self.f["source"]},
        )

    def triage(self) -> bool:
        """Decline, merge or dispatch. True when the order's life ends here."""
        r = self.rng.random()
        hotline = self.d.hotline.id or None
        if r < P_DECLINE:
            self.decline()
            return True
        if r < P_DECLINE + P_MERGE and self.merge():
            return True
        placement = self.d.place(
            self.c["category"],
            self.f["compound_id"],
            self.f["community_id"],
            self.f["subdistrict_id"],
        )
        if placement.lead is not None and self.rng.random() >= P_MANUAL_DISPATCH:
            self.lead = placement.lead
            self.sim.assign(placement.lead.id, tuple(u.id for u in placement.assisting), self.t)
            self.sim.act(
                Action.AUTO_DISPATCH,
                EventKind.AUTO_DISPATCHED,
                self.t,
                data={
                    "lead": placement.lead.code,
                    "assisting": [u.code for u in placement.assisting],
                    "rule": placement.rule_id,
                    "reason": placement.reason,
                },
            )
            return False
        lead, assisting = self.manual_choice(placement)
        at = self.step(self.later(5 * MIN, 20 * MIN if self.fast else 90 * MIN))
        self.sim.act(
            Action.DISPATCH,
            EventKind.DISPATCHED,
            at,
            actor=self.dispatcher(),
            unit=hotline,
            data={"lead": lead.code, "assisting": [u.code for u in assisting]},
        )
        self.lead = lead
        self.sim.assign(lead.id, tuple(u.id for u in assisting), at)
        return False

    def manual_choice(self, placement: Placement) -> tuple[UnitInfo, tuple[UnitInfo, ...]]:
        if placement.lead is not None:
            return placement.lead, placement.assisting
        office = self.d.units.get(self.d.office_of.get(self.f["subdistrict_id"], 0))
        if office is not None:
            return office, ()
        fallback = self.d.by_code.get("dept-urban") or next(
            u for u in self.d.units.values() if u.kind == Unit.Kind.DEPARTMENT
        )
        return fallback, ()

    def decline(self, *, returned: bool = False) -> None:
        reason = (
            DeclineReason.OTHER_CHANNEL
            if returned
            else self.rng.choices(list(DECLINE_WEIGHTS), weights=list(DECLINE_WEIGHTS.values()))[0]
        )
        at = self.step(self.later(20 * MIN, 6 * H))
        self.sim.act(
            Action.DECLINE,
            EventKind.DECLINED,
            at,
            actor=self.dispatcher(),
            unit=self.d.hotline.id or None,
            note=self.rng.choice(pb.DECLINE_NOTES[reason]),
            data={"reason_code": str(reason)},
        )
        self.f["decline_reason"] = str(reason)

    def merge(self) -> bool:
        """Merge into an earlier order about the same matter at the same place, if one is
        still open to it."""
        at = self.later(10 * MIN, 3 * H)
        for original in reversed(self.earlier):
            if at - original.fields["received_at"] > dt.timedelta(days=4):
                break
            status = original.status_at(at)
            if status in ("", Status.MERGED, Status.DECLINED):
                continue
            if original.events and at < original.events[0].at:
                continue
            at = self.step(at)
            dispatcher, hotline = self.dispatcher(), self.d.hotline.id or None
            self.sim.act(
                Action.MERGE,
                EventKind.MERGED,
                at,
                actor=dispatcher,
                unit=hotline,
                data={"into": original},  # the number is filled in when numbers are known
            )
            self.sim.release(at)
            self.sim.merged_into = original
            from gongzhi.workorders.demo.lifecycle import Ev

            original.insert_event(
                Ev(
                    at,
                    EventKind.MERGED,
                    dispatcher,
                    hotline,
                    status,
                    status,
                    "",
                    {"duplicate": self.sim},
                )
            )
            return True
        return False

    def handle(self) -> None:
        """From dispatch to the callback, with a possible return first."""
        returned = self.lead is not None and self.rng.random() < P_RETURN
        if returned and self.return_and_redispatch():
            return
        self.accept()
        self.contact(first=True)
        self.maybe_unreasonable()
        self.maybe_extension()
        self.maybe_whistle()
        self.resolve()
        self.callbacks()

    def return_and_redispatch(self) -> bool:
        """The lead sends it back as not theirs; the dispatcher declines it or gives it to
        the right unit. True when the order ends declined."""
        assert self.lead is not None
        wrong = self.lead
        right = self.right_unit(wrong)
        at = self.step(self.later(10 * MIN, 40 * MIN) if self.fast else self.later(30 * MIN, 8 * H))
        self.sim.act(
            Action.RETURN,
            EventKind.RETURNED,
            at,
            actor=self.handler(),
            unit=wrong.id,
            note=texts.return_reason(right_unit=right.name, slots=self.c["slots"], rng=self.rng),
            data={"unit": wrong.code},
        )
        self.sim.release(at)
        self.f["lead_unit_id"] = None
        self.lead = None
        if self.rng.random() < P_DECLINE_RETURNED:
            self.decline(returned=True)
            return True
        at = self.step(self.later(5 * MIN, 30 * MIN) if self.fast else self.later(20 * MIN, 5 * H))
        self.sim.act(
            Action.REDISPATCH,
            EventKind.REDISPATCHED,
            at,
            actor=self.dispatcher(),
            unit=self.d.hotline.id or None,
            data={"lead": right.code, "assisting": [], "previous_lead": None},
        )
        self.lead = right
        self.sim.assign(right.id, (), at)
        return False

    def right_unit(self, wrong: UnitInfo) -> UnitInfo:
        """Where a mis-dispatched order really belongs."""
        d = self.d
        candidates = [
            d.units.get(d.committee_of.get(self.f["community_id"], 0)),
            d.units.get(d.office_of.get(self.f["subdistrict_id"], 0)),
            d.by_code.get("dept-urban"),
            d.by_code.get("dept-housing"),
        ]
        for unit in candidates:
            if unit is not None and unit.id != wrong.id:
                return unit
        return next(u for u in d.units.values() if u.id != wrong.id and u.kind == "department")

    def accept(self) -> None:
        at = self.step(
            self.later(5 * MIN, 3 * H) if not self.fast else self.later(2 * MIN, 30 * MIN)
        )
        self.sim.act(
            Action.ACCEPT,
            EventKind.ACCEPTED,
            at,
            actor=self.handler(),
            unit=self.lead.id if self.lead else None,
        )
        self.f["accepted_at"] = at
        self.sim.lead_assignment(Assignment.State.ACCEPTED)

    def contact(self, *, first: bool) -> None:
        due = self.f["contact_due_at"]
        if first and self.rng.random() < self.q.contact_late:
            at = max(self.t, due) + self.rng.uniform(0.5, 30) * H
        else:
            at = self.later(5 * MIN, 2 * H if self.fast else 6 * H)
            if first and at > due - 5 * MIN:
                at = self.t + (due - self.t) * self.rng.uniform(0.2, 0.9)
        at = self.step(at)
        self.sim.act(
            Action.CONTACT,
            EventKind.CONTACTED,
            at,
            actor=self.handler(),
            unit=self.lead.id if self.lead else None,
            note=self.rng.choice(pb.CONTACT_NOTES),
            data={
                "first": first,
                "within_limit": at <= due,
                "round": self.f.get("reopen_count", 0),
            },
        )
        if self.f.get("contacted_at") is None:
            self.f["contacted_at"] = at

    def maybe_unreasonable(self) -> None:
        if self.f.get("excluded_from_scoring") or self.rng.random() >= P_UNREASONABLE:
            return
        self.mark_unreasonable()

    def mark_unreasonable(self) -> None:
        at = self.step(self.later(1 * H, 20 * H))
        reason = self.rng.choice(pb.UNREASONABLE_REASONS)
        actor = self.dispatcher()
        self.sim.act(
            Action.MARK_UNREASONABLE,
            EventKind.MARKED_UNREASONABLE,
            at,
            actor=actor,
            unit=self.d.hotline.id or None,
            note=reason,
        )
        self.f.update(
            excluded_from_scoring=True,
            exclusion_reason=reason,
            excluded_by_id=actor,
            excluded_at=at,
        )

    def maybe_extension(self) -> None:
        if self.rng.random() >= P_EXTENSION or self.lead is None:
            return
        due = self.f["resolve_due_at"]
        at = self.step(self.t + (max(due, self.t + H) - self.t) * self.rng.uniform(0.2, 0.6))
        working_days = self.rng.choice((3, 5, 5, 7, 10))
        reason = self.rng.choice(pb.EXTENSION_REASONS)
        requester = self.handler()
        request = Row(
            ExtensionRequest,
            unit_id=self.lead.id,
            requested_by_id=requester,
            requested_at=at,
            working_days=working_days,
            reason=reason,
        )
        if requester is None:
            return  # a unit without staff cannot ask
        self.sim.act(
            Action.EXTENSION_REQUEST,
            EventKind.EXTENSION_REQUESTED,
            at,
            actor=requester,
            unit=self.lead.id,
            note=reason,
            data={"extension": Ref(request), "working_days": working_days},
        )
        self.sim.extensions.append(request)  # rows are added once their step has happened
        decided = self.step(self.later(2 * H, 24 * H))
        approve = self.rng.random() < P_EXTENSION_APPROVED
        dispatcher = self.dispatcher()
        data: dict[str, Any] = {"extension": Ref(request), "working_days": working_days}
        if approve:
            old = self.f["resolve_due_at"]
            new = sla.extended(old, working_days)
            data["old_due"] = old.astimezone(dt.UTC).isoformat()
            data["new_due"] = iso(new.at)
        # The scan may fire before the decision; act() runs it, then the new deadline applies.
        self.sim.act(
            Action.EXTENSION_DECIDE,
            EventKind.EXTENSION_APPROVED if approve else EventKind.EXTENSION_DENIED,
            decided,
            actor=dispatcher,
            unit=self.d.hotline.id or None,
            data=data,
        )
        request.state = (
            ExtensionRequest.State.APPROVED if approve else ExtensionRequest.State.DENIED
        )
        request.decided_by_id = dispatcher
        request.decided_at = decided
        if approve:
            self.f["resolve_due_at"] = new.at
            self.f["resolve_warn_at"] = sla.warn_time(decided, new.at, sla.resolve_warning_lead())
            self.f["deadline_provisional"] = self.f["deadline_provisional"] or new.provisional
            self.f["extended_days"] = self.f.get("extended_days", 0) + working_days
            if new.at > decided:
                self.f["resolve_warned_at"] = None
                self.f["resolve_overdue_at"] = None
                self.f["overdue"] = False

    def maybe_whistle(self) -> None:
        departments = season.WHISTLE_DEPARTMENTS.get(self.c["top"])
        lead = self.lead
        if (
            not departments
            or lead is None
            or lead.kind != Unit.Kind.SUBDISTRICT_OFFICE
            or self.rng.random() >= P_WHISTLE
        ):
            return
        units = [self.d.by_code[c] for c in departments if c in self.d.by_code]
        units = self.rng.sample(units, k=min(len(units), self.rng.choice((1, 1, 2))))
        if not units:
            return
        at = self.step(self.later(1 * H, 20 * H))
        from django.conf import settings

        report_due = at + dt.timedelta(hours=settings.GONGZHI_WHISTLE_REPORT_HOURS)
        action_due = sla.end_of_working_day_after(
            at, settings.GONGZHI_WHISTLE_ACTION_WORKING_DAYS
        ).at
        caller = self.handler()
        note = self.rng.choice(pb.WHISTLE_NOTES)
        calls = [
            Row(
                WhistleCall,
                state=WhistleCall.State.CALLED,
                department_id=u.id,
                called_by_id=caller,
                caller_unit_id=lead.id,
                called_at=at,
                note=note,
                report_due_at=report_due,
                action_due_at=action_due,
            )
            for u in units
        ]
        if caller is None:
            return
        self.sim.act(
            Action.WHISTLE,
            EventKind.WHISTLE_CALLED,
            at,
            actor=caller,
            unit=lead.id,
            note=note,
            data={"departments": [u.code for u in units]},
        )
        self.sim.whistles.extend(calls)
        start = at
        for call, unit in zip(calls, units, strict=True):
            late = self.rng.random() < 0.1
            reported = (
                start + (self.rng.uniform(2.2, 8) if late else self.rng.uniform(0.2, 1.9)) * H
            )
            person = self.d.actor(unit, self.rng)
            self.step(reported)
            self.sim.note(
                EventKind.WHISTLE_REPORTED,
                self.t,
                actor=person,
                unit=unit.id,
                note=self.rng.choice(pb.WHISTLE_REPORTS),
                data={"call": Ref(call), "in_time": self.t <= report_due},
            )
            call.state, call.reported_at, call.reported_by_id = (
                WhistleCall.State.REPORTED,
                self.t,
                person,
            )
            call.report_note = self.sim.events[-1].note
            acted = self.step(self.later(3 * H, 40 * H))
            action_note = self.rng.choice(pb.WHISTLE_ACTIONS)
            self.sim.note(
                EventKind.WHISTLE_ACTED,
                acted,
                actor=person,
                unit=unit.id,
                note=action_note,
                data={"call": Ref(call), "in_time": acted <= action_due},
            )
            call.state, call.acted_at, call.acted_by_id, call.action_note = (
                WhistleCall.State.ACTED,
                acted,
                person,
                action_note,
            )

    def resolve(self) -> None:
        due = self.f["resolve_due_at"]
        if self.rng.random() < self.q.resolve_late:
            at = max(self.t, due) + self.rng.uniform(4, 12 * 24) * H
        else:
            span = max(due - self.t, 30 * MIN)
            at = self.t + span * self.rng.uniform(0.1, 0.85)
            if not self.fast:
                at = self.office_hours(at)
            if at > due:
                at = self.t + (due - self.t) * self.rng.uniform(0.5, 0.95) if due > self.t else at
        at = self.step(at)
        feedback = texts.feedback(top=self.c["top"], slots=self.c["slots"], rng=self.rng)
        self.sim.act(
            Action.RESOLVE,
            EventKind.RESOLVED,
            at,
            actor=self.handler(),
            unit=self.lead.id if self.lead else None,
            note=feedback,
            data={"within_limit": at <= due, "round": self.f.get("reopen_count", 0)},
        )
        self.f["resolved_at"] = at
        self.f["feedback"] = feedback
        for a in self.sim.assignments:
            if a.released_at is None and a.unit_id == self.f.get("lead_unit_id"):
                a.state = Assignment.State.DONE

    def callbacks(self) -> None:
        """Call the requester back until reached (or give up and close), then close, or
        reopen when the matter is not resolved. Requesters of a re-handled order are harder
        to reach; after the third round nobody calls any more and the order is closed."""
        round_ = self.f.get("reopen_count", 0)
        attempts, unreached = CALLBACK_ROUNDS[min(round_, len(CALLBACK_ROUNDS) - 1)]
        for attempt in range(attempts):
            at = self.step(self.later(3 * H, 40 * H) if attempt == 0 else self.later(4 * H, 26 * H))
            agent = self.agent()
            if agent is None:
                return
            if self.rng.random() < (P_UNREACHED if round_ == 0 and attempt == 0 else unreached):
                row = Row(
                    Callback,
                    at=at,
                    by_id=agent,
                    round=round_,
                    reached=False,
                    note=self.rng.choice(pb.CALLBACK_NOTES["unreached"]),
                )
                self.sim.act(
                    Action.CALLBACK_UNREACHED,
                    EventKind.CALLBACK_UNREACHED,
                    at,
                    actor=agent,
                    unit=self.d.hotline.id or None,
                    note=row.note,
                    data={"callback": Ref(row)},
                )
                self.sim.callbacks.append(row)
                continue
            self.reached(at, agent, round_)
            return
        # Not reached (or not called again): the agent closes the order.
        at = self.step(self.later(1 * H, 24 * H))
        self.close(at, self.agent(), note="多次回访未接通，予以结案" if attempts else "")

    def reached(self, at: dt.datetime, agent: int, round_: int) -> None:
        resolved = self.rng.random() >= (
            self.q.unresolved if round_ == 0 else REHANDLED_UNRESOLVED[min(round_, 2)]
        )
        satisfaction = self.satisfaction(resolved)
        note_key = satisfaction if resolved else "unresolved"
        note = self.rng.choice(pb.CALLBACK_NOTES[note_key])
        row = Row(
            Callback,
            at=at,
            by_id=agent,
            round=round_,
            reached=True,
            resolved=resolved,
            satisfaction=satisfaction,
            note=note,
        )
        hotline = self.d.hotline.id or None
        self.sim.act(
            Action.CALLBACK,
            EventKind.CALLBACK,
            at,
            actor=agent,
            unit=hotline,
            note=note,
            data={
                "callback": Ref(row),
                "resolved": resolved,
                "satisfaction": satisfaction,
                "round": round_,
            },
        )
        self.sim.callbacks.append(row)
        self.f["called_back_at"] = at
        self.f["satisfaction"] = satisfaction
        if not resolved:
            self.reopen(at, agent)
            return
        if self.rng.random() < P_CLOSE_WITH_CALLBACK:
            self.close(at, agent)
        else:
            self.close(self.step(self.later(1 * H, 60 * H)), self.agent())

    def satisfaction(self, resolved: bool) -> str:
        r = self.rng.random()
        if resolved:
            if r < self.q.satisfied:
                return Satisfaction.SATISFIED
            return (
                Satisfaction.BASICALLY
                if r < self.q.satisfied + (1 - self.q.satisfied) * 0.85
                else Satisfaction.UNSATISFIED
            )
        if r < 0.03:
            return Satisfaction.SATISFIED
        return Satisfaction.BASICALLY if r < 0.25 else Satisfaction.UNSATISFIED

    def close(self, at: dt.datetime, agent: int | None, note: str = "") -> None:
        self.sim.act(
            Action.CLOSE,
            EventKind.CLOSED,
            at,
            actor=agent,
            unit=self.d.hotline.id or None,
            note=note,
        )
        self.f["closed_at"] = at

    def reopen(self, at: dt.datetime, agent: int) -> None:
        """重办, as the callback service does when the requester says it is not resolved."""
        due = self.g.deadline(at, self.sim.limits.resolve)
        self.f["reopen_count"] = self.f.get("reopen_count", 0) + 1
        self.sim.act(
            Action.REOPEN,
            EventKind.REOPENED,
            at,
            actor=agent,
            unit=self.d.hotline.id or None,
            note="回访未解决",
            data={"round": self.f["reopen_count"], "resolve_due": iso(due.at), "auto": True},
        )
        self.f.update(
            resolved_at=None,
            closed_at=None,
            resolve_due_at=due.at,
            resolve_warn_at=sla.warn_time(at, due.at, sla.resolve_warning_lead()),
            resolve_warned_at=None,
            resolve_overdue_at=None,
            overdue=False,
            deadline_provisional=self.f["deadline_provisional"] or due.provisional,
        )
        self.sim.lead_assignment(Assignment.State.ACCEPTED)
        self.contact(first=False)
        if (
            self.f["reopen_count"] >= 2
            and not self.f.get("excluded_from_scoring")
            and self.rng.random() < 0.3
        ):
            self.mark_unreasonable()
        self.resolve()
        self.callbacks()
