"""The item page's "Repeat" form: a rule, and the variants and accounts each occurrence goes to."""

from __future__ import annotations

import zoneinfo
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from campaigns.editor_forms import ScheduleForm
from publishing import recurrence
from publishing.models import Recurrence
from publishing.models.recurrence import WEEKDAYS


class RepeatForm(ScheduleForm):
    """A recurrence in the organisation's wall-clock time; it ends at a date or after a number of occurrences."""

    frequency = forms.ChoiceField(label=gettext_lazy("Repeat"), choices=Recurrence.Frequency.choices)
    interval = forms.IntegerField(label=gettext_lazy("Every"), min_value=1, max_value=52, initial=1)
    weekdays = forms.TypedMultipleChoiceField(
        label=gettext_lazy("On these days (weekly)"), choices=WEEKDAYS, coerce=int, required=False,
        widget=forms.CheckboxSelectMultiple,
    )  # fmt: skip
    day_of_month = forms.IntegerField(
        label=gettext_lazy("Day of the month (monthly)"), min_value=1, max_value=31, required=False,
        help_text=gettext_lazy("A month without this day uses its last day."),
    )  # fmt: skip
    local_time = forms.TimeField(label=gettext_lazy("At"), widget=forms.TimeInput(attrs={"type": "time"}))
    starts_on = forms.DateField(label=gettext_lazy("From"), widget=forms.DateInput(attrs={"type": "date"}))
    until = forms.DateField(
        label=gettext_lazy("Until (included)"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    count = forms.IntegerField(
        label=gettext_lazy("Or this many times"), min_value=1, max_value=recurrence.MAX_OCCURRENCES, required=False
    )

    def __init__(self, *args: Any, item: Any, accounts: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, item=item, accounts=accounts, **kwargs)
        for name in ("when", *self.RELEASE_FIELDS):  # a rule has days and a time instead; a release has one instant
            del self.fields[name]
        self.zone_name = item.campaign.organisation.timezone
        self.fields["local_time"].help_text = _("In %(zone)s time.") % {"zone": self.zone_name}

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        until, count, starts_on = data.get("until"), data.get("count"), data.get("starts_on")
        if (until is None) == (count is None) and "until" not in self.errors and "count" not in self.errors:
            self.add_error("until", _("Say when it stops: give an end date or a number of times, not both."))
        if starts_on and starts_on < timezone.localdate(timezone=self.organisation_zone()):
            self.add_error("starts_on", _("This day has passed; choose a day to come."))
        if starts_on and until and until < starts_on:
            self.add_error("until", _("The end date comes before the first day."))
        if data.get("frequency") == Recurrence.Frequency.WEEKLY and not data.get("weekdays"):
            self.add_error("weekdays", _("Choose at least one day of the week."))
        if not self.errors and recurrence.has_too_many(self.rule()):
            self.add_error(
                "until",
                _("This makes more than %(max)s occurrences; choose an earlier end.")
                % {"max": recurrence.MAX_OCCURRENCES},
            )
        return data

    def organisation_zone(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.zone_name)

    def rule(self) -> Recurrence:
        """The rule asked for, not saved."""
        data = self.cleaned_data
        frequency = data["frequency"]
        return Recurrence(
            frequency=frequency, interval=data["interval"], local_time=data["local_time"], timezone=self.zone_name,
            weekdays=data.get("weekdays") or [] if frequency == Recurrence.Frequency.WEEKLY else [],
            day_of_month=(data.get("day_of_month") or data["starts_on"].day)
            if frequency == Recurrence.Frequency.MONTHLY else None,
            starts_on=data["starts_on"], until=data.get("until"), count=data.get("count"),
        )  # fmt: skip
