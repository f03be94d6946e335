"""The annual summary: what an organisation published in a year and what it drew, in the shape of a ministry's
yearly communication report (posts per kind and platform, views, engagement, months, top items, last year).

A year runs from 1 January to 31 December where the organisation works (`Organisation.zone`). Seven aggregate
queries whatever the year holds.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, QuerySet, Sum
from django.db.models.functions import Coalesce, ExtractMonth
from django.utils.translation import gettext_lazy as _

from analytics import figures
from analytics.figures import Totals
from campaigns.models import ContentItem, Organisation
from publishing.calendar import local_midnight
from publishing.models import Publication
from publishing.platforms import Platform

KIND_PLURALS = {
    ContentItem.Kind.POST: _("Posts"),
    ContentItem.Kind.INFOGRAPHIC: _("Infographics"),
    ContentItem.Kind.VIDEO: _("Videos"),
    ContentItem.Kind.ALERT: _("Alerts"),
}
PLATFORM_LABELS = dict(Platform.choices)
TOP_ITEMS = 5
SECONDS_PER_HOUR = 3600


@dataclass(frozen=True)
class KindRow:
    """One kind of item: its totals (`items` counts each item once) and its posts per platform, most first."""

    kind: str
    label: str
    totals: Totals
    platforms: list[tuple[str, int]]  # (platform label, posts)


@dataclass(frozen=True)
class MonthRow:
    month: dt.date  # the first of the month
    posts: int
    reach: int


@dataclass(frozen=True)
class AnnualSummary:
    organisation: Organisation
    year: int
    totals: Totals
    previous: Totals  # the year before, for the "+x % on last year" line
    kinds: list[KindRow]
    platforms: list[tuple[str, Totals]]  # (platform label, totals), most engagement first
    months: list[MonthRow]  # all twelve, empty ones included
    top: list[dict[str, Any]]

    @property
    def watch_time_hours(self) -> float:
        return self.totals.watch_time_s / SECONDS_PER_HOUR

    def change(self, name: str) -> float | None:
        """This year's figure `name` against last year's, as a fraction (+0.12 is 12 % more); None without one."""
        before = getattr(self.previous, name)
        return (getattr(self.totals, name) - before) / before if before else None

    @property
    def changes(self) -> dict[str, float | None]:
        return {name: self.change(name) for name in ("posts", "reach", "video_views", "engagement")}


def year_span(organisation: Organisation, year: int) -> tuple[dt.datetime, dt.datetime]:
    """The UTC instants that bound `year` where the organisation works (start included, end excluded)."""
    zone = organisation.zone
    return local_midnight(dt.date(year, 1, 1), zone), local_midnight(dt.date(year + 1, 1, 1), zone)


def posts_of_year(organisation: Organisation, year: int) -> QuerySet[Publication]:
    start, end = year_span(organisation, year)
    return figures.published(account__organisation=organisation, published_at__gte=start, published_at__lt=end)


def annual_summary(organisation: Organisation, year: int) -> AnnualSummary:
    """The organisation's figures for `year`, with last year's totals; seven queries."""
    posts = posts_of_year(organisation, year)
    return AnnualSummary(
        organisation=organisation,
        year=year,
        totals=figures.totals(posts),
        previous=figures.totals(posts_of_year(organisation, year - 1)),
        kinds=_kinds(posts),
        platforms=[(PLATFORM_LABELS.get(key, key), t) for key, t in figures.grouped(posts, "account__platform")],
        months=_months(posts, organisation, year),
        top=figures.top_items(posts, limit=TOP_ITEMS),
    )


def years_published(organisation: Organisation) -> list[int]:
    """The years (where the organisation works) in which it published something, newest first; one query."""
    stamps = figures.published(account__organisation=organisation).datetimes(
        "published_at", "year", tzinfo=organisation.zone
    )
    return sorted({stamp.year for stamp in stamps}, reverse=True)


def _kinds(posts: QuerySet[Publication]) -> list[KindRow]:
    # Items are counted per kind in their own query: an item posted on three platforms is one item, not three.
    cells = posts.values("variant__item__kind", "account__platform").annotate(posts=Count("pk"))
    per_kind: dict[str, list[tuple[str, int]]] = {}
    for cell in sorted(cells, key=lambda c: (-c["posts"], c["account__platform"])):
        platform = cell["account__platform"]
        per_kind.setdefault(cell["variant__item__kind"], []).append(
            (PLATFORM_LABELS.get(platform, platform), cell["posts"])
        )
    rows = [
        KindRow(kind, str(KIND_PLURALS.get(kind, kind)), t, per_kind.get(kind, []))
        for kind, t in figures.grouped(posts, "variant__item__kind")
    ]
    return sorted(rows, key=lambda row: (-row.totals.posts, row.kind))


def _months(posts: QuerySet[Publication], organisation: Organisation, year: int) -> list[MonthRow]:
    rows = (
        posts.annotate(month=ExtractMonth("published_at", tzinfo=organisation.zone))
        .values("month")
        .annotate(posts=Count("pk"), reach=Coalesce(Sum("latest__impressions"), 0))
    )
    found = {row["month"]: row for row in rows}
    return [
        MonthRow(dt.date(year, month, 1), found.get(month, {}).get("posts", 0), found.get(month, {}).get("reach", 0))
        for month in range(1, 13)
    ]
