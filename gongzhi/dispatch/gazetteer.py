"""Places named in free text (地名识别): a gazetteer built from the place registry.

Every compound, community and subdistrict name goes in with the short forms people use for it
(华贸中心社区 → 华贸中心, 八里庄街道 → 八里庄, 永安里小区 → 永安里, 幸福家园 → 幸福家园小区), and
so do the roads of the compounds' addresses and the addresses themselves (八里庄东路12号院 names
one compound). Text and names are folded the same way, character by character, with
gongzhi.dispatch.textnorm (traditional → simplified, full-width → half-width) plus lower case,
so that spans in the folded text are spans in the original.

Matching is one pass of an Aho–Corasick automaton (written here: the registry has a few
thousand names, a pure-Python automaton is built in a fraction of a second and finds every
occurrence in time linear in the text), then the longest non-overlapping occurrences win.

A name can belong to several places (two compounds called 幸福家园 in different communities, a
road that runs through three communities). Such a match is settled, in this order, by the
requester's coordinates (the candidate containing the point, else the nearest), by the other
places the same text names (幸福家园 in a text that also says 八里庄街道), or, when the
candidates lie inside one another, by the one that contains the rest; otherwise it stays
ambiguous and its candidates are returned.

The gazetteer is built once per process and rebuilt whenever places.locate rebuilds its index
(after `locate.invalidate()` or its TTL), or after `invalidate()` here.
"""

from __future__ import annotations

import hashlib
import itertools
import math
import re
import threading
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, replace
from functools import lru_cache

from gongzhi.dispatch.textnorm import normalise
from gongzhi.places import locate
from gongzhi.places.models import Community, Compound, District, Subdistrict

__all__ = [
    "Gazetteer",
    "PlaceMatch",
    "PlaceRef",
    "best_place",
    "find_places",
    "fold",
    "gazetteer",
    "invalidate",
]

# Levels, most specific first (the order best_place prefers).
COMPOUND, COMMUNITY, ROAD, SUBDISTRICT = "compound", "community", "road", "subdistrict"
_DEPTH = {SUBDISTRICT: 0, ROAD: 1, COMMUNITY: 1, COMPOUND: 2}

# How much a form of a name says, before any ambiguity is settled.
FULL_NAME = 0.95
ADDRESS = 0.98
SHORT_FORM = 0.8
ROAD_NAME = 0.6
# …and how much settling an ambiguity costs.
_SETTLED = {"unique": 1.0, "coordinates": 1.0, "nearest": 0.8, "context": 0.9, "nested": 0.9}

_SUFFIXES_COMMUNITY = ("社区居委会", "村委会", "居委会", "社区", "村")
_SUFFIXES_SUBDISTRICT = ("街道办事处", "街道", "地区办事处", "地区", "乡")
# Compounds called …家园 are also written …家园小区, and …小区 is often dropped.
_TAKES_XIAOQU = ("家园", "花园", "嘉园", "佳园", "园", "苑", "里", "院", "新村", "公寓")
# Short forms that say nothing on their own.
# fmt: off
_GENERIC = frozenset((
    "中心", "东区", "西区", "南区", "北区", "中区", "一区", "二区", "三区",
    "四区", "小区", "新村", "家园", "花园", "社区", "北京", "北京市", "公寓",
    "大院", "宿舍", "东里", "西里", "南里", "北里", "中里",
))
# fmt: on
_ANY_DISTRICT = re.compile(r"^[\u4e00-\u9fff]{2,3}区(?=[\u4e00-\u9fff]{2})")
_ROAD = re.compile(
    r"([\u4e00-\u9fff]{2,12}?(?:大街|东街|西街|南街|北街|胡同|路|街|巷|道))(\d+)号(院?)"
)


@lru_cache(maxsize=16384)
def _fold_char(ch: str) -> str:
    out = normalise(ch)
    if len(out) == 1:
        return out.lower()
    return " " if ch.isspace() else ch.lower()  # normalise() trims a lone space to nothing


