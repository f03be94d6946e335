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
from dataclasses import astuple, dataclass, fields, replace
from typing import Any

from django.db.models import Count, Q, QuerySet, Sum
from django.db.models.functions import Coalesce, TruncDate

from campaigns.models import Variant
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


def _aggregates(distinct_items: bool = True) -> dict[str, Any]:
    """The sums a table adds up; without `distinct_items`, no COUNT(DISTINCT), which would make PostgreSQL sort
    every row instead of hashing the groups (the breakdown counts its items itself)."""
    chosen = AGGREGATES if distinct_items else {k: v for k, v in AGGREGATES.items() if k != "items"}
    return chosen | {
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
        return cls(*(int(row.get(name) or 0) for name in TOTALS_FIELDS))

    def __add__(self, other: Totals) -> Totals:
        """Both added up (of posts counted once each: `items` is then at most the sum)."""
        return Totals(*(a + b for a, b in zip(astuple(self), astuple(other), strict=True)))

    @property
    def rate(self) -> float | None:
        """Engagement over reach, as a fraction; None when nothing reported a reach."""
        return self.rated_engagement / self.reach if self.reach else None

    @property
    def per_post(self) -> float:
        return self.engagement / self.posts if self.posts else 0.0


TOTALS_FIELDS = tuple(f.name for f in fields(Totals))


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
    """The report's tables that one query per item, platform and language holds: each is what `totals`,
    `grouped` on the platform, the kind or the language, `top_items` and a count per kind and platform would read."""

    totals: Totals
    by_platform: list[tuple[str, Totals]]
    by_kind: list[tuple[str, Totals]]
    by_language: list[tuple[str, Totals]]
    top_items: list[dict[str, Any]]
    posts_by_kind_and_platform: dict[tuple[str, str], int]


def breakdown(posts: QuerySet[Publication], variants: QuerySet[Variant], limit: int = 10) -> Breakdown:
    """The totals, per platform, kind and language, the top items and the posts per kind and platform, from one
    query grouped by variant and platform (a few thousand rows at most) and one of the `variants` the posts are
    of (e.g. the campaign's), added up here.

    A row is one variant, so one item on one platform in one language: its posts and figures add up everywhere, while the items
    of a platform or a language are counted as distinct ids, and those of a kind or of the campaign once each.
    Sums are kept as plain lists until the end: thousands of rows, each added in four places."""
    # Grouped on integers and hashed, then labelled from the variants: grouping on the titles' text instead made
    # PostgreSQL sort every post (2.5 times slower on 20,000 posts).
    rows = posts.values("variant_id", "account__platform").annotate(**_aggregates(distinct_items=False)).order_by()
    variants = {
        pk: (item_id, title, kind, language)
        for pk, item_id, title, kind, language in variants.values_list(
            "pk", "item_id", "item__title", "item__kind", "language"
        )
    }  # fmt: skip
    platforms, languages, kinds, every = _Groups(), _Groups(), _Groups(), _Groups()
    items: dict[int, dict[str, Any]] = {}
    counts: dict[tuple[str, str], int] = {}
    for row in rows:
        values = [int(row.get(name) or 0) for name in TOTALS_FIELDS]
        pk, title, kind, language = variants[row["variant_id"]]
        platform = row["account__platform"]
        for groups, key in ((platforms, platform), (languages, language), (kinds, kind), (every, pk)):
            groups.add(key, pk, values)
        counts[kind, platform] = counts.get((kind, platform), 0) + values[0]
        items[pk] = {"id": pk, "title": title, "kind": kind}
    for pk, totals in every.totals().items():
        items[pk]["totals"] = totals
    ranked = sorted(items.values(), key=lambda i: (-i["totals"].engagement, -i["totals"].reach, i["id"]))
    return Breakdown(
        totals=every.all(),
        by_platform=_ordered(platforms.totals()),
        by_kind=_ordered(kinds.totals()),
        by_language=_ordered(languages.totals()),
        top_items=ranked[:limit],
        posts_by_kind_and_platform=counts,
    )


class _Groups:
    """Sums per key, each key's items counted once however many rows hold them."""

    def __init__(self) -> None:
        self.sums: dict[Any, list[int]] = {}
        self.items: dict[Any, set[int]] = {}

    def add(self, key: Any, item_id: int, values: list[int]) -> None:
        if key in self.sums:
            self.sums[key] = [a + b for a, b in zip(self.sums[key], values, strict=True)]
        else:
            self.sums[key] = list(values)
        self.items.setdefault(key, set()).add(item_id)

    def totals(self) -> dict[Any, Totals]:
        return {key: replace(Totals(*sums), items=len(self.items[key])) for key, sums in self.sums.items()}

    def all(self) -> Totals:
        """Every key's sums together, with every item once."""
        found = [sum(column) for column in zip(*self.sums.values(), strict=True)] or [0] * len(TOTALS_FIELDS)
        return replace(Totals(*found), items=len(set().union(*self.items.values())))


def _ordered(groups: dict[str, Totals]) -> list[tuple[str, Totals]]:
    """Largest engagement first, as `grouped` orders them."""
    return sorted(groups.items(), key=lambda group: (-group[1].engagement, group[0]))


def _as_date(value: dt.date | dt.datetime | str) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, str):  # SQLite returns the truncated date as text
        return dt.date.fromisoformat(value[:10])
    return value
