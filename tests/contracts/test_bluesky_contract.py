"""Every XRPC request the Bluesky adapter sends, and every sandbox reply, checked against the lexicons."""

from __future__ import annotations

import datetime as dt
from urllib.parse import urlsplit

import pytest
from django.utils import timezone

from publishing.adapters.base import Permanent, PublishError
from publishing.adapters.bluesky import BlueskyAdapter
from publishing.models import Publication
from publishing.sandbox.dialects.bluesky import issue_session
from tests import builders
from tests.contracts.lexicon import XrpcContract, check, lexicon
from tests.contracts.on_sandbox import (
    BLUESKY_HANDLE,
    BLUESKY_TOKEN,
    attach,
    on_bluesky,
    publication,
)
from tests.contracts.on_sandbox import fault as inject
from tests.sandbox.conftest import image_bytes

TEXT = "احصل على لقاح الإنفلونزا @clinic.example.org https://example.org/ar/flu #لقاح"


@pytest.fixture(autouse=True)
def short_timeouts(settings: object) -> None:
    settings.SANDBOX_TIMEOUT_SLEEP_S = 0.2


@pytest.fixture
def bluesky(world, live_server, transactional_db, settings):
    """An Arabic variant with an image, for the ministry's Bluesky account on the live sandbox (its AppView too)."""
    on_bluesky(world, live_server, TEXT)
    attach(world, "nurse", image_bytes(1200, 675), {"ar": "ممرضة تعطي لقاح الإنفلونزا"})
    settings.PLANNER_BLUESKY_APPVIEW_URL = f"{live_server.url}/sandbox/bluesky"
    world.contract = XrpcContract()
    world.adapter = BlueskyAdapter(client=world.contract.client, card_hosts={urlsplit(live_server.url).hostname})
    world.site = live_server.url
    return world


def fault(world: object, kind: str, **fields: object) -> None:
    inject(world, kind, token=BLUESKY_TOKEN, **fields)


def test_a_post_with_an_image_a_mention_a_link_and_a_tag_follows_the_lexicons(bluesky):
    bluesky.adapter.publish(publication(bluesky))
    bluesky.adapter.find_existing(publication(bluesky))
    bluesky.adapter.delete(publication(bluesky))
    bluesky.adapter.find_existing(publication(bluesky))

    assert bluesky.contract.nsids() == [
        "com.atproto.server.createSession", "com.atproto.identity.resolveHandle", "com.atproto.repo.uploadBlob",
        "com.atproto.repo.createRecord", "com.atproto.repo.getRecord", "com.atproto.repo.deleteRecord",
        "com.atproto.repo.getRecord",
    ]  # fmt: skip
    assert bluesky.contract.problems() == []
    assert bluesky.contract.exchanges[-1].reply["error"] == "RecordNotFound"


def test_a_retry_a_refreshed_session_and_a_lost_reply_follow_the_lexicons(bluesky):
    bluesky.adapter.publish(publication(bluesky))
    bluesky.variant.attachments.all().delete()
    expired = issue_session(BLUESKY_TOKEN, BLUESKY_HANDLE, now=timezone.now() - dt.timedelta(hours=3))
    bluesky.account.credentials |= {"access_jwt": expired["accessJwt"], "refresh_jwt": expired["refreshJwt"]}
    bluesky.account.save(update_fields=["credentials"])
    bluesky.adapter.publish(publication(bluesky))  # the key is taken: 500, then read back

    second = builders.make_publication(bluesky.variant, bluesky.account, scheduled_at=timezone.now())
    fault(bluesky, "drop_reply", remaining=1)
    with pytest.raises(PublishError):
        bluesky.adapter.publish(Publication.objects.get(pk=second.pk))

    statuses = [(e.nsid.rpartition(".")[2], e.status) for e in bluesky.contract.exchanges]
    assert ("refreshSession", 200) in statuses and ("createRecord", 500) in statuses
    assert ("createRecord", 504) in statuses
    assert bluesky.contract.problems() == []


def test_rate_limits_and_rejections_answer_in_the_xrpc_error_shape(bluesky):
    fault(bluesky, "rate_limit", remaining=1, applies_to="media")
    fault(bluesky, "reject", remaining=1)
    for _ in range(2):
        with pytest.raises(PublishError):
            bluesky.adapter.publish(publication(bluesky))

    limited = next(e for e in bluesky.contract.exchanges if e.status == 429)
    assert limited.reply["error"] == "RateLimitExceeded"
    assert bluesky.contract.problems() == []


@pytest.mark.urls("tests.publishing.link_pages")
def test_a_link_card_a_first_comment_and_the_appviews_counts_follow_the_lexicons(bluesky):
    bluesky.variant.attachments.all().delete()
    bluesky.variant.link, bluesky.variant.first_comment = f"{bluesky.site}/links/flu", "اعثر على صيدلية #لقاح"
    bluesky.variant.save(update_fields=["link", "first_comment"])

    published = bluesky.adapter.publish(publication(bluesky))
    Publication.objects.filter(pk=bluesky.publication.pk).update(remote_id=published.remote_id)
    metrics = bluesky.adapter.fetch_metrics(publication(bluesky))

    assert bluesky.contract.nsids()[-4:] == [
        "com.atproto.repo.uploadBlob", "com.atproto.repo.createRecord", "com.atproto.repo.createRecord",
        "app.bsky.feed.getPosts",
    ]  # fmt: skip
    assert bluesky.contract.problems() == [] and published.notes == ()
    assert set(metrics) == {"likeCount", "repostCount", "replyCount", "quoteCount"}
    assert [r.request.url.path for r in bluesky.contract.others] == ["/links/flu", "/links/flu/card.png"]


def test_the_appview_leaves_out_a_deleted_post_and_the_metrics_say_so(bluesky):
    published = bluesky.adapter.publish(publication(bluesky))
    Publication.objects.filter(pk=bluesky.publication.pk).update(remote_id=published.remote_id)
    bluesky.adapter.delete(publication(bluesky))

    with pytest.raises(Permanent, match="the AppView has no post"):
        bluesky.adapter.fetch_metrics(publication(bluesky))
    assert bluesky.contract.exchanges[-1].reply == {"posts": []} and bluesky.contract.problems() == []


def test_the_validator_refuses_a_field_the_lexicon_does_not_have_and_a_missing_required_one():
    post = lexicon("app.bsky.feed.post")["defs"]["main"]
    record = {"$type": "app.bsky.feed.post", "text": "a" * 301, "langs": ["ar"], "link": "https://example.org"}

    assert check(record, post, "app.bsky.feed.post") == [
        "$: 'createdAt' is required",
        "$: 'link' is not in the lexicon",
        "$.text: 301 graphemes is over maxGraphemes 300",
    ]
