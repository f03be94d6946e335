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


class OutcomeForm(forms.Form):
    achieved = forms.IntegerField(label=_("Achieved so far"), min_value=0, max_value=10**15)
