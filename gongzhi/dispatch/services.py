"""State changes of dispatch intelligence: the model registry and retraining.

The per-order writes (suggestions, duplicate links, feedback) happen inside the work-order
services' transactions (suggest.advice_rows, written with the new order by intake;
suggest.advice_record; feedback.feedback_on_dispatch); the registry changes here.
"""

from __future__ import annotations

import datetime as dt
import random
from collections import defaultdict
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from gongzhi.accounts.models import Person
from gongzhi.dispatch.feedback import training_rows
from gongzhi.dispatch.models import ModelArtifact
from gongzhi.dispatch.suggest import invalidate_model

__all__ = [
    "ModelError",
    "artifact_activate",
    "artifact_register",
    "model_retrain",
    "sample_rows",
]


class ModelError(Exception):
    """A model artifact cannot be registered or trained; `code` is stable."""

    def __init__(self, message: str, *, code: str) -> None:
        super().__init__(message)
        self.code = code


def _stored_path(path: Path) -> str:
    """Paths under DATA_DIR are kept relative to it (the data directory may move)."""
    path = path.resolve()
    try:
        return str(path.relative_to(Path(settings.DATA_DIR).resolve()))
    except ValueError:
        return str(path)


@transaction.atomic
def artifact_register(
    *,
    path: str | Path,
    by: Person | None = None,
    activate: bool = False,
    extra: dict[str, Any] | None = None,
    at: dt.datetime | None = None,
) -> ModelArtifact:
    """Enter a trained classifier file in the registry (reading its metadata from the file,
    which must load: ModelError `not_an_artifact` otherwise), and activate it if asked.
    Idempotent per version: the same artifact registered again returns its row. `extra` is
    merged into the stored metadata (where it came from, what it was trained on)."""
    from gongzhi.dispatch.classifier import ArtifactError, CategoryClassifier

    path = Path(path)
    try:
        model = CategoryClassifier.load(path)
    except (OSError, ArtifactError) as exc:
        raise ModelError(f"{path}: {exc}", code="not_an_artifact") from exc
    version = str(model.metadata.get("version") or "")
    if not version:
        raise ModelError(f"{path}: the artifact has no version", code="not_an_artifact")
    now = at or timezone.now()
    artifact, _created = ModelArtifact.objects.get_or_create(
        version=version,
        defaults={
            "path": _stored_path(path),
            "metadata": {**model.metadata, **(extra or {})},
            "registered_at": now,
            "registered_by": by,
        },
    )
    if activate:
        artifact = artifact_activate(artifact=artifact, at=now)
    return artifact


@transaction.atomic
def artifact_activate(*, artifact: ModelArtifact, at: dt.datetime | None = None) -> ModelArtifact:
    """Make `artifact` the one intake uses (the previous one is deactivated). Locks the active
    rows; this process switches at once after commit, others within
    GONGZHI_CLASSIFIER_CHECK_SECONDS."""
    locked = list(ModelArtifact.objects.select_for_update().filter(active=True))
    target = ModelArtifact.objects.select_for_update().get(pk=artifact.pk)
    if target.active:
        return target
    for row in locked:
        row.active = False
        row.save(update_fields=["active"])
    target.active = True
    target.activated_at = at or timezone.now()
    target.save(update_fields=["active", "activated_at"])
    transaction.on_commit(invalidate_model)
    return target


def sample_rows(
    rows: Iterable[tuple[str, str]], *, per_category: int | None, seed: int = 0
) -> list[tuple[str, str]]:
    """At most `per_category` rows of each category (the newest are last in `rows`, so the
    sample keeps them first), in a seeded shuffled order. None keeps everything."""
    by_category: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for row in rows:
        by_category[row[0]].append(row)
    picked: list[tuple[str, str]] = []
    for category in sorted(by_category):
        group = by_category[category]
        picked += group if per_category is None else group[-per_category:]
    random.Random(seed).shuffle(picked)
    return picked


def model_retrain(
    *,
    out: str | Path | None = None,
    activate: bool = False,
    by: Person | None = None,
    since: dt.datetime | None = None,
    per_category: int | None = None,
    level: str = "top",
    n_jobs: int = 2,
) -> ModelArtifact:
    """Train a classifier on the deployment's own orders (feedback.training_rows: settled and
    corrected orders, with their current category, or its top-level one for `level` "top" —
    the default: tens of leaf categories make training minutes instead of seconds, and a
    top-level prediction agrees with the leaf the operator picks), write it to `out` (default
    GONGZHI_MODEL_DIR/<version>.joblib), register it, and activate it if asked. ModelError
    `too_few_orders` when fewer than two categories have two orders each."""
    from gongzhi.dispatch.classifier import CategoryClassifier

    rows = sample_rows(training_rows(since=since, level=level), per_category=per_category)
    if len({category for category, _text in rows}) < 2:
        raise ModelError(
            "too few settled orders to train on (need two categories with two orders each)",
            code="too_few_orders",
        )
    model = CategoryClassifier(n_jobs=n_jobs).fit(
        [text for _c, text in rows], [category for category, _t in rows]
    )
    version = model.metadata["version"]
    target = Path(out) if out else Path(settings.GONGZHI_MODEL_DIR) / f"{version}.joblib"
    model.save(target)
    return artifact_register(
        path=target,
        by=by,
        activate=activate,
        extra={"source": "orders", "level": level, "per_category": per_category},
    )
