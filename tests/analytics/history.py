"""Published posts with a metrics series, written straight to the database: fixed data for report figures."""

from __future__ import annotations

import datetime as dt
import itertools
from typing import Any

from publishing.models import Metric, Publication, SocialAccount
from tests import builders

_remote_ids = itertools.count(1)


def published_post(
    variant: Any, account: SocialAccount, at: dt.datetime, series: list[dict[str, int | None]] | None = None
) -> Publication:
    """A post published at `at`, with one Metric per entry of `series` a day apart (the last one the latest)."""
    publication = builders.make_publication(
        variant, account, scheduled_at=at, state=Publication.State.PUBLISHED, published_at=at,
        remote_id=f"remote-{next(_remote_ids)}",
    )  # fmt: skip
    for slot, figures in enumerate(series or []):
        Metric.objects.create(
            publication=publication, slot=slot, collected_at=at + dt.timedelta(days=slot + 1),
            is_latest=slot == len(series) - 1, **figures,
        )  # fmt: skip
    return publication
