"""The calendar's query string and the move of a chip: parsed and checked here, not in the views."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from campaigns.editor_forms import LocalDateTimeField
from campaigns.languages import CONTENT_LANGUAGES
from publishing.calendar import VIEWS, CalendarParams, Filters
from publishing.models import Publication
from publishing.platforms import Platform

# A move may land this far in the past (the time it takes to drag), as the schedule form allows.
MOVE_GRACE = dt.timedelta(minutes=1)


class CalendarQuery(forms.Form):
    """`?view=week|month|list&date=YYYY-MM-DD&org=&campaign=&platform=&state=&language=`."""

    view = forms.ChoiceField(choices=[(view, view) for view in VIEWS], required=False)
    date = forms.DateField(input_formats=["%Y-%m-%d"], required=False)
    org = forms.SlugField(required=False)
    campaign = forms.IntegerField(min_value=1, required=False)
    platform = forms.ChoiceField(choices=[("", _("All platforms")), *Platform.choices], required=False)
    state = forms.ChoiceField(choices=[("", _("All states")), *Publication.State.choices], required=False)
    language = forms.ChoiceField(choices=[("", _("All languages")), *CONTENT_LANGUAGES], required=False)

    def params(self) -> CalendarParams:
        """What was asked for; a value that does not parse falls back to its default (the form keeps the error)."""
        self.is_valid()
        data: dict[str, Any] = self.cleaned_data
        filters = Filters(
            campaign=data.get("campaign"),
            platform=data.get("platform") or "",
            state=data.get("state") or "",
            language=data.get("language") or "",
        )
        return CalendarParams(
            view=data.get("view") or "month", day=data.get("date"), organisation=data.get("org") or "", filters=filters
        )


class MoveForm(forms.Form):
    """Where a chip was dropped: a local date and time in the organisation's zone."""

    def __init__(self, *args: Any, zone: dt.tzinfo, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Refuses a wall time that DST skips (or doubles) in the organisation's zone.
        self.fields["when"] = LocalDateTimeField(zone, label=_("Publish at"))

    def clean_when(self) -> dt.datetime:
        when = self.cleaned_data["when"]
        if when < timezone.now() - MOVE_GRACE:
            raise forms.ValidationError(_("This time has passed; choose a time to come."))
        return when

    def refusal(self) -> dict[str, Any]:
        """The errors as the script shows them: one message naming the field, and all of them by field."""
        errors = {name: [str(message) for message in messages] for name, messages in self.errors.items()}
        first_field, messages = next(iter(errors.items()))
        return {"error": f"{first_field}: {messages[0]}", "errors": errors}