def fold(text: str) -> str:
    """``text`` folded for matching, one character for one (spans carry over to the original)."""
    return "".join(map(_fold_char, text))


@dataclass(frozen=True)
class PlaceRef:
    """One place a name can mean. `lng`/`lat` (WGS-84) place it for the nearest-candidate rule."""

    level: str
    name: str
    compound_id: int | None
    community_id: int | None
    subdistrict_id: int | None
    lng: float | None = None
    lat: float | None = None
    within: str = ""  # the community of a compound, the subdistrict of a community or road

    @property
    def key(self) -> tuple[str, int | None, int | None, int | None]:
        return (self.level, self.compound_id, self.community_id, self.subdistrict_id)

    def contains(self, other: PlaceRef) -> bool:
        """Whether `other` lies inside this place (a compound in its community, …)."""
        if self.key == other.key:
            return False
        if self.level == SUBDISTRICT:
            return other.subdistrict_id == self.subdistrict_id and other.level != SUBDISTRICT
        if self.level in (COMMUNITY, ROAD):
            return other.level == COMPOUND and other.community_id == self.community_id
        return False

    def as_dict(self) -> dict[str, object]:
        return {
            "level": self.level,
            "name": self.name,
            "compound_id": self.compound_id,
            "community_id": self.community_id,
            "subdistrict_id": self.subdistrict_id,
            "within": self.within,
        }


@dataclass(frozen=True)
class PlaceMatch:
    """A place name found in a text.

    `start`/`end` index the original text; `place` is the settled place (None while ambiguous)
    and `settled_by` says how: "unique", "coordinates" (contains the point), "nearest",
    "context" (agrees with the other places named), "nested" (contains the other candidates).
    `candidates` are every place the name can mean.
    """

    start: int
    end: int
    text: str
    place: PlaceRef | None
    confidence: float
    settled_by: str
    candidates: tuple[PlaceRef, ...] = field(default=())

    @property
    def ambiguous(self) -> bool:
        return self.place is None

    @property
    def level(self) -> str | None:
        return self.place.level if self.place is not None else None

    def as_dict(self) -> dict[str, object]:
        return {
            "span": [self.start, self.end],
            "text": self.text,
            "place": self.place.as_dict() if self.place is not None else None,
            "confidence": round(self.confidence, 3),
            "settled_by": self.settled_by,
            "candidates": [c.as_dict() for c in self.candidates],
        }


# --- the automaton ----------------------------------------------------------------------------


class _Automaton:
    """Aho–Corasick over folded patterns: `scan(text)` yields (start, end, pattern index) for
    every occurrence of every pattern."""

    def __init__(self, patterns: list[str]) -> None:
        goto: list[dict[str, int]] = [{}]
        ends: list[list[int]] = [[]]
        for index, pattern in enumerate(patterns):
            state = 0
            for ch in pattern:
                nxt = goto[state].get(ch)
                if nxt is None:
                    nxt = len(goto)
                    goto[state][ch] = nxt
                    goto.append({})
                    ends.append([])
                state = nxt
            ends[state].append(index)
        fail = [0] * len(goto)
        out: list[tuple[int, ...]] = [()] * len(goto)
        queue = list(goto[0].values())
        for child in queue:
            out[child] = tuple(ends[child])
        head = 0
        while head < len(queue):  # breadth first: a state's fail link is shallower than it
            state = queue[head]
            head += 1
            for ch, child in goto[state].items():
                back = fail[state]
                while back and ch not in goto[back]:
                    back = fail[back]
                target = goto[back].get(ch, 0)
                fail[child] = target if target != child else 0
                out[child] = tuple(ends[child]) + out[fail[child]]
                queue.append(child)
        self._goto, self._fail, self._out = goto, fail, out
        self._lengths = [len(p) for p in patterns]

    def scan(self, text: str) -> Iterator[tuple[int, int, int]]:
        goto, fail, out, lengths = self._goto, self._fail, self._out, self._lengths
        state = 0
        for i, ch in enumerate(text):
            while state and ch not in goto[state]:
                state = fail[state]
            state = goto[state].get(ch, 0)
            for index in out[state]:
                yield i + 1 - lengths[index], i + 1, index

    @property
    def states(self) -> int:
        return len(self._goto)


