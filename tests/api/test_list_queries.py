"""A list page costs the same number of queries however many rows it shows (no query per row)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from campaigns.models import VariantMedia
from publishing.models import Metric
from tests import builders

LISTS = ["/api/items/", "/api/variants/", "/api/publications/"]


def add_rows(world, count: int, prefix: str) -> None:
    """`count` more items, each with two variants carrying an image, published with their latest metrics."""
    for n in range(count):
        item = builders.make_item(world.campaign, title=f"{prefix} {n}", author=world.editor)
        variants = [builders.make_variant(item, platform=platform) for platform in ("mastodon", "bluesky")]
        for variant in variants:
            media = builders.make_media(world.ministry, title=f"{prefix} card {n} {variant.platform}")
            VariantMedia.objects.create(variant=variant, asset=media)
        on_account = next(v for v in variants if v.platform == world.account.platform)
        publication = builders.make_publication(
            on_account, world.account, state="published", published_at=timezone.now(), remote_id=f"{prefix}-{n}"
        )
        Metric.objects.create(publication=publication, slot=0, collected_at=timezone.now(), likes=n, is_latest=True)


def queries_of(client, url: str) -> tuple[int, int]:
    with CaptureQueriesContext(connection) as queries:
        answer = client.get(url)
    assert answer.status_code == 200
    return len(queries), len(answer.json()["results"])


@pytest.mark.parametrize("url", LISTS)
def test_a_list_page_makes_as_many_queries_for_many_rows_as_for_one(world, api_as, url):
    client = api_as("editor")
    add_rows(world, 1, "first")  # an empty page would skip the prefetches
    client.get(url)  # the token's first use of the minute also records last_used_at
    few, few_rows = queries_of(client, url)
    add_rows(world, 6, "more")
    many, many_rows = queries_of(client, url)
    assert many_rows > few_rows
    assert many == few
