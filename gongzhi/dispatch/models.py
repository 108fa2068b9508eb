"""What dispatch intelligence keeps: the registry of trained models, the suggestion made for each
new order, likely duplicates, and the dispatchers' corrections as training feedback.

Rows are written by gongzhi.dispatch.services / suggest / duplicates / feedback only. Suggestions
and links are written once at intake, feedback once per correcting dispatch; none is updated
afterwards except the registry's `active` flag (services.artifact_activate).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from gongzhi.accounts.models import Unit
from gongzhi.workorders.models import Category, WorkOrder


class ModelArtifact(models.Model):
    """A trained category classifier on disk (classifier.CategoryClassifier.save) and its
    training metadata. At most one is active: the one intake uses."""

    version = models.CharField(_("版本"), max_length=64, unique=True)
    path = models.CharField(_("文件"), max_length=500)
    metadata = models.JSONField(_("训练信息"), default=dict, blank=True)
    active = models.BooleanField(_("启用"), default=False)
    registered_at = models.DateTimeField(_("登记时间"))
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("登记人"),
    )
    activated_at = models.DateTimeField(_("启用时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("分类模型")
        verbose_name_plural = _("分类模型")
        ordering = ["-registered_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["active"], condition=models.Q(active=True), name="one_active_artifact"
            )
        ]

    def __str__(self) -> str:
        return self.version

    @property
    def threshold(self) -> float | None:
        """The artifact's own auto-dispatch threshold (97 % precision on its training data's
        inner cross-validation); None when no confidence reached that precision."""
        value = self.metadata.get("threshold")
        return float(value) if isinstance(value, int | float) and value <= 1.0 else None


class Decision(models.TextChoices):
    """Why an order was, or was not, dispatched without a human look."""

    AUTO = "auto", _("自动派单")
    NO_MODEL = "no_model", _("未启用分类模型")
    BELOW_THRESHOLD = "below_threshold", _("置信度低于阈值")
    CATEGORY_DIFFERS = "category_differs", _("与登记类别不一致")
    UNPLACED = "unplaced", _("权责清单未匹配")
    MANUAL = "manual", _("登记时选择人工派单")
    LATER = "later", _("受理后补充的建议")


class OrderSuggestion(models.Model):
    """What was suggested for a new order at intake: the top categories with their confidence,
    the place (and where it came from), and the unit the responsibility matrix gives for the top
    category. Written once, in the intake's transaction."""

    order = models.OneToOneField(
        WorkOrder,
        on_delete=models.CASCADE,
        related_name="dispatch_suggestion",
        verbose_name=_("工单"),
    )
    model_version = models.CharField(_("模型版本"), max_length=64, blank=True)
    # [{"code": …, "name": …, "confidence": 0.97}, …] best first, at most three.
    categories = models.JSONField(_("类别建议"), default=list, blank=True)
    category = models.ForeignKey(
        Category,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("建议类别"),
    )
    confidence = models.FloatField(_("置信度"), null=True, blank=True)
    threshold = models.FloatField(_("自动派单阈值"), null=True, blank=True)
    # {"source": "coordinates" | "operator" | "text", "level", "compound_id", "community_id",
    #  "subdistrict_id", "name", "confidence", "settled_by", "candidates": [...]}
    place = models.JSONField(_("地点"), default=dict, blank=True)
    unit = models.ForeignKey(
        Unit,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("建议主办单位"),
    )
    # [{"id": …, "code": …, "name": …}] of the matrix's assisting units.
    assisting = models.JSONField(_("建议协办单位"), default=list, blank=True)
    unit_reason = models.CharField(_("权责依据"), max_length=255, blank=True)
    decision = models.CharField(_("派单方式"), max_length=24, choices=Decision.choices)
    created_at = models.DateTimeField(_("时间"))

    class Meta:
        verbose_name = _("派单建议")
        verbose_name_plural = _("派单建议")

    def __str__(self) -> str:
        return f"{self.order_id} · {self.get_decision_display()}"


class DuplicateLink(models.Model):
    """A new order that looks like an open order at the same place received shortly before."""

    order = models.ForeignKey(  # duplicate_link_once's first column
        WorkOrder,
        on_delete=models.CASCADE,
        related_name="duplicate_links",
        verbose_name=_("工单"),
        db_index=False,
    )
    original = models.ForeignKey(
        WorkOrder, on_delete=models.CASCADE, related_name="+", verbose_name=_("可能重复的工单")
    )
    similarity = models.FloatField(_("相似度"))
    text_similarity = models.FloatField(_("文本相似度"))
    same_category = models.BooleanField(_("同类别"), default=False)
    created_at = models.DateTimeField(_("时间"))

    class Meta:
        verbose_name = _("疑似重复")
        verbose_name_plural = _("疑似重复")
        ordering = ["-similarity", "id"]
        constraints = [
            models.UniqueConstraint(fields=["order", "original"], name="duplicate_link_once")
        ]

    def __str__(self) -> str:
        return f"{self.order_id} ≈ {self.original_id} ({self.similarity:.2f})"


class TrainingFeedback(models.Model):
    """A dispatcher's correction of a suggestion: another category, another lead unit, or both.
    The corrected category is what the next training run learns (the order keeps it)."""

    class Kind(models.TextChoices):
        CATEGORY = "category", _("更正类别")
        UNIT = "unit", _("更正主办单位")
        BOTH = "both", _("更正类别和主办单位")

    order = models.ForeignKey(
        WorkOrder,
        on_delete=models.CASCADE,
        related_name="training_feedback",
        verbose_name=_("工单"),
    )
    kind = models.CharField(_("更正"), max_length=16, choices=Kind.choices)
    predicted_category = models.ForeignKey(
        Category,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("建议类别"),
    )
    chosen_category = models.ForeignKey(
        Category, on_delete=models.PROTECT, related_name="+", verbose_name=_("选定类别")
    )
    predicted_unit = models.ForeignKey(
        Unit,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("建议主办单位"),
    )
    chosen_unit = models.ForeignKey(
        Unit,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("选定主办单位"),
    )
    confidence = models.FloatField(_("建议置信度"), null=True, blank=True)
    model_version = models.CharField(_("模型版本"), max_length=64, blank=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("派单员"),
    )
    at = models.DateTimeField(_("时间"))

    class Meta:
        verbose_name = _("训练反馈")
        verbose_name_plural = _("训练反馈")
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["at"], name="feedback_at")]

    def __str__(self) -> str:
        return f"{self.order_id} · {self.get_kind_display()}"
