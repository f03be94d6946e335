"""The campaign report: what a campaign published and what it drew, read from the collected metrics.

A constant number of queries whatever the campaign holds: the campaign, one aggregate per item, platform and
language (totals, platforms, kinds, languages, top items and the kind-and-platform counts for the targets, added
up in Python), one per day, the organisation's posting times and the targets. Weeks are made from the days in
Python (a few hundred rows at most).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.shortcuts import get_object_or_404
from django.utils.dates import WEEKDAYS_ABBR

from analytics import charts, figures, targets
from analytics.figures import Totals
from analytics.models import CampaignTarget
from campaigns.languages import language_name
from campaigns.models import Campaign, ContentItem, Variant
from publishing.engagement import PostingTime, best_times, posting_times
from publishing.platforms import Platform

PLATFORMS = dict(Platform.choices)
KINDS = dict(ContentItem.Kind.choices)
WEEKDAYS = tuple(WEEKDAYS_ABBR[day] for day in range(7))  # Monday first, in the reader's language


def campaign_for(user: AbstractBaseUser, pk: int) -> Campaign:
    """One campaign of the user's organisations, or 404."""
    return get_object_or_404(Campaign.objects.for_user(user).select_related("organisation"), pk=pk)


def campaign_report(
    campaign: Campaign, user: AbstractBaseUser | None = None, *, with_charts: bool = True
) -> dict[str, Any]:
    """The report's figures and tables, and its charts drawn unless `with_charts` is false (the CSV needs none)."""
    organisation = campaign.organisation
    zone, today = organisation.zone, organisation.today()
    posts = figures.published(variant__item__campaign=campaign)
    tables = figures.breakdown(posts, Variant.objects.filter(item__campaign=campaign))
    totals = tables.totals
    by_platform = [(PLATFORMS.get(key, key), row) for key, row in tables.by_platform]
    by_kind = [(str(KINDS.get(key, key)), row) for key, row in tables.by_kind]
    by_language = [(language_name(key), row) for key, row in tables.by_language]
    weeks = weekly(figures.by_day(posts, zone))
    campaign_targets = list(campaign.targets.select_related("updated_by"))
    times = posting_times(organisation)
    context = {
        "campaign": campaign, "totals": totals, "by_platform": by_platform, "by_kind": by_kind,
        "by_language": by_language, "weeks": weeks, "top_items": tables.top_items,
        "progress": targets.progress(campaign, campaign_targets, totals, tables.posts_by_kind_and_platform, today),
        "can_set_targets": user is not None and targets.can_set_targets(user, campaign),
        "heatmap": heatmap(times), "best_times": best_times(organisation, times=times),
        "weekdays": WEEKDAYS, "hours": range(24),
    }  # fmt: skip
    if with_charts:
        context["charts"] = {
            "weekly": charts.weekly(weeks) if weeks else "",
            "cumulative": charts.cumulative(weeks) if weeks else "",
            "platforms": charts.platforms(by_platform) if by_platform else "",
            "kinds": charts.shares([(label, row.posts) for label, row in by_kind]) if by_kind else "",
            "languages": charts.shares([(label, row.posts) for label, row in by_language]) if by_language else "",
        }  # fmt: skip
    return context


def targets_progress(campaign_targets: list[CampaignTarget]) -> dict[int, targets.Progress]:
    """Each target's progress by its id, as the report shows it: two queries per campaign the targets are of."""
    found: dict[int, targets.Progress] = {}
    by_campaign: dict[int, list[CampaignTarget]] = {}
    for target in campaign_targets:
        by_campaign.setdefault(target.campaign_id, []).append(target)
    for group in by_campaign.values():
        campaign = group[0].campaign
        tables = figures.breakdown(
            figures.published(variant__item__campaign=campaign), Variant.objects.filter(item__campaign=campaign)
        )
        today = campaign.organisation.today()
        for shown in targets.progress(campaign, group, tables.totals, tables.posts_by_kind_and_platform, today):
            found[shown.target.pk] = shown
    return found


def weekly(days: list[tuple[dt.date, Totals]]) -> list[tuple[dt.date, Totals]]:
    """The days' totals added up per week (weeks start on Monday), with empty weeks in between kept."""
    if not days:
        return []
    monday = {day: day - dt.timedelta(days=day.weekday()) for day, _ in days}
    first, last = min(monday.values()), max(monday.values())
    weeks: dict[dt.date, Totals] = {}
    week = first
    while week <= last:
        weeks[week] = Totals()
        week += dt.timedelta(days=7)
    for day, totals in days:
        weeks[monday[day]] = weeks[monday[day]] + totals
    return list(weeks.items())


def heatmap(times: list[PostingTime]) -> list[tuple[str, list[tuple[PostingTime | None, float]]]]:
    """Per weekday (rows) and hour (columns): the posting time, if anything was published then, and its mean
    engagement per post as a fraction of the best cell's (the shade)."""
    best = max((time.engagement_per_post for time in times), default=0) or 1
    found = {(time.weekday, time.hour): time for time in times}
    return [
        (name, [(found.get((day, hour)), (found[day, hour].engagement_per_post / best) if (day, hour) in found else 0.0)
                for hour in range(24)])
        for day, name in enumerate(WEEKDAYS)
    ]  # fmt: skip
