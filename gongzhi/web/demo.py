"""The demo orchestrator: an ordered list of builders, each app's `demo.build(ctx, progress)`.

`gongzhi demo` runs the builders below in order, each in its own transaction, on whatever
database the settings point at. A builder:

- reads what earlier builders left in `ctx.data` (documented keys, e.g. "places.compounds"),
  or the database;
- writes its rows through `upsert()` (keyed by natural keys: codes, user names, numbers), so
  that running the demo twice with the same seed changes nothing, and a different seed updates
  the same rows in place instead of adding new ones;
- draws every random number from `ctx.rng(<key>)`, so that the result depends only on the seed;
- reports each step through `progress.step(name)`.

A later capability adds its demo with one line in BUILDERS.
"""

from __future__ import annotations

import hashlib
import importlib
import random
import time
import unicodedata
from collections.abc import Callable, Hashable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, Protocol, TypeVar, cast

from django.db import models, transaction
from django.db.models.deletion import ProtectedError
from django.utils.translation import gettext as _

from gongzhi.places.fields import GeometryField

# The builders, in order. Each entry is the dotted path of a `build(ctx, progress)` callable.
BUILDERS: list[str] = [
    "gongzhi.places.demo.build",
    "gongzhi.accounts.demo.build",
    "gongzhi.workorders.taxonomy.build",  # time limits, before the orders that use them
    "gongzhi.workorders.demo.build",
    "gongzhi.dispatch.demo.build",
    "gongzhi.insights.demo.build",  # roll-ups and hotspots of the generated orders
    "gongzhi.deliberation.demo.build",
]

DEFAULT_SEED = 12345


class DemoError(Exception):
    """The demo cannot be built on this database; the message says why and what to do."""

    code = "demo_failed"


@dataclass(frozen=True)
class DemoLogin:
    role: str  # an accounts.models.Role value
    username: str
    where: str  # the unit or place, for the printed list


@dataclass
class DemoContext:
    """What the builders share. `small` builds a few subdistricts only (tests, quick looks)."""

    seed: int = DEFAULT_SEED
    small: bool = False
    data: dict[str, Any] = field(default_factory=dict)
    logins: list[DemoLogin] = field(default_factory=list)
    password: str = ""

    def rng(self, *keys: object) -> random.Random:
        """A random stream of its own for `keys`: adding a stream elsewhere changes nothing here."""
        text = ":".join([str(self.seed), *map(str, keys)])
        digest = hashlib.sha256(text.encode()).digest()
        return random.Random(int.from_bytes(digest[:8], "big"))


class Step:
    def __init__(self, name: str) -> None:
        self.name = name
        self.counts: dict[str, int] = {}
        self.note = ""

    def count(self, label: str, n: int) -> None:
        self.counts[label] = self.counts.get(label, 0) + n


class Progress:
    """Prints one line per step: name, counts, seconds."""

    def __init__(self, write: Callable[[str], None]) -> None:
        self.write = write
        self.steps: list[tuple[str, dict[str, int], float]] = []

    @contextmanager
    def step(self, name: str) -> Iterator[Step]:
        step = Step(name)
        started = time.perf_counter()
        yield step
        seconds = time.perf_counter() - started
        self.steps.append((name, step.counts, seconds))
        counts = " · ".join(f"{label} {n:,}" for label, n in step.counts.items())
        parts = [p for p in (counts, step.note) if p]
        self.write(f"  {pad(name, 10)} {pad('  '.join(parts), 64)} {seconds:5.1f} s")


def pad(text: str, width: int) -> str:
    """`text` padded to `width` terminal columns (a Chinese character takes two)."""
    used = sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)
    return text + " " * max(0, width - used)


class Builder(Protocol):
    def __call__(self, ctx: DemoContext, progress: Progress) -> None: ...


def builders() -> list[Builder]:
    found = []
    for dotted in BUILDERS:
        module, _sep, name = dotted.rpartition(".")
        found.append(getattr(importlib.import_module(module), name))
    return found


def demo_build(*, ctx: DemoContext, progress: Progress) -> DemoContext:
    """Run every builder in order, each in one transaction. Idempotent for a given seed."""
    for build in builders():
        with transaction.atomic():
            build(ctx, progress)
    return ctx


