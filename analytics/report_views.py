"""The campaign report page and its targets' forms: thin, the figures come from analytics/reports.py and the
changes from analytics/targets.py."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from analytics import reports, targets
from analytics.forms import OutcomeForm, TargetForm


@login_required
def campaign_report(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = reports.campaign_for(request.user, pk)
    return _page(request, campaign)


@login_required
@require_POST
def target_add(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = reports.campaign_for(request.user, pk)
    targets.check_can_set_targets(request.user, campaign)
    form = TargetForm(request.POST)
    if form.is_valid():
        values = {name: form.cleaned_data[name] for name in form.Meta.fields}
        try:
            targets.add_target(campaign, request.user, values)
        except ValidationError as refusal:
            for field, errors in refusal.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            messages.success(request, _("Target added."))
            return redirect("campaign_report", campaign.pk)
    return _page(request, campaign, target_form=form, status=400)


@login_required
@require_POST
def target_outcome(request: HttpRequest, pk: int, target_pk: int) -> HttpResponse:
    campaign = reports.campaign_for(request.user, pk)
    target = get_object_or_404(campaign.targets, pk=target_pk, measure="outcome")
    form = OutcomeForm(request.POST)
    if not form.is_valid():
        return _page(request, campaign, outcome_forms={target.pk: form}, status=400)
    targets.enter_outcome(target, request.user, form.cleaned_data["achieved"])
    messages.success(request, _("Outcome figure saved."))
    return redirect("campaign_report", campaign.pk)


@login_required
@require_POST
def target_remove(request: HttpRequest, pk: int, target_pk: int) -> HttpResponse:
    campaign = reports.campaign_for(request.user, pk)
    targets.remove_target(get_object_or_404(campaign.targets, pk=target_pk), request.user)
    messages.success(request, _("Target removed."))
    return redirect("campaign_report", campaign.pk)


def _page(request: HttpRequest, campaign, target_form=None, outcome_forms=None, status: int = 200) -> HttpResponse:
    context = reports.campaign_report(campaign, request.user)
    context |= {"target_form": target_form or TargetForm(), "outcome_forms": outcome_forms or {}}
    return render(request, "analytics/campaign_report.html", context, status=status)
