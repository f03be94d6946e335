"""The admin's read-only view of corrections: made on the item page (campaigns/corrections.py), kept forever."""

from __future__ import annotations

from django.contrib import admin

from campaigns.admin_access import ScopedRecordAdmin
from campaigns.models import Correction


@admin.register(Correction)
class CorrectionAdmin(ScopedRecordAdmin):
    list_display = ["correction", "original", "decided_by", "decided_at"]
    search_fields = ["original__title", "correction__title", "reason"]
    date_hierarchy = "decided_at"
    fields = ["original", "correction", "decided_by", "decided_at", "reason"]
    readonly_fields = fields
    list_select_related_always = ["original", "correction", "decided_by"]