# --- building from the registry --------------------------------------------------------------


def _strip(name: str, suffixes: Iterable[str]) -> str | None:
    for suffix in suffixes:
        if name.endswith(suffix) and len(name) - len(suffix) >= 2:
            return name[: -len(suffix)]
    return None


def _centre(area: object) -> tuple[float | None, float | None]:
    point = getattr(area, "representative_point", None)
    if point is None:
        return None, None
    p = point()
    return float(p.x), float(p.y)


class Gazetteer:
    """The registry's names as one automaton. Build with `Gazetteer.from_registry()` (reads the
    database) or `Gazetteer(entries)` from (form, place, confidence) triples."""

    def __init__(self, entries: Iterable[tuple[str, PlaceRef, float]], stop: Iterable[str] = ()):
        entries, stop = list(entries), sorted(stop)
        self.digest = _digest(entries, stop)
        stopped = {fold(s) for s in stop}
        forms: dict[str, dict[tuple[object, ...], tuple[PlaceRef, float]]] = {}
        for form, place, confidence in entries:
            key = fold(form)
            if len(key) < 2 or (key in stopped and confidence < FULL_NAME):
                continue
            seen = forms.setdefault(key, {})
            old = seen.get(place.key)
            if old is None or old[1] < confidence:
                seen[place.key] = (place, confidence)
        self.forms = list(forms)
        self.meanings: list[tuple[tuple[PlaceRef, float], ...]] = [
            tuple(forms[f].values()) for f in self.forms
        ]
        self._automaton = _Automaton(self.forms)

    @classmethod
    def from_registry(cls) -> Gazetteer:
        return cls(*_registry())

    @property
    def size(self) -> int:
        """How many distinct folded forms the automaton holds."""
        return len(self.forms)

    # --- finding ------------------------------------------------------------------------------

    def _occurrences(self, folded: str) -> list[tuple[int, int, int]]:
        """The longest non-overlapping occurrences, in text order."""
        hits = sorted(self._automaton.scan(folded), key=lambda h: (h[0] - h[1], h[0]))
        taken: list[tuple[int, int, int]] = []
        used = bytearray(len(folded))
        for start, end, index in hits:
            if any(used[start:end]):
                continue
            used[start:end] = b"\x01" * (end - start)
            taken.append((start, end, index))
        taken.sort()
        return taken

    def find(
        self, text: str, *, lng: float | None = None, lat: float | None = None
    ) -> list[PlaceMatch]:
        """Every place named in `text`, in text order, settled where possible (see the module's
        docstring). `lng`/`lat` are the requester's WGS-84 coordinates, if known."""
        if not text:
            return []
        matches: list[PlaceMatch] = []
        for start, end, index in self._occurrences(fold(text)):
            meanings = self.meanings[index]
            candidates = tuple(place for place, _c in meanings)
            confidence = max(c for _p, c in meanings)
            place, how = (candidates[0], "unique") if len(candidates) == 1 else (None, "")
            matches.append(
                PlaceMatch(start, end, text[start:end], place, confidence, how, candidates)
            )
        if lng is not None and lat is not None:
            matches = [_by_point(m, lng, lat) if m.ambiguous else m for m in matches]
        settled = [m.place for m in matches if m.place is not None]
        matches = [_by_context(m, settled) if m.ambiguous else m for m in matches]
        return [_by_nesting(m) if m.ambiguous else m for m in matches]


Entry = tuple[str, PlaceRef, float]


