"""The item page's engagement panel, drawn by analytics so that the campaigns app does not depend on it."""

from __future__ import annotations

from typing import Any

from django import template

from analytics import charts
from analytics.item_engagement import series_of

register = template.Library()


@register.inclusion_tag("analytics/_item_engagement.html")
def engagement_of(item: Any) -> dict[str, Any]:
    series = series_of(item)
    return {"series": series, "chart": charts.growth(series) if series else ""}
