"""The annual summary page: thin, the figures come from analytics/annual.py."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from analytics import annual
from campaigns.models import Organisation

# Outside these, a year is a typo (and past 9998 the year after it is no date at all).
FIRST_YEAR, LAST_YEAR = 2000, 9998


@login_required
def annual_summary(request: HttpRequest, slug: str, year: int) -> HttpResponse:
    organisation = get_object_or_404(Organisation.objects.for_user(request.user), slug=slug)
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise Http404("No such year.")
    years = sorted({*annual.years_published(organisation), organisation.today().year, year}, reverse=True)
    context = {"summary": annual.annual_summary(organisation, year), "years": years}
    return render(request, "analytics/annual_summary.html", context)
