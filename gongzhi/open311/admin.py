from __future__ import annotations

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from gongzhi.open311.models import ApiClient, ApiKey
from gongzhi.open311.services import apikey_issue, apikey_revoke


class ApiKeyInline(admin.TabularInline):
    model = ApiKey
    extra = 0
    can_delete = False
    fields = ("prefix", "label", "created_at", "created_by", "last_used_at", "revoked_at")
    readonly_fields = fields
    show_change_link = True

    def has_add_permission(self, request: HttpRequest, obj: object = None) -> bool:
        # Keys are issued with the action, which shows the key once; never typed in.
        return False


@admin.register(ApiClient)
class ApiClientAdmin(admin.ModelAdmin):
    list_display = ("name", "code", "contact", "is_active", "acts_as", "created_at")
    list_filter = ("is_active",)
    search_fields = ("name", "code", "contact")
    raw_id_fields = ("acts_as",)
    inlines = [ApiKeyInline]
    actions = ["issue_key"]

    @admin.action(description=_("签发新密钥（只显示一次）"))
    def issue_key(self, request: HttpRequest, queryset: QuerySet[ApiClient]) -> None:
        by = request.user if request.user.is_authenticated else None
        for client in queryset:
            _key_row, key = apikey_issue(client=client, by=by)
            self.message_user(
                request,
                _("已为 %(client)s 签发密钥，请立即复制保存，此后无法再次查看：%(key)s")
                % {"client": client.name, "key": key},
                messages.WARNING,
            )


@admin.register(ApiKey)
class ApiKeyAdmin(admin.ModelAdmin):
    list_display = ("prefix", "client", "label", "created_at", "last_used_at", "revoked_at")
    list_filter = ("client", ("revoked_at", admin.EmptyFieldListFilter))
    search_fields = ("prefix", "client__name", "label")
    readonly_fields = (
        "client",
        "prefix",
        "created_at",
        "created_by",
        "revoked_at",
        "revoked_by",
        "last_used_at",
    )
    fields = ("client", "prefix", "label", *readonly_fields[2:])
    actions = ["revoke"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    @admin.action(description=_("吊销所选密钥"))
    def revoke(self, request: HttpRequest, queryset: QuerySet[ApiKey]) -> None:
        by = request.user if request.user.is_authenticated else None
        for api_key in queryset:
            apikey_revoke(api_key=api_key, by=by)
        self.message_user(request, _("已吊销 %(n)d 个密钥。") % {"n": queryset.count()})
