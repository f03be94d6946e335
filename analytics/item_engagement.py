"""One item's engagement: each published post's series of collected figures, for the item page's curves."""

from __future__ import annotations

from dataclasses import dataclass, field

from campaigns.models import ContentItem
from publishing.engagement import ENGAGEMENT_PARTS
from publishing.models import Metric
from publishing.platforms import Platform

PLATFORMS = dict(Platform.choices)


@dataclass
class Series:
    label: str
    published_at: object
    points: list[Metric] = field(default_factory=list)

    @property
    def latest(self) -> Metric:
        return self.points[-1]

    def engagement(self, metric: Metric) -> int:
        return sum(getattr(metric, part) or 0 for part in ENGAGEMENT_PARTS)


def series_of(item: ContentItem) -> list[Series]:
    """Each published post of the item with its collected figures in time order; one query."""
    metrics = (
        Metric.objects.filter(publication__variant__item=item)
        .select_related("publication__variant", "publication__account")
        .order_by("publication__published_at", "publication_id", "collected_at")
    )
    found: dict[int, Series] = {}
    for metric in metrics:
        publication = metric.publication
        if publication.pk not in found:
            label = f"{PLATFORMS.get(publication.account.platform)} · {publication.variant.language.upper()}"
            found[publication.pk] = Series(f"{label} ({publication.account.handle})", publication.published_at)
        found[publication.pk].points.append(metric)
    return list(found.values())
