"""The cadence pages: set one up for a campaign, preview its plan, apply it. Thin."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from campaigns import selectors
from campaigns.workflow import WorkflowError
from publishing import cadence as cadences
from publishing.cadence_forms import CadenceForm
from publishing.models import Cadence


@login_required
def cadence_new(request: HttpRequest, campaign_pk: int) -> HttpResponse:
    campaign = selectors.campaign_for_user(request.user, campaign_pk)
    form = CadenceForm(request.POST or None, campaign=campaign)
    context = {"form": form, "campaign": campaign}
    if request.method == "POST" and form.is_valid():
        try:
            cadence = cadences.create_cadence(
                campaign, request.user, form.changes(), list(form.cleaned_data["accounts"])
            )
        except WorkflowError as refusal:
            return render(request, "publishing/cadence_new.html", context | {"refusal": refusal}, status=refusal.status)
        except ValidationError as error:
            _errors_on_fields(form, error)
        else:
            messages.success(request, _("Cadence set up. Check the plan before applying it."))
            return redirect("cadence_preview", cadence.pk)
    status = 400 if request.method == "POST" else 200
    return render(request, "publishing/cadence_new.html", context, status=status)


@login_required
def cadence_preview(request: HttpRequest, pk: int) -> HttpResponse:
    """The plan in the organisation's time zone: each slot planned, occupied or free, and the items left out."""
    cadence = _cadence_for(request, pk)
    return render(request, "publishing/cadence_preview.html", _preview(cadence))


@login_required
@require_POST
def cadence_apply(request: HttpRequest, pk: int) -> HttpResponse:
    cadence = _cadence_for(request, pk)
    try:
        publications = cadences.apply(cadence, request.POST.get("fingerprint", ""), request.user)
    except WorkflowError as refusal:
        context = _preview(cadence) | {"refusal": refusal}
        return render(request, "publishing/cadence_preview.html", context, status=refusal.status)
    count = len({p.variant.item_id for p in publications})
    messages.success(request, ngettext("%(n)s item scheduled.", "%(n)s items scheduled.", count) % {"n": count})
    return redirect("campaign_detail", cadence.campaign_id)


def _cadence_for(request: HttpRequest, pk: int) -> Cadence:
    queryset = Cadence.objects.for_user(request.user).select_related("campaign__organisation")
    return get_object_or_404(queryset, pk=pk)


def _preview(cadence: Cadence) -> dict:
    plan = cadences.plan(cadence)
    return {"cadence": cadence, "campaign": cadence.campaign, "plan": plan, "zone": cadence.campaign.organisation.zone}


def _errors_on_fields(form: CadenceForm, error: ValidationError) -> None:
    for field, messages_ in error.message_dict.items():
        form.add_error(field if field in form.fields else None, messages_)
