"""The item and publication lists written by the database (api/rows.py) are the serializers' very bytes.

Each page is asked twice, with the fast path and with PLANNER_API_FAST_LISTS off (the serializers), and the two
answers must be equal byte for byte: on every filter, every ordering both ways, and every page of the cursor
walk. The first answer must have come from the fast path: written by PostgreSQL, or built from values elsewhere.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from api import row_values, rows
from api.views.items import ItemViewSet
from api.views.publishing import PublicationViewSet
from campaigns.models import ContentItem, MediaAsset, Source, VariantMedia
from publishing.models import Metric
from tests import builders

# Quotes, a backslash, control characters, the separators DRF escapes, Arabic and an emoji.
AWKWARD = 'Say "no" \\ to flu\ttoday\nor\x01never\u2028line\u2029para — لقاح الإنفلونزا مجاني 💉'
ON_THE_SECOND = dt.datetime(2026, 11, 2, 9, 30, tzinfo=dt.UTC)
WITH_MICROSECONDS = dt.datetime(2026, 11, 3, 17, 5, 9, 250, tzinfo=dt.UTC)


@pytest.fixture
def lists(world):
    """Items and publications with every kind of value: nulls, nested rows, none of them, awkward text."""
    rich = builders.make_item(
        world.campaign, AWKWARD, brief="مختصر", master_text=AWKWARD, planned_at=ON_THE_SECOND, kind="alert",
        is_crisis=True, is_health_advice=True, author=world.editor, state="approved",
    )  # fmt: skip
    ContentItem.objects.filter(pk=rich.pk).update(approval_expired_at=WITH_MICROSECONDS)
    arabic = builders.make_variant(rich, platform="bluesky", language="ar", text=AWKWARD, first_comment="تعليق")
    english = builders.make_variant(rich, platform="mastodon", language="en", link="https://example.org/flu")
    builders.make_variant(rich, platform="mastodon", language="fr", text="Grippe : faites-vous vacciner")
    for position, (title, days) in enumerate((("older card", 3), ("newer card", 1), ("oldest card", 9))):
        media = builders.make_media(world.ministry, title=title)
        MediaAsset.objects.filter(pk=media.pk).update(created_at=timezone.now() - dt.timedelta(days=days))
        VariantMedia.objects.create(variant=arabic, asset=media, position=position)
    Source.objects.create(item=rich, url="https://who.int/flu", title="WHO — الإنفلونزا")
    Source.objects.create(item=rich, url="https://example.org/a", title="")
    bare = builders.make_item(world.campaign, "No author, no variants, no sources")
    other = builders.make_campaign(world.ministry, "Measles")
    builders.make_item(other, "Measles", state="draft", planned_at=WITH_MICROSECONDS, author=world.manager)

    sent = builders.make_publication(
        english, world.account, state="published", published_at=WITH_MICROSECONDS, scheduled_at=ON_THE_SECOND,
        remote_id="1", remote_url="https://mastodon.example/@health/1", last_error=AWKWARD,
    )  # fmt: skip
    Metric.objects.create(publication=sent, slot=0, collected_at=ON_THE_SECOND, likes=3, is_latest=False)
    Metric.objects.create(
        publication=sent, slot=1, collected_at=WITH_MICROSECONDS, impressions=None, likes=0, shares=12,
        replies=None, clicks=2**40, video_views=None, watch_time_s=7, is_latest=True,
    )  # fmt: skip
    bluesky = builders.make_account(world.ministry, platform="bluesky", handle="@health.example")
    only_old = builders.make_publication(
        arabic, bluesky, latest_acceptable_at=timezone.now() + dt.timedelta(days=2), attempts=2,
        next_attempt_at=WITH_MICROSECONDS, state="failed",
    )  # fmt: skip
    Metric.objects.create(publication=only_old, slot=0, collected_at=ON_THE_SECOND, likes=1, is_latest=False)
    builders.make_publication(world.variant, world.account)  # no metrics at all
    builders.make_publication(world.clinic_variant, world.clinic_account)  # another organisation's
    return {"rich": rich, "bare": bare, "other": other, "sent": sent}


def both_ways(client, url: str) -> tuple[object, object]:
    fast = client.get(url)
    with override_settings(PLANNER_API_FAST_LISTS=False):
        slow = client.get(url)
    return fast, slow


def assert_same_walk(client, url: str) -> int:
    """Every page of the cursor walk from `url`, forwards then one step back, equal both ways; the rows seen."""
    seen = 0
    previous = None
    while url:
        fast, slow = both_ways(client, url)
        assert fast.status_code == slow.status_code == 200, (url, slow.content[:300])
        assert fast["Content-Type"] == slow["Content-Type"]
        assert fast.content == slow.content, url
        # On PostgreSQL the rows were written by the database (a plain HttpResponse, no `data`); elsewhere
        # built from values (a plain list, where the serializer's is its ReturnList).
        if connection.vendor == "postgresql":
            assert not hasattr(fast, "data")
        else:
            assert type(fast.data["results"]) is list
            assert type(slow.data["results"]) is not list
        page = slow.json()
        seen += len(page["results"])
        previous, url = page["previous"] or previous, page["next"]
    if previous:
        fast, slow = both_ways(client, previous)
        assert fast.content == slow.content, previous
    return seen


def test_the_shapes_name_the_serializers_fields_in_their_order():
    rows.item_shape().check()
    rows.publication_shape().check()
    row_values.check_all()


@pytest.mark.parametrize("viewset", [ItemViewSet, PublicationViewSet], ids=["items", "publications"])
def test_every_ordering_both_ways_gives_the_serializers_bytes_on_every_page(lists, api_as, viewset):
    client = api_as("editor")
    basename = "item" if viewset is ItemViewSet else "publication"
    for field in viewset.ordering_fields:
        for ordering in (field, f"-{field}"):
            seen = assert_same_walk(client, reverse(f"api:{basename}-list") + f"?ordering={ordering}&page_size=2")
            assert seen == (4 if basename == "item" else 3), ordering
    assert assert_same_walk(client, reverse(f"api:{basename}-list")) > 0


def test_every_item_filter_gives_the_serializers_bytes(lists, api_as):
    client = api_as("editor")
    base = reverse("api:item-list")
    queries = [
        f"campaign={lists['other'].pk}", "state=approved", "state=draft", "kind=alert", "is_crisis=true",
        "is_crisis=false", "planned_after=2026-11-02T12:00:00Z", "planned_before=2026-11-02T12:00:00Z",
        f"campaign={lists['rich'].campaign_id}&ordering=-created_at&page_size=1",
    ]  # fmt: skip
    for query in queries:
        assert assert_same_walk(client, f"{base}?{query}") > 0, query


def test_every_publication_filter_gives_the_serializers_bytes(lists, world, api_as):
    client = api_as("editor")
    base = reverse("api:publication-list")
    queries = [
        f"item={lists['rich'].pk}", f"campaign={world.campaign.pk}", f"account={world.account.pk}",
        "state=published", "scheduled_after=2026-11-02T12:00:00Z", "scheduled_before=2026-11-02T12:00:00Z",
        f"item={lists['rich'].pk}&ordering=scheduled_at&page_size=1",
    ]  # fmt: skip
    for query in queries:
        assert assert_same_walk(client, f"{base}?{query}") > 0, query


@pytest.mark.parametrize("query", ["campaign=abc", "planned_after=yesterday", "ordering=title", "page_size=x"])
def test_bad_input_answers_as_the_serializer_path_does(lists, api_as, query):
    fast, slow = both_ways(api_as("editor"), reverse("api:item-list") + f"?{query}")
    assert fast.status_code == slow.status_code
    assert fast.content == slow.content


def test_an_empty_page_and_another_organisation_give_the_serializers_bytes(lists, world, api_as):
    assert assert_same_walk(api_as("editor"), reverse("api:item-list") + "?state=archived") == 0
    assert assert_same_walk(api_as("outsider"), reverse("api:publication-list")) == 1


def test_indented_json_asked_for_is_indented_as_the_serializer_path_does(lists, api_as):
    client = api_as("editor")
    url = reverse("api:publication-list")
    fast = client.get(url, HTTP_ACCEPT="application/json; indent=2")
    with override_settings(PLANNER_API_FAST_LISTS=False):
        slow = client.get(url, HTTP_ACCEPT="application/json; indent=2")
    assert fast.content == slow.content
    assert b'\n  "next"' in fast.content


def test_the_browsable_api_still_goes_through_the_serializer(lists, api_as):
    answer = api_as("editor").get(reverse("api:item-list"), HTTP_ACCEPT="text/html")
    assert answer.status_code == 200
    assert answer["Content-Type"].startswith("text/html")
    assert b"No author, no variants, no sources" in answer.content


def test_a_person_in_another_time_zone_gets_the_serializers_bytes(lists, world, client):
    """Signed in (the browsable API's session), times are written in the person's zone, the organisation's here
    (Europe/Paris): PostgreSQL writes UTC, so that list goes through the serializer."""
    client.force_login(world.editor)
    url = reverse("api:item-list") + "?format=json"
    fast, slow = both_ways(client, url)
    assert fast.status_code == slow.status_code == 200
    assert fast.content == slow.content
    assert b"+01:00" in fast.content or b"+02:00" in fast.content
