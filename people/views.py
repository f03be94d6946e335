"""The preferences page: a person's language and time zone. Thin."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.translation import gettext as _

from people.forms import PreferencesForm
from people.models import Preferences
from people.preferences import activate, choice_for, organisation_zone_of, save_preferences


@login_required
def preferences(request: HttpRequest) -> HttpResponse:
    current = Preferences.objects.filter(user=request.user).first() or Preferences(user=request.user)
    form = PreferencesForm(
        request.POST or None,
        instance=current,
        organisation_zone=organisation_zone_of(request.user) or settings.TIME_ZONE,
    )
    if request.method == "POST" and form.is_valid():
        save_preferences(
            request.user, language=form.cleaned_data["language"], timezone_name=form.cleaned_data["timezone"]
        )
        activate(choice_for(request.user))
        if not form.cleaned_data["language"]:
            translation.activate(translation.get_language_from_request(request))
        messages.success(request, _("Your preferences are saved."))
        return redirect("preferences")
    return render(request, "people/preferences.html", {"form": form})