# --- Writing rows: upsert by natural key --------------------------------------------------

M = TypeVar("M", bound=models.Model)


@dataclass
class Synced:
    created: int = 0
    updated: int = 0
    deleted: int = 0
    unchanged: int = 0

    def report(self, step: Step, label: str) -> None:
        step.count(label, self.created + self.updated + self.unchanged)
        changes = [
            f"{what} {n:,}"
            for what, n in (
                (_("新增"), self.created),
                (_("更新"), self.updated),
                (_("删除"), self.deleted),
            )
            if n
        ]
        if changes:
            step.note = " ".join([step.note, f"({label}: {', '.join(changes)})"]).strip()


def _comparable(obj: models.Model, fields: Sequence[models.Field]) -> tuple[Any, ...]:
    """The values as the database will hold them: geometry as its (rounded) WKT text."""
    return tuple(
        f.get_prep_value(getattr(obj, f.attname))
        if isinstance(f, GeometryField)
        else getattr(obj, f.attname)
        for f in fields
    )


def upsert(
    model: type[M],
    *,
    rows: Iterable[M],
    key: Callable[[M], Hashable],
    existing: Iterable[M],
    fields: Sequence[str],
    prune: bool = False,
    batch_size: int = 2000,
) -> tuple[dict[Hashable, M], Synced]:
    """Make the rows in `existing` (a queryset, or rows already read) match the planned `rows`,
    matched by `key`.

    Creates the missing rows, updates `fields` where they differ, and with `prune` deletes the
    rows of `existing` that the plan no longer has. Returns the saved rows by key (with
    primary keys) and the counts. One query per batch, never one per row.
    """
    meta_fields = [cast(models.Field, model._meta.get_field(name)) for name in fields]
    current: dict[Hashable, M] = {key(obj): obj for obj in existing}
    saved: dict[Hashable, M] = {}
    to_create: list[M] = []
    to_update: list[M] = []
    synced = Synced()
    for row in rows:
        k = key(row)
        if k in saved:
            raise ValueError(f"{model.__name__}: the plan has {k!r} twice")
        old = current.get(k)
        if old is None:
            to_create.append(row)
            saved[k] = row
            continue
        if _comparable(old, meta_fields) != _comparable(row, meta_fields):
            for f in meta_fields:
                setattr(old, f.attname, getattr(row, f.attname))
            to_update.append(old)
        else:
            synced.unchanged += 1
        saved[k] = old
    stale = [obj.pk for k, obj in current.items() if k not in saved]
    if prune and stale:
        try:
            for i in range(0, len(stale), batch_size):
                model._default_manager.filter(pk__in=stale[i : i + batch_size]).delete()
        except ProtectedError as exc:
            raise DemoError(
                _(
                    "数据库里已有按其他种子生成的演示数据（%(model)s），且已被其他数据引用，"
                    "无法替换：请用原来的 --seed 运行，或加 --reset 清空数据库后重建。"
                )
                % {"model": model._meta.verbose_name}
            ) from exc
        synced.deleted = len(stale)
    if to_update:
        model._default_manager.bulk_update(to_update, list(fields), batch_size=batch_size)
    if to_create:
        model._default_manager.bulk_create(to_create, batch_size=batch_size)
    synced.created = len(to_create)
    synced.updated = len(to_update)
    return saved, synced


def sync_links(
    through: type[models.Model],
    *,
    left: str,
    right: str,
    pairs: set[tuple[int, int]],
    existing: models.QuerySet[Any],
) -> Synced:
    """Make the many-to-many rows in `existing` (a `through` queryset) exactly `pairs`."""
    current = {(a, b): pk for pk, a, b in existing.values_list("pk", f"{left}_id", f"{right}_id")}
    missing = pairs - current.keys()
    stale = [pk for pair, pk in current.items() if pair not in pairs]
    if stale:
        through._default_manager.filter(pk__in=stale).delete()
    through._default_manager.bulk_create(
        [through(**{f"{left}_id": a, f"{right}_id": b}) for a, b in sorted(missing)],
        batch_size=2000,
    )
    return Synced(created=len(missing), deleted=len(stale), unchanged=len(current) - len(stale))
