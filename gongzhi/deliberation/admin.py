"""Admin: administrators keep halls and representatives (the registry of deliberation); cases,
meetings, projects and their records are read-only here — every change goes through a service,
which the pages call."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from gongzhi.deliberation.models import (
    Attendance,
    BudgetLine,
    Case,
    CaseEvent,
    Hall,
    Meeting,
    Milestone,
    Motion,
    Objection,
    Project,
    ProjectUnit,
    Proposal,
    Rating,
    Representative,
    Resolution,
)

PLACE_FIELDS = ("level", "subdistrict", "community", "compound", "building")


class ReadOnlyMixin:
    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class ReadOnlyInline(ReadOnlyMixin, admin.TabularInline):
    extra = 0


@admin.register(Hall)
class HallAdmin(admin.ModelAdmin):
    list_display = ("name", "kind", "community", "compound", "building", "is_active")
    list_filter = ("kind", "is_active", "level")
    search_fields = ("name", "community__name", "compound__name")
    list_select_related = ("community", "compound", "building")
    raw_id_fields = ("subdistrict", "community", "compound", "building")


@admin.register(Representative)
class RepresentativeAdmin(admin.ModelAdmin):
    list_display = (
        "person",
        "level",
        "community",
        "compound",
        "term_start",
        "term_end",
        "is_active",
    )
    list_filter = ("is_active", "level")
    search_fields = ("person__display_name", "person__username", "community__name")
    list_select_related = ("person", "community", "compound")
    raw_id_fields = (
        "person",
        "substitute",
        "substitute_person",
        "subdistrict",
        "community",
        "compound",
        "building",
    )


class CaseEventInline(ReadOnlyInline):
    model = CaseEvent
    fields = ("at", "kind", "actor", "from_step", "to_step", "note")


@admin.register(Case)
class CaseAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ("number", "title", "step", "community", "opened_at", "reopen_count")
    list_filter = ("step",)
    search_fields = ("number", "title", "community__name")
    list_select_related = ("community",)
    inlines = [CaseEventInline]


@admin.register(Proposal)
class ProposalAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ("title", "origin", "status", "community", "support_count", "submitted_at")
    list_filter = ("status", "origin")
    search_fields = ("title", "community__name")
    list_select_related = ("community",)


class AttendanceInline(ReadOnlyInline):
    model = Attendance
    fields = ("representative", "attendee", "is_substitute", "method", "at")


class MotionInline(ReadOnlyInline):
    model = Motion
    fields = ("text", "majority", "mode", "status", "yes", "no", "abstain", "present")


@admin.register(Meeting)
class MeetingAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ("title", "hall", "scheduled_at", "status", "eligible_count")
    list_filter = ("status",)
    search_fields = ("title", "hall__name")
    list_select_related = ("hall",)
    inlines = [AttendanceInline, MotionInline]


class ObjectionInline(ReadOnlyInline):
    model = Objection
    fields = ("at", "text", "answer", "answered_at")


@admin.register(Resolution)
class ResolutionAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ("case", "status", "published_at", "notice_ends_at")
    list_filter = ("status",)
    list_select_related = ("case",)
    inlines = [ObjectionInline]


class ProjectUnitInline(ReadOnlyInline):
    model = ProjectUnit


class BudgetLineInline(ReadOnlyInline):
    model = BudgetLine


class MilestoneInline(ReadOnlyInline):
    model = Milestone


class RatingInline(ReadOnlyInline):
    model = Rating
    fields = ("person", "round", "score", "satisfaction", "as_representative", "at")


@admin.register(Project)
class ProjectAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ("title", "kind", "year", "community", "deadline", "overdue", "score")
    list_filter = ("year", "kind", "overdue")
    search_fields = ("title", "community__name", "case__number")
    list_select_related = ("community",)
    inlines = [ProjectUnitInline, BudgetLineInline, MilestoneInline, RatingInline]
