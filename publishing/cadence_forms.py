"""The form that sets up a cadence: from a preset or by hand, with errors on the field they are about."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from campaigns.models import Campaign
from publishing.cadence import PRESETS
from publishing.models import SocialAccount
from publishing.models.cadence import check_times, check_weekdays

WEEKDAY_CHOICES = [
    (0, _("Monday")), (1, _("Tuesday")), (2, _("Wednesday")), (3, _("Thursday")), (4, _("Friday")),
    (5, _("Saturday")), (6, _("Sunday")),
]  # fmt: skip
PRESET_CHOICES = [
    ("", _("None: my own times and days")),
    ("outbreak", _("Outbreak: 08:00, 13:00, 19:00 every day")),
    ("steady", _("Steady: 10:00 on Monday, Wednesday and Friday")),
]


class CadenceForm(forms.Form):
    preset = forms.ChoiceField(
        label=_("Preset"), choices=PRESET_CHOICES, required=False,
        help_text=_("A preset fills the name, times and days left empty."),
    )  # fmt: skip
    name = forms.CharField(label=_("Name"), max_length=120, required=False)
    times = forms.CharField(
        label=_("Times of day"), required=False, help_text=_("Separated by commas, e.g. 08:00, 13:00, 19:00.")
    )
    weekdays = forms.TypedMultipleChoiceField(
        label=_("Days of the week"), choices=WEEKDAY_CHOICES, coerce=int, required=False,
        widget=forms.CheckboxSelectMultiple,
    )  # fmt: skip
    accounts = forms.ModelMultipleChoiceField(
        label=_("Accounts"), queryset=SocialAccount.objects.none(), widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Choose at least one account.")},
    )  # fmt: skip
    starts_on = forms.DateField(label=_("Starts on"), widget=forms.DateInput(attrs={"type": "date"}))
    ends_on = forms.DateField(
        label=_("Ends on"), required=False, widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("Empty: the campaign's end."),
    )  # fmt: skip

    def __init__(self, *args: Any, campaign: Campaign, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.campaign = campaign
        self.fields["accounts"].queryset = SocialAccount.objects.filter(
            organisation_id=campaign.organisation_id, is_active=True
        ).order_by("platform", "handle")
        self.fields["starts_on"].initial = max(campaign.start_date, campaign.organisation.today())

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if preset := PRESETS.get(data.get("preset") or ""):
            name, times, weekdays = preset
            data["name"] = data.get("name") or str(name)
            data["times"] = data.get("times") or ", ".join(times)
            data["weekdays"] = data.get("weekdays") or weekdays
        if not data.get("name"):
            self.add_error("name", _("Give the cadence a name, or choose a preset."))
        times = sorted({_padded(text.strip()) for text in (data.get("times") or "").split(",") if text.strip()})
        for field, value, check in (
            ("times", times, check_times),
            ("weekdays", data.get("weekdays") or [], check_weekdays),
        ):
            try:
                check(value)
            except ValidationError as error:
                self.add_error(field, error)
        data["times"] = times
        return data

    def changes(self) -> dict[str, Any]:
        """The cadence's fields, ready for `publishing.cadence.create_cadence`."""
        data = self.cleaned_data
        return {
            "name": data["name"], "times": data["times"], "weekdays": sorted(data["weekdays"]),
            "starts_on": data["starts_on"], "ends_on": data.get("ends_on"),
        }  # fmt: skip


def _padded(text: str) -> str:
    """'8:00' as '08:00', so that the model's rule and the sort order agree; what does not parse is left as given."""
    try:
        return dt.datetime.strptime(text, "%H:%M").strftime("%H:%M")
    except ValueError:
        return text
