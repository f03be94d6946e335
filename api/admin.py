"""API tokens in the admin site: an organisation's admins see (and revoke) their members' tokens, never a secret."""

from __future__ import annotations

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from api import tokens
from api.models import ApiToken
from campaigns.admin_access import ScopedAdmin


@admin.register(ApiToken)
class ApiTokenAdmin(ScopedAdmin):
    list_display = ("name", "user", "prefix", "created_at", "last_used_at", "revoked_at")
    list_filter = ("revoked_at",)
    search_fields = ("name", "prefix", "user__username")
    fields = ("user", "name", "prefix", "created_at", "last_used_at", "revoked_at")
    readonly_fields = fields
    actions = ["revoke_tokens"]

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        # Through memberships: a user in two of the admin's organisations would otherwise come twice.
        return super().get_queryset(request).select_related("user").distinct()

    def has_add_permission(self, request: HttpRequest, *args: object) -> bool:
        return False  # made with `manage.py create_api_token`, which shows the secret once

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    @admin.action(description="Revoke the selected tokens")
    def revoke_tokens(self, request: HttpRequest, queryset: QuerySet) -> None:
        for token in queryset:
            tokens.revoke(token)
        self.message_user(request, f"{queryset.count()} token(s) revoked.")