def _digest(entries: list[Entry], stop: list[str]) -> str:
    """What a gazetteer is built from, in one string: equal digests, equal gazetteers."""
    return hashlib.sha256(repr((entries, stop)).encode()).hexdigest()


def _registry() -> tuple[list[Entry], set[str]]:
    """The registry's names, their short forms, addresses and roads as (form, place,
    confidence), and the words never to match on their own. Four queries."""
    entries: list[tuple[str, PlaceRef, float]] = []
    stop = set(_GENERIC)
    for name in District.objects.values_list("name", flat=True):
        stop.update({name, name.removesuffix("区"), "北京市" + name})

    subdistricts: dict[int, PlaceRef] = {}
    for sid, name, area in Subdistrict.objects.values_list("id", "name", "area"):
        lng, lat = _centre(area)
        ref = PlaceRef(SUBDISTRICT, name, None, None, sid, lng, lat)
        subdistricts[sid] = ref
        entries.append((name, ref, FULL_NAME))
        short = _strip(name, _SUFFIXES_SUBDISTRICT)
        if short:
            entries.append((short, ref, SHORT_FORM))

    communities: dict[int, PlaceRef] = {}
    rows = Community.objects.values_list(
        "id", "name", "official_name", "subdistrict_id", "lng", "lat", "area"
    )
    for cid, name, official, sid, lng, lat, area in rows:
        if lng is None or lat is None:
            lng, lat = _centre(area)
        within = subdistricts[sid].name if sid in subdistricts else ""
        ref = PlaceRef(COMMUNITY, name, None, cid, sid, lng, lat, within)
        communities[cid] = ref
        for full in dict.fromkeys(n for n in (name, official) if n):
            entries.append((full, ref, FULL_NAME))
            short = _strip(full, _SUFFIXES_COMMUNITY)
            if short:
                entries.append((short, ref, SHORT_FORM))

    roads: dict[str, set[int]] = {}
    district_names = sorted((s for s in stop if s.endswith("区")), key=len, reverse=True)
    rows_k = Compound.objects.values_list("id", "name", "address", "community_id", "lng", "lat")
    for kid, name, address, cid, lng, lat in rows_k:
        community = communities.get(cid)
        if community is None:
            continue
        ref = PlaceRef(COMPOUND, name, kid, cid, community.subdistrict_id, lng, lat, community.name)
        entries.append((name, ref, FULL_NAME))
        short = _strip(name, ("小区",))
        if short:
            entries.append((short, ref, SHORT_FORM))
        elif name.endswith(_TAKES_XIAOQU):
            entries.append((name + "小区", ref, FULL_NAME))
        rest = address.removeprefix("北京市")
        for district in district_names:
            rest = rest.removeprefix(district)
        found = _ROAD.match(_ANY_DISTRICT.sub("", rest, count=1))
        if found:
            road, number, yard = found.groups()
            entries.append((f"{road}{number}号{yard}", ref, ADDRESS))
            if yard:
                entries.append((f"{road}{number}号", ref, ADDRESS))
            roads.setdefault(road, set()).add(cid)
    for road, community_ids in roads.items():
        for cid in community_ids:
            c = communities[cid]
            ref = PlaceRef(ROAD, road, None, cid, c.subdistrict_id, c.lng, c.lat, c.name)
            entries.append((road, ref, ROAD_NAME))
    return entries, stop


def _settle(match: PlaceMatch, place: PlaceRef, how: str) -> PlaceMatch:
    return replace(match, place=place, settled_by=how, confidence=match.confidence * _SETTLED[how])


def _deepest(places: list[PlaceRef]) -> PlaceRef | None:
    """The one place inside all the others, if they form a chain."""
    places = sorted(places, key=lambda p: _DEPTH[p.level])
    if all(outer.contains(inner) for outer, inner in itertools.pairwise(places)):
        return places[-1]
    return None


