from django.contrib import admin

from analytics.models import CampaignTarget
from campaigns.admin_access import ScopedHistoryAdmin


@admin.register(CampaignTarget)
class CampaignTargetAdmin(ScopedHistoryAdmin):
    list_display = ["campaign", "measure", "target", "kind", "platform", "label", "achieved", "updated_at"]
    list_filter = ["measure", "campaign__organisation"]
    search_fields = ["campaign__name", "label"]
    list_select_related_always = ["campaign"]
    readonly_fields = ["updated_by", "updated_at"]

    def save_model(self, request, obj, form, change):  # noqa: ANN001, ANN201 (Django's signature)
        obj.updated_by = request.user
        super().save_model(request, obj, form, change)
