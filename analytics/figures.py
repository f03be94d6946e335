"""Reach and engagement added up from the collected metrics: one aggregate query per table of a report.

Every figure comes from each published post's latest metrics (`Metric.is_latest`, one row per post), joined to
the posts in the same query, so a report reads a few hundred rows' worth of aggregates whatever the series hold.
Definitions, the same everywhere:
- reach: impressions or views (a platform that counts neither, such as Mastodon, adds nothing);
- engagement: likes + shares + replies + clicks;
- engagement rate: the engagement of the posts that report a reach, over that reach (Mastodon's engagement
  counts in the engagement but not in the rate, which would otherwise be inflated by posts of no reach).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, fields, replace
from typing import Any

from django.db.models import Count, Q, QuerySet, Sum
from django.db.models.functions import Coalesce, TruncDate

from publishing.engagement import engagement, published
from publishing.models import Publication

__all__ = ["Breakdown", "Totals", "breakdown", "by_day", "grouped", "published", "top_items", "totals"]

# Report names and the Metric columns they add up.
COLUMNS = {"reach": "impressions", "likes": "likes", "shares": "shares", "replies": "replies", "clicks": "clicks",
           "video_views": "video_views", "watch_time_s": "watch_time_s"}  # fmt: skip
AGGREGATES = {
    "posts": Count("pk"),
    "items": Count("variant__item", distinct=True),
    **{name: Coalesce(Sum(f"latest__{column}"), 0) for name, column in COLUMNS.items()},
}


def _aggregates() -> dict[str, Any]:
    return AGGREGATES | {
        "engagement": Coalesce(Sum(engagement()), 0),
        "rated_engagement": Coalesce(Sum(engagement(), filter=Q(latest__impressions__isnull=False)), 0),
    }


@dataclass(frozen=True)
class Totals:
    posts: int = 0
    items: int = 0
    reach: int = 0
    likes: int = 0
    shares: int = 0
    replies: int = 0
    clicks: int = 0
    video_views: int = 0
    watch_time_s: int = 0
    engagement: int = 0
    rated_engagement: int = 0

    @classmethod
    def of(cls, row: dict[str, Any]) -> Totals:
        return cls(**{f.name: int(row.get(f.name) or 0) for f in fields(cls)})

    def __add__(self, other: Totals) -> Totals:
        """Both added up (of posts counted once each: `items` is then at most the sum)."""
        return Totals(**{f.name: getattr(self, f.name) + getattr(other, f.name) for f in fields(self)})

    @property
    def rate(self) -> float | None:
        """Engagement over reach, as a fraction; None when nothing reported a reach."""
        return self.rated_engagement / self.reach if self.reach else None

    @property
    def per_post(self) -> float:
        return self.engagement / self.posts if self.posts else 0.0


def totals(posts: QuerySet[Publication]) -> Totals:
    return Totals.of(posts.aggregate(**_aggregates()))


def grouped(posts: QuerySet[Publication], by: str) -> list[tuple[Any, Totals]]:
    """Totals per value of the `by` path (e.g. "account__platform"), largest engagement first."""
    rows = posts.values(by).annotate(**_aggregates()).order_by("-engagement", by)
    return [(row[by], Totals.of(row)) for row in rows]


def by_day(posts: QuerySet[Publication], zone: dt.tzinfo) -> list[tuple[dt.date, Totals]]:
    """Totals of the posts published each day (where the organisation works), in date order."""
    rows = (
        posts.annotate(day=TruncDate("published_at", tzinfo=zone))
        .values("day")
        .annotate(**_aggregates())
        .order_by("day")
    )
    return [(_as_date(row["day"]), Totals.of(row)) for row in rows]


def top_items(posts: QuerySet[Publication], limit: int = 10) -> list[dict[str, Any]]:
    """The items whose posts drew the most engagement, with their totals."""
    rows = (
        posts.values("variant__item_id", "variant__item__title", "variant__item__kind")
        .annotate(**_aggregates())
        .order_by("-engagement", "-reach", "variant__item_id")[:limit]
    )
    return [
        {"id": row["variant__item_id"], "title": row["variant__item__title"], "kind": row["variant__item__kind"],
         "totals": Totals.of(row)}
        for row in rows
    ]  # fmt: skip


@dataclass(frozen=True)
class Breakdown:
    """The report's tables that one query per item and platform holds: each is what `totals`, `grouped` on
    the platform or the kind, `top_items` and a count per kind and platform would read."""

    totals: Totals
    by_platform: list[tuple[str, Totals]]
    by_kind: list[tuple[str, Totals]]
    top_items: list[dict[str, Any]]
    posts_by_kind_and_platform: dict[tuple[str, str], int]


def breakdown(posts: QuerySet[Publication], limit: int = 10) -> Breakdown:
    """The totals, per platform, per kind, the top items and the posts per kind and platform, from one query
    grouped by item and platform (a few thousand rows at most), added up here.

    Each row holds one item on one platform, so a platform's rows count its distinct items; an item's rows are
    added up first, so that a kind's and the campaign's count each item once."""
    rows = posts.values("variant__item_id", "variant__item__title", "variant__item__kind", "account__platform")
    rows = rows.annotate(**_aggregates()).order_by()
    by_platform: dict[str, Totals] = {}
    parts: dict[int, list[Totals]] = {}
    items: dict[int, dict[str, Any]] = {}
    counts: dict[tuple[str, str], int] = {}
    for row in rows:
        totals, platform, kind = Totals.of(row), row["account__platform"], row["variant__item__kind"]
        by_platform[platform] = by_platform[platform] + totals if platform in by_platform else totals
        counts[kind, platform] = counts.get((kind, platform), 0) + totals.posts
        parts.setdefault(row["variant__item_id"], []).append(totals)
        items[row["variant__item_id"]] = {
            "id": row["variant__item_id"],
            "title": row["variant__item__title"],
            "kind": kind,
        }
    by_kind: dict[str, Totals] = {}
    for pk, item in items.items():
        first, *others = parts[pk]
        item["totals"] = replace(sum(others, first), items=1)  # one item, on however many platforms
        kind = item["kind"]
        by_kind[kind] = by_kind[kind] + item["totals"] if kind in by_kind else item["totals"]
    every = list(items.values())
    return Breakdown(
        totals=sum((item["totals"] for item in every), Totals()),
        by_platform=_ordered(by_platform),
        by_kind=_ordered(by_kind),
        top_items=sorted(every, key=lambda i: (-i["totals"].engagement, -i["totals"].reach, i["id"]))[:limit],
        posts_by_kind_and_platform=counts,
    )


def _ordered(groups: dict[str, Totals]) -> list[tuple[str, Totals]]:
    """Largest engagement first, as `grouped` orders them."""
    return sorted(groups.items(), key=lambda group: (-group[1].engagement, group[0]))


def _as_date(value: dt.date | dt.datetime | str) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, str):  # SQLite returns the truncated date as text
        return dt.date.fromisoformat(value[:10])
    return value
