"""Forms of the correction and retraction pages (validation only; the services decide and save)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from campaigns import corrections
from publishing import retractions


class CorrectionForm(forms.Form):
    reason = forms.CharField(
        label=_("What was wrong"), max_length=corrections.REASON_MAX_CHARS,
        widget=forms.Textarea(attrs={"rows": 3, "dir": "auto"}),
        help_text=_("Kept in the record with the original and the correction, for good."),
        error_messages={"required": _("Say what was wrong: a reason is required, for the record.")},
    )  # fmt: skip


class RetractionForm(forms.Form):
    reason = forms.CharField(
        label=_("Why it is retracted"), max_length=retractions.REASON_MAX_CHARS,
        widget=forms.Textarea(attrs={"rows": 3, "dir": "auto"}),
        help_text=_("Kept in the record with each post's outcome, for good."),
        error_messages={"required": _("Say why it is retracted: a reason is required, for the record.")},
    )  # fmt: skip
