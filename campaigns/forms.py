"""Form fields and forms shared by the admin and, later, the planner's own pages."""

from __future__ import annotations

import re
import zoneinfo
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from campaigns.languages import CONTENT_LANGUAGES
from campaigns.media import prepare_asset
from campaigns.models import Campaign, MediaAsset, Organisation


class LanguagesField(forms.MultipleChoiceField):
    """A list of language codes, chosen with check boxes."""

    widget = forms.CheckboxSelectMultiple

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("choices", CONTENT_LANGUAGES)
        super().__init__(**kwargs)


class HashtagsField(forms.CharField):
    """Hashtags typed as text ("#Flu #Vaccine, #Health"), kept as a list."""

    def prepare_value(self, value: Any) -> str:
        return " ".join(value) if isinstance(value, list) else (value or "")

    def to_python(self, value: Any) -> list[str]:
        text = super().to_python(value)
        return [tag if tag.startswith("#") else f"#{tag}" for tag in re.split(r"[\s,]+", text) if tag]


def timezone_choices() -> list[tuple[str, str]]:
    """IANA time zone names, sorted, for a select box."""
    return [(name, name.replace("_", " ")) for name in sorted(zoneinfo.available_timezones())]


class OrganisationForm(forms.ModelForm):
    languages = LanguagesField(label=_("Languages"), help_text=_("Languages this organisation publishes in."))
    timezone = forms.ChoiceField(
        label=_("Time zone"),
        choices=timezone_choices,
        help_text=_("Times are entered and shown in this zone; they are stored in UTC."),
    )

    class Meta:
        model = Organisation
        fields = ["name", "slug", "timezone", "languages", "logo"]


class CampaignForm(forms.ModelForm):
    languages = LanguagesField(
        label=_("Languages"),
        required=False,
        help_text=_("Leave all unticked to use every language of the organisation."),
    )
    hashtags = HashtagsField(
        label=_("Hashtags"), required=False, help_text=_("Separated by spaces, e.g. #FluVaccine #ProtectYourself")
    )

    class Meta:
        model = Campaign
        fields = [
            "organisation",
            "name",
            "goal",
            "start_date",
            "end_date",
            "priority",
            "colour",
            "hashtags",
            "languages",
            "late_cutoff_minutes",
            "logo",
            "anchor_observance",
        ]
        widgets = {"colour": forms.TextInput(attrs={"type": "color"})}


class MediaAssetForm(forms.ModelForm):
    """Upload of an image or a video: the type is decided by its content, its facts are measured, never typed
    in; an image is stored cleaned of its metadata, a video with its poster frame."""

    class Meta:
        model = MediaAsset
        fields = ["organisation", "title", "file", "alt_text"]

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if upload and upload != self.initial.get("file"):
            try:
                prepare_asset(self.instance, upload)
            except ValidationError as refusal:  # raised on "file" for any form: here the field is known
                raise ValidationError(refusal.messages) from refusal
            return self.instance.file.file
        return upload

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        organisation = cleaned.get("organisation")
        if organisation and self.instance.checksum:
            duplicate = MediaAsset.objects.filter(organisation=organisation, checksum=self.instance.checksum)
            if duplicate.exclude(pk=self.instance.pk).exists():
                self.add_error("file", _("This file is already in the organisation's library."))
        return cleaned
