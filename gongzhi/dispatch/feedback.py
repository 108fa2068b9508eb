"""Training feedback: every dispatcher correction of a suggestion, and the deployment's own
orders as a training table.

`feedback_on_dispatch()` is called by the dispatcher's services (workorders.services.handling:
workorder_dispatch, workorder_redispatch) in their transaction, after the order has its unit
and category: when the model had suggested another category, or the matrix another lead unit
for it, the correction is kept (TrainingFeedback). Automatic dispatches are not corrections.

`training_rows()` is what `gongzhi classifier_orders_export` writes and `gongzhi dispatch_model
retrain` trains on: (category code, text) of the orders whose category a person has stood by —
resolved (办结) or later, or corrected by a dispatcher — with the category they have now (a
corrected order carries the corrected category).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterator

from django.db.models import Count, Q

from gongzhi.accounts.models import Person
from gongzhi.dispatch.models import OrderSuggestion, TrainingFeedback
from gongzhi.workorders.models import Category, Status, WorkOrder

__all__ = ["LEVELS", "TRAINING_STATUSES", "feedback_on_dispatch", "training_rows"]

#: Orders whose category is settled: handled to the end (merged and declined ones are not).
TRAINING_STATUSES = (Status.RESOLVED, Status.CALLED_BACK, Status.CLOSED)


def feedback_on_dispatch(
    *, order: WorkOrder, by: Person, at: dt.datetime
) -> TrainingFeedback | None:
    """Keep the dispatcher's correction of the order's suggestion, if the order (locked and
    dispatched by `by`) now has another category or lead unit than suggested. One read; one
    write when there is a correction. Returns the feedback row or None."""
    suggestion = (
        OrderSuggestion.objects.filter(order_id=order.pk)
        .exclude(model_version="")
        .values("category_id", "unit_id", "confidence", "model_version")
        .first()
    )
    if suggestion is None:
        return None
    predicted_category = suggestion["category_id"]
    predicted_unit = suggestion["unit_id"]
    # A category the dispatcher kept under the predicted one (电梯故障 under a predicted
    # 物业管理) agrees with it.
    category_changed = (
        predicted_category is not None and predicted_category not in order.category.lineage_ids()
    )
    unit_changed = predicted_unit is not None and predicted_unit != order.lead_unit_id
    if not (category_changed or unit_changed):
        return None
    kind = (
        TrainingFeedback.Kind.BOTH
        if category_changed and unit_changed
        else TrainingFeedback.Kind.CATEGORY
        if category_changed
        else TrainingFeedback.Kind.UNIT
    )
    return TrainingFeedback.objects.create(
        order=order,
        kind=kind,
        predicted_category_id=predicted_category,
        chosen_category_id=order.category_id,
        predicted_unit_id=predicted_unit,
        chosen_unit_id=order.lead_unit_id,
        confidence=suggestion["confidence"],
        model_version=suggestion["model_version"],
        by=by,
        at=at,
    )


#: Labels a training table can carry: the orders' own categories, or their top-level ones.
LEVELS = ("top", "leaf")


def _roots() -> dict[str, str]:
    """Every category's code → its top-level category's code."""
    parents = dict(Category.objects.values_list("code", "parent__code"))
    roots = {}
    for code in parents:
        root, seen = code, set()
        while parents.get(root) and root not in seen:
            seen.add(root)
            root = parents[root]
        roots[code] = root
    return roots


def training_rows(
    *, since: dt.datetime | None = None, min_per_category: int = 2, level: str = "leaf"
) -> Iterator[tuple[str, str]]:
    """(category code, description) of the deployment's settled orders (TRAINING_STATUSES, or
    corrected by a dispatcher), oldest first, received at or after `since` if given. With
    `level` "top" the label is the order's top-level category (fewer classes: a model that
    trains in seconds, and agrees with any category below the one it predicts). Categories with
    fewer than `min_per_category` such orders are left out (the classifier needs at least two
    of each). Texts are returned raw; the classifier normalises them."""
    if level not in LEVELS:
        raise ValueError(f"level must be one of {LEVELS}, not {level!r}")
    settled = Q(status__in=TRAINING_STATUSES) | Q(
        pk__in=TrainingFeedback.objects.values("order_id")
    )
    orders = WorkOrder.objects.filter(settled).exclude(status__in=(Status.MERGED, Status.DECLINED))
    if since is not None:
        orders = orders.filter(received_at__gte=since)
    label = _roots() if level == "top" else None
    counts: Counter[str] = Counter()
    for row in orders.order_by().values("category__code").annotate(n=Count("pk")):
        code = row["category__code"]
        counts[label[code] if label else code] += row["n"]
    keep = {code for code, n in counts.items() if n >= min_per_category}
    rows = orders.order_by("received_at", "pk").values_list("category__code", "description")
    for code, text in rows.iterator(chunk_size=2000):
        if label:
            code = label[code]
        text = " ".join(text.split())
        if code in keep and text:
            yield code, text
