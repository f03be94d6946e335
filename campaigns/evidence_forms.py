"""The forms of the evidence panel: claims with their sources, and the clinical sign-off."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from campaigns.evidence import NOTE_MAX_CHARS
from campaigns.models import Source
from campaigns.models.evidence import CLAIM_MAX_CHARS


class VersionForm(forms.Form):
    """The item's version the page showed: a stale save is refused (campaigns/editing.py)."""

    version = forms.IntegerField(widget=forms.HiddenInput)


class ClaimSourceForm(VersionForm):
    url = forms.URLField(label=_("Source address"), max_length=500, assume_scheme="https")
    title = forms.CharField(label=_("Source title"), max_length=300, required=False)
    kind = forms.ChoiceField(label=_("Type of source"), choices=Source.Kind.choices)


class ClaimForm(ClaimSourceForm):
    """A new claim with its first source (prefixed "claim" on the page, beside the item's own form)."""

    text = forms.CharField(label=_("Claim"), max_length=CLAIM_MAX_CHARS, widget=forms.Textarea(attrs={"rows": 2}))
    field_order = ["version", "text", "url", "title", "kind"]


class ClaimTextForm(VersionForm):
    text = forms.CharField(label=_("Claim"), max_length=CLAIM_MAX_CHARS, widget=forms.Textarea(attrs={"rows": 2}))


class SignOffForm(forms.Form):
    expires_on = forms.DateField(
        label=_("Review expires on"), widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("The last day it may be published on; review it again before then."),
    )  # fmt: skip
    note = forms.CharField(
        label=_("Note"), max_length=NOTE_MAX_CHARS, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
