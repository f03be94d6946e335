"""Forms of partner review: sending a link (managers) and leaving feedback (the partner)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from campaigns.models import PartnerFeedback
from campaigns.partner_review import DEFAULT_DAYS_VALID, FEEDBACK_MAX_CHARS, MAX_DAYS_VALID


class PartnerLinkForm(forms.Form):
    partner_name = forms.CharField(label=_("Partner's name"), max_length=200)
    partner_email = forms.EmailField(label=_("Partner's e-mail"))
    days_valid = forms.IntegerField(
        label=_("Days valid"), min_value=1, max_value=MAX_DAYS_VALID, initial=DEFAULT_DAYS_VALID,
        help_text=_("The link stops working after this many days, or when you revoke it."),
    )  # fmt: skip


class PartnerFeedbackForm(forms.Form):
    body = forms.CharField(
        label=_("Your comment"), required=False, max_length=FEEDBACK_MAX_CHARS,
        widget=forms.Textarea(attrs={"rows": 4, "dir": "auto"}),
    )  # fmt: skip
    # Which button was pressed: a comment, or the clinical approval (which may carry a comment too).
    kind = forms.ChoiceField(choices=PartnerFeedback.Kind.choices, widget=forms.HiddenInput)
