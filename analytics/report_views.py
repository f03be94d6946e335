"""The campaign report page: thin, the figures come from analytics/reports.py."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from analytics import reports


@login_required
def campaign_report(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = reports.campaign_for(request.user, pk)
    return render(request, "analytics/campaign_report.html", reports.campaign_report(campaign))
