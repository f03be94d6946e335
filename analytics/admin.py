from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from analytics.models import CampaignTarget
from campaigns.admin_access import ScopedHistoryAdmin


@admin.register(CampaignTarget)
class CampaignTargetAdmin(ScopedHistoryAdmin):
    list_display = ["campaign", "measure", "target", "kind", "platform", "label", "achieved", "updated_at"]
    list_filter = ["measure", "campaign__organisation"]
    search_fields = ["campaign__name", "label"]
    list_select_related_always = ["campaign"]
    readonly_fields = ["updated_by", "updated_at"]

    def save_model(self, request: HttpRequest, obj: CampaignTarget, form: Any, change: bool) -> None:
        obj.updated_by = request.user
        super().save_model(request, obj, form, change)