def _by_point(match: PlaceMatch, lng: float, lat: float) -> PlaceMatch:
    here = locate.locate(lng, lat)
    contains = {
        COMPOUND: lambda c: here.compound_id is not None and c.compound_id == here.compound_id,
        COMMUNITY: lambda c: here.community_id is not None and c.community_id == here.community_id,
        SUBDISTRICT: lambda c: (
            here.subdistrict_id is not None and c.subdistrict_id == here.subdistrict_id
        ),
    }
    contains[ROAD] = contains[COMMUNITY]
    inside = [c for c in match.candidates if contains[c.level](c)]
    if inside:
        chosen = _deepest(inside) if len(inside) > 1 else inside[0]
        if chosen is not None:
            return _settle(match, chosen, "coordinates")
    placed = [c for c in match.candidates if c.lng is not None and c.lat is not None]
    if not placed:
        return match
    scale = math.cos(math.radians(lat))

    def distance(c: PlaceRef) -> float:
        return math.hypot((c.lng - lng) * scale, c.lat - lat)  # type: ignore[operator]

    ranked = sorted(placed, key=distance)
    if len(ranked) > 1 and math.isclose(distance(ranked[0]), distance(ranked[1])):
        return match
    return _settle(match, ranked[0], "nearest")


def _agrees(candidate: PlaceRef, other: PlaceRef) -> bool:
    if candidate.key == other.key:
        return False
    if other.level == COMPOUND:
        return candidate.compound_id == other.compound_id or (
            candidate.level != COMPOUND and candidate.community_id == other.community_id
        )
    if other.level in (COMMUNITY, ROAD):
        return candidate.community_id == other.community_id
    return candidate.subdistrict_id == other.subdistrict_id


def _by_context(match: PlaceMatch, settled: list[PlaceRef]) -> PlaceMatch:
    if not settled:
        return match
    agreeing = [c for c in match.candidates if any(_agrees(c, other) for other in settled)]
    if len(agreeing) == 1:
        return _settle(match, agreeing[0], "context")
    return match


def _by_nesting(match: PlaceMatch) -> PlaceMatch:
    """Candidates inside one another (永安里: the community and its compound 永安里小区): the
    outermost is right whichever was meant."""
    ordered = sorted(match.candidates, key=lambda p: _DEPTH[p.level])
    outer = ordered[0]
    if all(outer.contains(inner) for inner in ordered[1:]):
        return _settle(match, outer, "nested")
    return match


def best_place(matches: Iterable[PlaceMatch]) -> PlaceMatch | None:
    """The most specific settled place of a text (a compound over a community over a road over a
    subdistrict), the more confident first, then the earliest."""
    settled = [m for m in matches if m.place is not None]
    if not settled:
        return None
    return min(
        settled,
        key=lambda m: (-_DEPTH[m.place.level], m.place.level == ROAD, -m.confidence, m.start),  # type: ignore[union-attr]
    )


# --- the process's gazetteer -----------------------------------------------------------------

_lock = threading.Lock()
_built: tuple[object, Gazetteer] | None = None


def gazetteer() -> Gazetteer:
    """This process's gazetteer. When places.locate's index is rebuilt (after an invalidation,
    or its TTL) the registry is read again, and the automaton rebuilt only if the names differ
    (reading takes a fraction of what building takes)."""
    global _built
    index = locate.place_index()
    with _lock:
        if _built is None or _built[0] is not index:
            entries, stop = _registry()
            previous = _built[1] if _built is not None else None
            if previous is not None and previous.digest == _digest(entries, sorted(stop)):
                _built = (index, previous)
            else:
                _built = (index, Gazetteer(entries, stop))
        return _built[1]


def invalidate() -> None:
    """Forget the gazetteer; the next lookup rebuilds it (locate.invalidate() does too)."""
    global _built
    with _lock:
        _built = None


def find_places(
    text: str, *, lng: float | None = None, lat: float | None = None
) -> list[PlaceMatch]:
    """The places named in `text` (see Gazetteer.find), with this process's gazetteer."""
    return gazetteer().find(text, lng=lng, lat=lat)
