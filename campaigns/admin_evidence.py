"""The evidence behind health advice in the admin site: claims with their sources, and the clinical reviews (read
only: a review is signed on the item's page by a clinical reviewer, never written here). Organisation-scoped like
every model admin (campaigns/admin_access.py)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from campaigns.admin import ContentEditAdminMixin  # defined before campaigns/admin.py imports this module
from campaigns.admin_access import ScopedAdmin, ScopedHistoryAdmin, ScopedTabularInline
from campaigns.models import Claim, ClinicalReview, Source


class ClaimSourceInline(ScopedTabularInline):
    model = Source
    fk_name = "claim"
    fields = ["url", "title", "kind"]


@admin.register(Claim)
class ClaimAdmin(ContentEditAdminMixin, ScopedHistoryAdmin):
    """A claim changed here is an edit of its item: approvals and the clinical review are voided."""

    list_display = ["text", "item", "position"]
    search_fields = ["text", "item__title"]
    fields = ["item", "text", "position"]
    list_select_related_always = ["item"]
    inlines = [ClaimSourceInline]

    def save_formset(self, request: HttpRequest, form: Any, formset: Any, change: bool) -> None:
        # A claim's source is also one of its item's sources (one source concept).
        for source in formset.save(commit=False):
            source.item_id = form.instance.item_id
            source.save()
        for source in formset.deleted_objects:
            source.delete()


@admin.register(ClinicalReview)
class ClinicalReviewAdmin(ScopedAdmin):
    list_display = ["item", "reviewer_name", "credentials", "signed_at", "expires_on", "voided_at"]
    list_filter = ["expires_on"]
    search_fields = ["item__title", "reviewer_name"]
    fields = [
        "item", "reviewer", "reviewer_name", "credentials", "signed_at", "expires_on", "item_version",
        "content_hash", "note", "voided_at",
    ]  # fmt: skip
    readonly_fields = fields
    list_select_related_always = ["item"]

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
