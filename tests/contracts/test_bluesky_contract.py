"""Every XRPC request the Bluesky adapter sends, and every sandbox reply, checked against the lexicons."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
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
    malformed_video_embeds,
    on_bluesky,
    publication,
)
from tests.contracts.on_sandbox import fault as inject
from tests.sandbox.conftest import image_bytes

VIDEO = (Path(__file__).resolve().parents[2] / "campaigns" / "demo_media" / "flu-nurse.mp4").read_bytes()
POST = "app.bsky.feed.post"
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


def test_a_post_with_a_video_uploads_an_mp4_blob_and_embeds_it_as_the_lexicons_say(bluesky):
    bluesky.variant.attachments.all().delete()
    alt = {"ar": "ممرضة تشرح لقاح الإنفلونزا"}
    attach(bluesky, "nurse-video", VIDEO, alt, kind="video", mime_type="video/mp4", width=1280, height=720)

    bluesky.adapter.publish(publication(bluesky))
    bluesky.adapter.find_existing(publication(bluesky))

    assert bluesky.contract.nsids()[-3:] == [
        "com.atproto.repo.uploadBlob", "com.atproto.repo.createRecord", "com.atproto.repo.getRecord",
    ]  # fmt: skip
    upload, create, read = bluesky.contract.exchanges[-3:]
    assert (upload.content_type, upload.body) == ("video/mp4", VIDEO)
    blob = upload.reply["blob"]
    assert (blob["mimeType"], blob["size"]) == ("video/mp4", len(VIDEO))
    embed = {
        "$type": "app.bsky.embed.video",
        "video": blob,
        "alt": alt["ar"],
        "aspectRatio": {"width": 1280, "height": 720},
    }
    assert json.loads(create.body)["record"]["embed"] == embed == read.reply["value"]["embed"]
    assert bluesky.contract.problems() == []


def test_a_malformed_video_embed_is_refused_in_the_pds_error_shape(bluesky):
    """A PNG as the video, an aspect ratio 0 wide, no video, a wrong size: refused as the PDS refuses them."""
    bluesky.adapter.publish(publication(bluesky))  # for a session
    bluesky.account.refresh_from_db()
    client, base = bluesky.contract.client, bluesky.sandbox + "xrpc/"
    headers = {"Authorization": f"Bearer {bluesky.account.credentials['access_jwt']}"}

    def upload(content: bytes, mime_type: str) -> dict[str, object]:
        sent = headers | {"Content-Type": mime_type}
        return client.post(base + "com.atproto.repo.uploadBlob", content=content, headers=sent).json()["blob"]

    png, mp4 = upload(image_bytes(64, 64), "image/png"), upload(VIDEO, "video/mp4")

    cases = malformed_video_embeds(png, mp4)
    for embed, _answer in cases:
        record = {"$type": POST, "text": "", "createdAt": "2025-01-01T00:00:00.000Z", "embed": embed}
        body = {"repo": bluesky.account.credentials["did"], "collection": POST, "record": record}
        client.post(base + "com.atproto.repo.createRecord", headers=headers, json=body)

    refused = bluesky.contract.exchanges[-len(cases) :]
    answers = [(e.status, e.reply["error"], e.reply["message"]) for e in refused]
    assert answers == [answer for _, answer in cases]
    # The lexicons find the same faults in the requests (a size they cannot know); the replies are XRPC errors.
    assert [p.partition("): ")[2] for p in bluesky.contract.problems()] == [
        "record.embed.video: image/png is not accepted (['video/mp4'])",
        "record.embed.aspectRatio.width: 0 is the value: is under minimum 1",
        "record.embed: 'video' is required",
    ]


def test_the_validator_refuses_a_field_the_lexicon_does_not_have_and_a_missing_required_one():
    post = lexicon("app.bsky.feed.post")["defs"]["main"]
    record = {"$type": "app.bsky.feed.post", "text": "a" * 301, "langs": ["ar"], "link": "https://example.org"}

    assert check(record, post, "app.bsky.feed.post") == [
        "$: 'createdAt' is required",
        "$: 'link' is not in the lexicon",
        "$.text: 301 graphemes is over maxGraphemes 300",
    ]
