"""The observances page: the built-in health days and the organisation's own, which its managers add. Thin."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from campaigns import observances, selectors
from campaigns.models import Observance, Organisation
from campaigns.scoping import role_in
from campaigns.workflow import WorkflowError


class ObservanceForm(forms.ModelForm):
    class Meta:
        model = Observance
        fields = ["name", "month", "day", "weekday", "ordinal", "duration_days", "description", "link"]
        widgets = {"description": forms.Textarea(attrs={"rows": 2})}


@login_required
def observance_list(request: HttpRequest) -> HttpResponse:
    organisation = _organisation(request)
    form = ObservanceForm(request.POST or None)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            fields = {name: form.cleaned_data[name] for name in ObservanceForm.Meta.fields}
            try:
                observances.add_observance(organisation, request.user, fields)
            except WorkflowError as refusal:
                messages.error(request, refusal.message)
                status = refusal.status
            except ValidationError as error:
                for field, errors in error.message_dict.items():
                    form.add_error(field if field in form.fields else None, errors)
            else:
                messages.success(request, _("Observance added: it shows on the calendar."))
                return redirect(f"{request.path}?org={organisation.slug}")
    today = organisation.today()
    rows = [(o, observances.next_occurrence(o, today)) for o in observances.visible_to(organisation)]
    context = {
        "organisation": organisation, "form": form, "rows": sorted(rows, key=lambda row: row[1]),
        "can_keep": role_in(request.user, organisation) in observances.OBSERVANCE_ROLES,
    }  # fmt: skip
    return render(request, "campaigns/observances.html", context, status=status)


@login_required
@require_POST
def observance_remove(request: HttpRequest, pk: int) -> HttpResponse:
    observance = get_object_or_404(Observance.objects.for_user(request.user), pk=pk)
    try:
        observances.remove_observance(observance, request.user)
    except WorkflowError as refusal:
        messages.error(request, refusal.message)
    else:
        messages.success(request, _("Observance removed."))
    return redirect(f"{reverse('observances')}?org={observance.organisation.slug}")


def _organisation(request: HttpRequest) -> Organisation:
    memberships = list(selectors.memberships_of(request.user))
    slug = request.GET.get("org", "")
    for membership in memberships:
        if not slug or membership.organisation.slug == slug:
            return membership.organisation
    raise Http404("You are not a member of this organisation.")
