"""Forms of the report page: a new target, and an outcome's figure as last reported."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from analytics.models import CampaignTarget


class TargetForm(forms.ModelForm):
    class Meta:
        model = CampaignTarget
        fields = ["measure", "target", "kind", "platform", "label", "achieved"]
        widgets = {"target": forms.NumberInput(attrs={"min": 1}), "achieved": forms.NumberInput(attrs={"min": 0})}

    def clean(self) -> dict:
        cleaned = super().clean()
        # The model's own rules give each refusal its field; what is left empty stays empty, not "".
        if cleaned.get("measure") != CampaignTarget.Measure.OUTCOME and cleaned.get("achieved") is not None:
            self.add_error("achieved", _("Only an outcome's figure is entered by hand."))
        return cleaned


class OutcomeForm(forms.Form):
    achieved = forms.IntegerField(label=_("Achieved so far"), min_value=0, max_value=10**15)
