"""Published posts with their latest collected metrics, and the engagement expression every report shares;
the organisation's best posting times, learnt from its own history, which the scheduling form suggests.

Engagement is likes + shares + replies + clicks, from each post's latest metrics (`Metric.is_latest`).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.core.cache import cache
from django.db.models import Count, F, FilteredRelation, Q, QuerySet, Sum, Value
from django.db.models.functions import Coalesce, ExtractHour, ExtractIsoWeekDay
from django.utils import timezone

from campaigns.models import Organisation
from publishing.models import Publication

ENGAGEMENT_PARTS = ("likes", "shares", "replies", "clicks")
# A time needs this many posts in the history before it is called good: two lucky posts prove nothing.
MIN_POSTS_PER_TIME = 3
BEST_TIMES_HISTORY = dt.timedelta(days=365)
# A year of history moves little in minutes, and every report and scheduling form asks for it: kept this long.
POSTING_TIMES_CACHE_S = 600


def published(**lookups: Any) -> QuerySet[Publication]:
    """Published posts matching `lookups` (e.g. `variant__item__campaign=campaign`), each with its latest metrics
    reachable as `latest__…` (a LEFT JOIN: a post not collected yet counts as a post with no figures)."""
    return (
        Publication.objects.filter(state=Publication.State.PUBLISHED, published_at__isnull=False, **lookups)
        .annotate(latest=FilteredRelation("metrics", condition=Q(metrics__is_latest=True)))
    )  # fmt: skip


def engagement() -> Any:
    """The engagement of one post of `published()`, for Sum() and friends."""
    first, *others = (Coalesce(F(f"latest__{part}"), Value(0)) for part in ENGAGEMENT_PARTS)
    return sum(others, first)


@dataclass(frozen=True)
class PostingTime:
    weekday: int  # 0 is Monday, as PostingSlot counts
    hour: int
    posts: int
    engagement_per_post: float

    @property
    def local_time(self) -> dt.time:
        return dt.time(self.hour)


def posting_times(organisation: Organisation, now: dt.datetime | None = None) -> list[PostingTime]:
    """Every (weekday, hour) the organisation published at over the last year, where it works, with its posts and
    their mean engagement; one query, or none for POSTING_TIMES_CACHE_S after (unless asked as of `now`)."""
    if now is None:
        key = f"planner:posting-times:{organisation.pk}"
        return cache.get_or_set(key, lambda: _posting_times(organisation, timezone.now()), POSTING_TIMES_CACHE_S)
    return _posting_times(organisation, now)


def _posting_times(organisation: Organisation, now: dt.datetime) -> list[PostingTime]:
    since = now - BEST_TIMES_HISTORY
    zone = organisation.zone
    rows = (
        published(account__organisation=organisation, published_at__gte=since)
        .annotate(weekday=ExtractIsoWeekDay("published_at", tzinfo=zone), hour=ExtractHour("published_at", tzinfo=zone))
        .values("weekday", "hour")
        .annotate(posts=Count("pk"), engagement=Coalesce(Sum(engagement()), 0))
        .order_by("weekday", "hour")
    )
    return [
        PostingTime(row["weekday"] - 1, row["hour"], row["posts"], row["engagement"] / row["posts"]) for row in rows
    ]


def best_times(
    organisation: Organisation, limit: int = 3, now: dt.datetime | None = None, times: list[PostingTime] | None = None
) -> list[PostingTime]:
    """The times whose posts drew the most engagement, among those with enough posts to tell (from `times` if
    already read)."""
    times = posting_times(organisation, now) if times is None else times
    known = [time for time in times if time.posts >= MIN_POSTS_PER_TIME]
    return sorted(known, key=lambda t: (-t.engagement_per_post, -t.posts, t.weekday, t.hour))[:limit]
