from __future__ import annotations

import zoneinfo

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from people.models import Preferences

ZONE_NAMES = sorted(zoneinfo.available_timezones() - {"localtime", "Factory"})


class PreferencesForm(forms.ModelForm):
    class Meta:
        model = Preferences
        fields = ["language", "timezone"]

    def __init__(self, *args: object, organisation_zone: str, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.fields["language"].choices = [("", _("As my browser asks")), *settings.LANGUAGES]
        default = _("My organisation's (%(zone)s)") % {"zone": organisation_zone}
        self.fields["timezone"].widget = forms.Select(choices=[("", default), *((name, name) for name in ZONE_NAMES)])
