"""Admin: the model registry and what dispatch intelligence kept, read-only (registering and
activating go through services: `gongzhi dispatch_model`)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from gongzhi.dispatch.models import DuplicateLink, ModelArtifact, OrderSuggestion, TrainingFeedback


class ReadOnly(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(ModelArtifact)
class ModelArtifactAdmin(ReadOnly):
    list_display = ("version", "active", "registered_at", "activated_at", "path")
    list_filter = ("active",)


@admin.register(OrderSuggestion)
class OrderSuggestionAdmin(ReadOnly):
    list_display = ("order", "decision", "category", "confidence", "unit", "model_version")
    list_filter = ("decision",)
    raw_id_fields = ("order",)


@admin.register(DuplicateLink)
class DuplicateLinkAdmin(ReadOnly):
    list_display = ("order", "original", "similarity", "same_category", "created_at")
    raw_id_fields = ("order", "original")


@admin.register(TrainingFeedback)
class TrainingFeedbackAdmin(ReadOnly):
    list_display = (
        "order",
        "kind",
        "predicted_category",
        "chosen_category",
        "predicted_unit",
        "chosen_unit",
        "model_version",
        "by",
        "at",
    )
    list_filter = ("kind",)
    raw_id_fields = ("order",)
