"""Background work of dispatch intelligence (django-tasks)."""

from __future__ import annotations

from django_tasks import task

from gongzhi.dispatch.services import ModelError, model_retrain


@task()
def retrain_from_orders(*, activate: bool = False, per_category: int | None = None) -> str | None:
    """Train a classifier on the deployment's settled and corrected orders and register it
    (activated if asked), as `gongzhi dispatch_model retrain` does. Returns the new version, or
    None when there are too few orders. Running it twice registers two artifacts; activating
    either is safe."""
    try:
        artifact = model_retrain(activate=activate, per_category=per_category)
    except ModelError:
        return None
    return artifact.version
