"""Admin site for connected accounts and a read-only view of publications."""

from __future__ import annotations

import json
from typing import Any

from django import forms
from django.contrib import admin
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from audit import events
from campaigns.admin_access import ScopedAdmin, ScopedHistoryAdmin, ScopedRecordAdmin
from publishing.models import Cadence, Publication, Recurrence, Release, Retraction, SocialAccount


class SocialAccountForm(forms.ModelForm):
    """Credentials can be replaced, never read back: the form only ever shows which keys are stored."""

    new_credentials = forms.CharField(
        label=_("Replace credentials"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, "autocomplete": "off", "spellcheck": "false"}),
        help_text=_(
            'A JSON object such as {"access_token": "…", "refresh_token": "…"}. Leave empty to keep what is stored.'
        ),
    )

    class Meta:
        model = SocialAccount
        fields = [
            "organisation", "platform", "handle", "display_name", "api_base_url", "token_expires_at", "is_active",
            "quiet_from", "quiet_until",
        ]  # fmt: skip

    def clean_new_credentials(self) -> dict[str, Any] | None:
        text = self.cleaned_data["new_credentials"].strip()
        if not text:
            return None
        try:
            value = json.loads(text)
        except json.JSONDecodeError as error:
            raise forms.ValidationError(_("Not valid JSON: %(error)s.") % {"error": error.msg}) from error
        if not isinstance(value, dict) or not all(isinstance(v, str) for v in value.values()):
            raise forms.ValidationError(_('Give a JSON object of text values, e.g. {"access_token": "…"}.'))
        return value

    def save(self, commit: bool = True) -> SocialAccount:
        if (credentials := self.cleaned_data.get("new_credentials")) is not None:
            self.instance.credentials = credentials
        return super().save(commit)


@admin.register(SocialAccount)
class SocialAccountAdmin(ScopedHistoryAdmin):
    form = SocialAccountForm
    list_display = ["handle", "platform", "organisation", "token_expires_at", "is_active"]
    list_filter = ["platform", "is_active", "organisation"]
    search_fields = ["handle", "display_name"]
    readonly_fields = ["stored_credentials"]
    list_select_related_always = ["organisation"]

    @admin.display(description=_("stored credentials"))
    def stored_credentials(self, obj: SocialAccount) -> str:
        keys = sorted(obj.credentials) if obj.pk else []
        return _("%(keys)s (values hidden)") % {"keys": ", ".join(keys)} if keys else _("none")

    def save_model(self, request: HttpRequest, obj: SocialAccount, form: Any, change: bool) -> None:
        super().save_model(request, obj, form, change)
        if change and not form.changed_data:
            return
        # Which fields changed, and whether the credentials were replaced; never their values.
        fields = sorted(name for name in form.changed_data if name != "new_credentials")
        details = {"fields": fields, "login_replaced": "new_credentials" in form.changed_data, "via": "setup"}
        action = "account.edited" if change else "account.connected"
        events.record(obj.organisation_id, request.user, action, "account", obj.pk, str(obj), details)


@admin.register(Cadence)
class CadenceAdmin(ScopedAdmin):
    """Cadences are set up and applied on the campaign's page; here they can be looked at and corrected."""

    list_display = ["name", "campaign", "starts_on", "ends_on"]
    list_filter = ["campaign__organisation"]
    search_fields = ["name", "campaign__name"]
    filter_horizontal = ["accounts"]
    list_select_related_always = ["campaign"]


@admin.register(Publication)
class PublicationAdmin(ScopedRecordAdmin):
    """Publications change state only through the engine; here they can be looked at."""

    list_display = ["variant", "account", "scheduled_at", "state", "attempts", "remote_url"]
    list_filter = ["state", "account__platform", "account__organisation"]
    search_fields = ["variant__item__title", "remote_id"]
    date_hierarchy = "scheduled_at"
    list_select_related_always = ["variant__item", "account"]


@admin.register(Recurrence)
class RecurrenceAdmin(ScopedRecordAdmin):
    """Rules are made and applied from the item page (publishing/recurrence.py); here they can be looked at."""

    list_display = ["item", "frequency", "interval", "local_time", "timezone", "starts_on", "until", "count"]
    list_filter = ["frequency"]
    search_fields = ["item__title"]
    list_select_related_always = ["item"]


@admin.register(Release)
class ReleaseAdmin(ScopedAdmin):
    """Releases are made and moved from the scheduling form (moving goes through publishing/scheduling.py)."""

    list_display = ["name", "instant", "organisation", "created_by"]
    list_filter = ["organisation"]
    search_fields = ["name"]
    readonly_fields = ["instant", "created_by"]
    list_select_related_always = ["organisation", "created_by"]


@admin.register(Retraction)
class RetractionAdmin(ScopedRecordAdmin):
    """Retractions are decided on the item page (publishing/retractions.py); the record of each stays for good."""

    list_display = ["publication", "state", "decided_by", "at"]
    list_filter = ["state", "publication__account__platform"]
    search_fields = ["publication__variant__item__title", "reason", "message"]
    date_hierarchy = "at"
    fields = ["publication", "state", "message", "decided_by", "at", "reason"]
    readonly_fields = fields
    list_select_related_always = ["publication__variant__item", "publication__account", "decided_by"]
