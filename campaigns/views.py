"""Pages of the campaigns app; thin: they call selectors and render."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from analytics.dashboard import dashboard_for
from campaigns import observances, selectors
from campaigns.languages import is_rtl, language_name
from campaigns.models import ContentItem


@login_required
def home(request: HttpRequest) -> HttpResponse:
    campaigns = list(selectors.campaigns_for_home(request.user))
    for campaign in campaigns:
        campaign.is_current = campaign.is_running_on(campaign.organisation.today())
    context = {
        "campaigns": campaigns,
        "memberships": selectors.memberships_of(request.user),
        "dashboard": dashboard_for(request.user, request.GET.get("org", "")),
    }
    return render(request, "campaigns/home.html", context)


@login_required
def campaign_detail(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = selectors.campaign_for_user(request.user, pk)
    items = list(selectors.items_of(campaign))
    columns = [
        (state, label, [item for item in items if item.state == state])
        for state, label in ContentItem.State.choices
        if state != ContentItem.State.ARCHIVED
    ]
    languages = [(code, language_name(code), is_rtl(code)) for code in campaign.effective_languages]
    context = {"campaign": campaign, "columns": columns, "languages": languages, "item_count": len(items)}
    if (anchor := campaign.anchor_observance) is not None:
        today = campaign.organisation.today()
        day = observances.next_occurrence(anchor, today)
        context["anchor"] = {"observance": anchor, "day": day, "days_to_go": (day - today).days}
    context["cadences"] = list(campaign.cadences.order_by("name"))
    return render(request, "campaigns/campaign_detail.html", context)
