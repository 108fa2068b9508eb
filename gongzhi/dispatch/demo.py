"""The demo's dispatch intelligence: a classifier trained on the demo's own orders at build time.

`build(ctx, progress)` runs after the work-order builder (gongzhi/web/demo.py BUILDERS): it takes
the generated orders' (top-level category, text) rows the way retraining does
(feedback.training_rows), at most PER_CATEGORY of each category (a few seconds of training;
the leaf categories would take minutes), trains the classifier, writes it under
GONGZHI_MODEL_DIR, registers it and makes it the active artifact; then it adds suggestions (and
duplicate links) to the orders waiting on the dispatcher's desk, which the generator wrote
without them. The demo never reads shared data: its model knows only the demo's texts.

Idempotent: the rows' digest is kept with the artifact; a re-run with the same rows activates
the artifact already trained on them (if its file is still there) instead of training again, and
only orders without a suggestion get one.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import TYPE_CHECKING

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from gongzhi.dispatch.feedback import training_rows
from gongzhi.dispatch.models import Decision, ModelArtifact, OrderSuggestion
from gongzhi.dispatch.services import artifact_activate, artifact_register, sample_rows
from gongzhi.dispatch.suggest import advice_record, advise, invalidate_model
from gongzhi.workorders.models import Status, WorkOrder

if TYPE_CHECKING:
    from gongzhi.web.demo import DemoContext, Progress

#: Orders per category the demo model learns from (keeps training to a few seconds).
PER_CATEGORY = 25
#: At most this many waiting orders get a suggestion after the fact.
BACKFILL = 300


def _digest(rows: list[tuple[str, str]]) -> str:
    digest = hashlib.sha256()
    for category, text in rows:
        digest.update(f"{category}\t{text}\n".encode())
    return digest.hexdigest()


def build(ctx: DemoContext, progress: Progress) -> None:
    from gongzhi.dispatch.classifier import CategoryClassifier

    with progress.step(_("派单模型")) as step:
        rows = sample_rows(training_rows(level="top"), per_category=PER_CATEGORY, seed=ctx.seed)
        if len({category for category, _t in rows}) < 2:
            step.note = _("工单太少，未训练")
            return
        digest = _digest(rows)
        artifact = next(
            (
                a
                for a in ModelArtifact.objects.filter(metadata__source_sha256=digest)
                if Path(settings.DATA_DIR, a.path).exists()
            ),
            None,
        )
        if artifact is None:
            model = CategoryClassifier(n_jobs=2).fit(
                [text for _c, text in rows], [category for category, _t in rows]
            )
            path = Path(settings.GONGZHI_MODEL_DIR) / f"demo-{model.metadata['version']}.joblib"
            model.save(path)
            artifact = artifact_register(
                path=path,
                extra={
                    "source": "demo-orders",
                    "source_sha256": digest,
                    "per_category": PER_CATEGORY,
                },
            )
            step.note = _("训练 %(s).1f 秒") % {"s": model.metadata["train_seconds"]}
        else:
            step.note = _("沿用已训练的模型")
        artifact_activate(artifact=artifact)
        invalidate_model()
        step.count(_("训练工单"), len(rows))
        step.count(_("类别"), len(artifact.metadata.get("labels", [])))
        ctx.data["dispatch.model_version"] = artifact.version

    with progress.step(_("派单建议")) as step:
        waiting = (
            WorkOrder.objects.filter(
                status__in=(Status.RECEIVED, Status.RETURNED), dispatch_suggestion__isnull=True
            )
            .select_related("category")
            .order_by("-received_at")[:BACKFILL]
        )
        now = timezone.now()
        done = 0
        for order in waiting:
            source = "operator" if order.compound_id or order.community_id else ""
            advice = advise(
                text=order.description,
                address=order.address,
                lng=order.lng,
                lat=order.lat,
                place_source=source,
            )
            if advice_record(
                order=order,
                advice=advice,
                wanted=False,
                matrix=None,
                at=now,
                decision=Decision.LATER,
            ):
                done += 1
        step.count(_("补充建议"), done)
        step.count(_("待派工单"), OrderSuggestion.objects.count())
