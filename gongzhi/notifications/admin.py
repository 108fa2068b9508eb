from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from gongzhi.notifications.models import Notification


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    """The sending record, read-only."""

    list_display = (
        "created_at",
        "event",
        "channel",
        "recipient_label",
        "order",
        "state",
        "attempts",
        "sent_at",
    )
    list_filter = ("state", "channel", "event")
    search_fields = ("order__number", "subject")
    list_select_related = ("recipient_person", "recipient_unit", "order")
    readonly_fields = [f.name for f in Notification._meta.fields]

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
