"""Forms of the library pages: search and filters, upload, and an asset's description."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from campaigns.alt_text import validate_alt_text
from campaigns.languages import is_rtl, language_name
from campaigns.library import can_change_library
from campaigns.models import Campaign, MediaAsset, Organisation

TAG_MAX_CHARS = 50


class LibraryFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=200)
    organisation = forms.ModelChoiceField(label=_("Organisation"), required=False, queryset=Organisation.objects.none())
    kind = forms.ChoiceField(label=_("Kind"), required=False, choices=[("", _("All kinds")), *MediaAsset.Kind.choices])
    campaign = forms.ModelChoiceField(
        label=_("Campaign"), required=False, queryset=Campaign.objects.none(), empty_label=_("All campaigns")
    )
    language = forms.ChoiceField(label=_("Alt text in"), required=False)
    alt = forms.ChoiceField(
        label=_("Alt text"), required=False, choices=[("", _("present")), ("missing", _("missing"))]
    )
    usage = forms.ChoiceField(
        label=_("Use"), required=False,
        choices=[("", _("Used or not")), ("used", _("Used by a variant")), ("unused", _("Unused"))],
    )  # fmt: skip

    def __init__(self, *args: Any, organisations: list[Organisation], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = Organisation.objects.filter(pk__in=[o.pk for o in organisations])
        self.fields["campaign"].queryset = Campaign.objects.filter(organisation__in=organisations).order_by("name")
        codes = sorted({code for organisation in organisations for code in organisation.languages})
        self.fields["language"].choices = [("", _("Any language")), *((c, language_name(c)) for c in codes)]
        self.show_organisation = len(organisations) > 1


class PickerSearchForm(forms.Form):
    q = forms.CharField(label=_("Search the library"), required=False, max_length=200)
    kind = forms.ChoiceField(label=_("Kind"), required=False, choices=[("", _("All kinds")), *MediaAsset.Kind.choices])


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files under one name (Django's documented recipe); the library's intake judges each one."""

    def clean(self, data: Any, initial: Any = None) -> Any:
        if isinstance(data, (list, tuple)):
            return [super(MultipleFileField, self).clean(one, initial) for one in data]
        return super().clean(data, initial)


class UploadForm(forms.Form):
    """Which organisation's library and an optional title; the files are read from request.FILES."""

    organisation = forms.ModelChoiceField(label=_("Library of"), queryset=Organisation.objects.none())
    title = forms.CharField(
        label=_("Title"), required=False, max_length=200, help_text=_("Leave empty to use each file's name.")
    )
    file = MultipleFileField(label=_("Images or videos"), required=False, widget=MultipleFileInput)

    def __init__(self, *args: Any, user: Any, organisations: list[Organisation], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        allowed = [o for o in organisations if can_change_library(user, o)]
        self.fields["organisation"].queryset = Organisation.objects.filter(pk__in=[o.pk for o in allowed])
        if len(allowed) == 1:
            self.fields["organisation"].initial = allowed[0].pk
            self.fields["organisation"].widget = forms.HiddenInput()
        self.fields["file"].widget.attrs.update({"accept": "image/*,video/*", "multiple": True})


class AssetForm(forms.Form):
    """An asset's description: one alt-text field per language of its organisation."""

    title = forms.CharField(label=_("Title"), max_length=200)
    tags = forms.CharField(
        label=_("Tags"), required=False, max_length=1000, help_text=_("Separated by commas, e.g. flu, nurse.")
    )
    campaign = forms.ModelChoiceField(
        label=_("Campaign"), required=False, queryset=Campaign.objects.none(), empty_label=_("No campaign")
    )
    focal_x = forms.FloatField(
        label=_("Focal point, across (0–1)"), min_value=0, max_value=1,
        widget=forms.NumberInput(attrs={"step": "0.001"}),
        help_text=_("0 is the left edge, 1 the right one; click on the image to set it."),
    )  # fmt: skip
    focal_y = forms.FloatField(
        label=_("Focal point, down (0–1)"), min_value=0, max_value=1,
        widget=forms.NumberInput(attrs={"step": "0.001"}), help_text=_("0 is the top edge, 1 the bottom one."),
    )  # fmt: skip

    def __init__(self, *args: Any, asset: MediaAsset, **kwargs: Any) -> None:
        initial = {
            "title": asset.title, "tags": ", ".join(asset.tags), "campaign": asset.campaign_id,
            "focal_x": asset.focal_x, "focal_y": asset.focal_y,
        } | {f"alt_{code}": text for code, text in asset.alt_text.items()}  # fmt: skip
        super().__init__(*args, initial=initial, **kwargs)
        self.asset = asset
        self.fields["campaign"].queryset = Campaign.objects.for_organisation(asset.organisation).order_by("name")
        self.languages = list(dict.fromkeys([*asset.organisation.languages, *asset.alt_text]))
        for code in self.languages:
            attrs = {"lang": code, "dir": "rtl" if is_rtl(code) else "ltr", "rows": 2}
            self.fields[f"alt_{code}"] = forms.CharField(
                label=_("Alt text in %(language)s") % {"language": language_name(code)}, required=False,
                max_length=1000, widget=forms.Textarea(attrs=attrs), validators=[validate_alt_text],
            )  # fmt: skip

    def alt_fields(self) -> list[forms.BoundField]:
        return [self[f"alt_{code}"] for code in self.languages]

    def clean_tags(self) -> list[str]:
        tags = list(dict.fromkeys(t.strip() for t in self.cleaned_data["tags"].split(",") if t.strip()))
        if too_long := [t for t in tags if len(t) > TAG_MAX_CHARS]:
            raise forms.ValidationError(
                _("A tag has at most %(n)d characters: %(tag)s.") % {"n": TAG_MAX_CHARS, "tag": too_long[0]}
            )
        return tags

    def changes(self) -> dict[str, Any]:
        data = self.cleaned_data
        alt_text = {code: data[f"alt_{code}"].strip() for code in self.languages if data[f"alt_{code}"].strip()}
        fields = ("title", "tags", "campaign", "focal_x", "focal_y")
        return {name: data[name] for name in fields} | {"alt_text": alt_text}
