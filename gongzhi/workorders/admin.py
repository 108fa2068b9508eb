"""Admin: administrators edit the configuration (categories, time limits, the responsibility
matrix); orders and their records are read-only here — every change to an order goes through a
service, which the pages and the API call."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from gongzhi.workorders.models import (
    Assignment,
    Callback,
    Category,
    ExtensionRequest,
    Photo,
    ResponsibilityRule,
    RevealLog,
    TimeLimit,
    WhistleCall,
    WorkOrder,
    WorkOrderEvent,
)
from gongzhi.workorders.privacy import mask_name, mask_phone


class ReadOnlyMixin:
    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class TimeLimitInline(admin.TabularInline):
    model = TimeLimit
    extra = 0


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "parent", "is_property_matter", "is_active", "sort_order")
    list_filter = ("is_active", "is_property_matter", "parent")
    search_fields = ("code", "name", "keywords")
    list_select_related = ("parent",)
    inlines = [TimeLimitInline]


@admin.register(TimeLimit)
class TimeLimitAdmin(admin.ModelAdmin):
    list_display = (
        "category",
        "urgency",
        "contact_amount",
        "contact_unit",
        "resolve_amount",
        "resolve_unit",
    )
    list_filter = ("urgency",)
    list_select_related = ("category", "category__parent")


@admin.register(ResponsibilityRule)
class ResponsibilityRuleAdmin(admin.ModelAdmin):
    list_display = (
        "category",
        "scope",
        "subdistrict",
        "community",
        "lead_kind",
        "lead_unit_code",
        "assist_kinds",
        "assist_unit_codes",
        "rank",
        "is_active",
    )
    list_filter = ("scope", "lead_kind", "is_active")
    search_fields = ("category__name", "category__code", "lead_unit_code")
    list_select_related = ("category", "category__parent", "subdistrict", "community")
    autocomplete_fields = ("category",)


class EventInline(ReadOnlyMixin, admin.TabularInline):
    model = WorkOrderEvent
    extra = 0
    fields = ("at", "kind", "actor", "actor_unit", "from_status", "to_status", "note", "data")
    readonly_fields = fields
    can_delete = False


class AssignmentInline(ReadOnlyMixin, admin.TabularInline):
    model = Assignment
    extra = 0
    readonly_fields = ("unit", "role", "state", "assigned_at", "released_at")
    can_delete = False


class PhotoInline(ReadOnlyMixin, admin.TabularInline):
    model = Photo
    extra = 0
    readonly_fields = ("seq", "file", "content_type", "size", "uploaded_at")
    can_delete = False


@admin.register(WorkOrder)
class WorkOrderAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = (
        "number",
        "category",
        "status",
        "urgency",
        "lead_unit",
        "subdistrict",
        "received_at",
        "resolve_due_at",
        "overdue",
        "excluded_from_scoring",
    )
    list_filter = ("status", "urgency", "channel", "kind", "overdue", "excluded_from_scoring")
    search_fields = ("number",)
    date_hierarchy = "received_at"
    list_select_related = ("category", "category__parent", "lead_unit", "subdistrict")
    # The requester's name and phone are not shown here: reveal through the service (logged).
    exclude = ("requester_name", "requester_phone")
    readonly_fields = ("requester_masked",)
    inlines = [AssignmentInline, PhotoInline, EventInline]

    @admin.display(description="诉求人")
    def requester_masked(self, obj: WorkOrder) -> str:
        return f"{mask_name(obj.requester_name)} {mask_phone(obj.requester_phone)}"


@admin.register(WorkOrderEvent)
class WorkOrderEventAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ("order", "at", "kind", "actor", "actor_unit", "from_status", "to_status")
    list_filter = ("kind",)
    search_fields = ("order__number",)
    list_select_related = ("order", "actor", "actor_unit")
    date_hierarchy = "at"


@admin.register(RevealLog)
class RevealLogAdmin(ReadOnlyMixin, admin.ModelAdmin):
    """Who saw which requester's contact data, when and why (个人信息查看记录)."""

    list_display = ("at", "person", "unit", "order", "purpose")
    search_fields = ("order__number", "person__username", "person__display_name", "purpose")
    list_filter = ("unit",)
    list_select_related = ("order", "person", "unit")
    date_hierarchy = "at"


@admin.register(WhistleCall)
class WhistleCallAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = (
        "order",
        "department",
        "caller_unit",
        "state",
        "called_at",
        "report_due_at",
        "reported_at",
        "action_due_at",
        "acted_at",
    )
    list_filter = ("state", "department")
    list_select_related = ("order", "department", "caller_unit")


@admin.register(Callback)
class CallbackAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = (
        "order",
        "at",
        "channel",
        "by",
        "round",
        "reached",
        "resolved",
        "satisfaction",
    )
    list_filter = ("channel", "reached", "resolved", "satisfaction")
    list_select_related = ("order", "by")


@admin.register(ExtensionRequest)
class ExtensionRequestAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ("order", "unit", "working_days", "state", "requested_at", "decided_at")
    list_filter = ("state",)
    list_select_related = ("order", "unit")
