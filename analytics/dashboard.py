"""The organisation dashboard on the home page: this week's schedule, the items waiting for the user's review,
the publications needing a person, and the last 30 days of engagement against the 30 before.

One organisation at a time (the first of the user's, or the one chosen); eight queries whatever it holds.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone

from analytics import figures
from analytics.figures import Totals
from campaigns.models import ContentItem, Organisation
from campaigns.selectors import review_queue
from publishing.attention import WHAT_HAPPENED
from publishing.calendar import PLATFORM_LABELS, Filters, Span, organisations_of, publications_in, span_of
from publishing.models import Publication
from publishing.scheduling import NEEDS_A_PERSON

STATE_LABELS = dict(Publication.State.choices)

REVIEW_SHOWN = 5
ATTENTION_SHOWN = 5
ENGAGEMENT_WINDOW = dt.timedelta(days=30)
# A note on a published post is never marked as dealt with; past this it is history, which the log keeps.
NOTES_SHOWN_FOR = dt.timedelta(days=30)
P = Publication.State


@dataclass(frozen=True)
class Dashboard:
    organisation: Organisation
    organisations: list[Organisation]
    week: Span
    schedule: list[tuple[dt.date, list[dict[str, Any]]]]  # every day of the week, Monday first
    review_count: int
    review: list[ContentItem]  # the first few of the user's review queue
    attention_count: int
    attention: list[Publication]  # the latest few, each with `what_happened`
    recent: Totals  # the last 30 days
    before: Totals  # the 30 days before those

    @property
    def scheduled_count(self) -> int:
        return sum(len(line["accounts"]) for _, lines in self.schedule for line in lines)

    def change(self, name: str) -> float | None:
        """The last 30 days' figure `name` against the 30 before, as a fraction; None without a figure before."""
        before = getattr(self.before, name)
        return (getattr(self.recent, name) - before) / before if before else None

    @property
    def changes(self) -> dict[str, float | None]:
        return {name: self.change(name) for name in ("posts", "reach", "engagement")}


def dashboard_for(user: AbstractBaseUser, slug: str = "", now: dt.datetime | None = None) -> Dashboard | None:
    """The dashboard of the user's organisation `slug` (empty: the first one); None without an organisation,
    404 for an organisation the user is not a member of."""
    organisations = organisations_of(user)
    if not organisations:
        return None
    organisation = organisations[0]
    if slug:
        organisation = next((o for o in organisations if o.slug == slug), None)
        if organisation is None:
            raise Http404("You are not a member of this organisation.")
    now = now or timezone.now()
    week = span_of("week", now.astimezone(organisation.zone).date(), organisation.zone)
    queue = review_queue(user).filter(campaign__organisation=organisation)
    attention = needing_attention(user, organisation, now)
    return Dashboard(
        organisation=organisation,
        organisations=organisations,
        week=week,
        schedule=_by_day(week, publications_in(user, organisation, week, Filters())),
        review_count=queue.count(),
        review=list(queue[:REVIEW_SHOWN]),
        attention_count=attention.count(),
        attention=[_explained(p) for p in attention.select_related("variant__item", "account")[:ATTENTION_SHOWN]],
        recent=_engagement(organisation, now - ENGAGEMENT_WINDOW, now),
        before=_engagement(organisation, now - 2 * ENGAGEMENT_WINDOW, now - ENGAGEMENT_WINDOW),
    )


def needing_attention(user: AbstractBaseUser, organisation: Organisation, now: dt.datetime) -> QuerySet[Publication]:
    """Publications the engine could not settle, and recent published ones with a note; latest first."""
    noted = Q(state=P.PUBLISHED, published_at__gte=now - NOTES_SHOWN_FOR) & ~Q(notes="")
    return (
        Publication.objects.for_user(user)
        .for_organisation(organisation)
        .filter(Q(state__in=NEEDS_A_PERSON) | noted)
        .order_by("-scheduled_at", "-pk")
    )


def _by_day(week: Span, entries: list[dict[str, Any]]) -> list[tuple[dt.date, list[dict[str, Any]]]]:
    """Each day of the week with its posts, one line per item and instant: an alert going out on five platforms
    at 07:00 is one line naming the five, not five lines."""
    days: dict[dt.date, dict[tuple[str, int], dict[str, Any]]] = {day: {} for day in week.days}
    for entry in entries:
        if entry["state"] == P.CANCELLED:
            continue
        # The calendar's entries carry their local time as ISO text: its date is the local day.
        line = days[dt.date.fromisoformat(entry["scheduled_at"][:10])].setdefault(
            (entry["scheduled_at"], entry["item_id"]),
            {"scheduled_at": entry["scheduled_at"], "item_id": entry["item_id"], "title": entry["title"],
             "platforms": [], "accounts": [], "states": []},
        )  # fmt: skip
        line["platforms"].append(PLATFORM_LABELS.get(entry["platform"], entry["platform"]))
        line["accounts"].append(entry["account"])
        if (label := STATE_LABELS[entry["state"]]) not in line["states"]:
            line["states"].append(label)
    return [(day, list(lines.values())) for day, lines in days.items()]


def _explained(publication: Publication) -> Publication:
    publication.what_happened = WHAT_HAPPENED[publication.state]
    return publication


def _engagement(organisation: Organisation, start: dt.datetime, end: dt.datetime) -> Totals:
    posts = figures.published(account__organisation=organisation, published_at__gte=start, published_at__lt=end)
    return figures.totals(posts)
