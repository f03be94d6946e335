"""Every XRPC request the Bluesky adapter sends, and every sandbox reply, checked against the lexicons."""

from __future__ import annotations

import datetime as dt
import hashlib

import httpx
import pytest
from django.core.files.base import ContentFile
from django.utils import timezone

from campaigns.models import VariantMedia
from publishing.adapters.base import PublishError
from publishing.adapters.bluesky import BlueskyAdapter
from publishing.models import Publication
from publishing.sandbox.dialects.bluesky import issue_session, session_account_token
from tests import builders
from tests.contracts.lexicon import XrpcContract, check, lexicon
from tests.sandbox.conftest import image_bytes

HANDLE = "health.example.org"
APP_PASSWORD = "abcd-efgh-ijkl-mnop"
TEXT = "احصل على لقاح الإنفلونزا @clinic.example.org https://example.org/ar/flu #لقاح"


@pytest.fixture(autouse=True)
def short_timeouts(settings: object) -> None:
    settings.SANDBOX_TIMEOUT_SLEEP_S = 0.2


@pytest.fixture
def bluesky(world, live_server, transactional_db):
    """An Arabic variant with an image, for the ministry's Bluesky account on the live sandbox."""
    world.sandbox = f"{live_server.url}/sandbox/bluesky/"
    world.account = builders.make_account(
        world.ministry, platform="bluesky", handle=f"@{HANDLE}", api_base_url=world.sandbox,
        credentials={"identifier": HANDLE, "app_password": APP_PASSWORD},
    )  # fmt: skip
    world.variant = builders.make_variant(world.item, platform="bluesky", language="ar", text=TEXT)
    content = image_bytes(1200, 675)
    asset = builders.make_media(
        world.ministry, "nurse", file=ContentFile(content, name="nurse.png"), mime_type="image/png",
        checksum=hashlib.sha256(content).hexdigest(), alt_text={"ar": "ممرضة تعطي لقاح الإنفلونزا"},
    )  # fmt: skip
    VariantMedia.objects.create(variant=world.variant, asset=asset, position=1)
    world.publication = builders.make_publication(world.variant, world.account)
    world.contract = XrpcContract()
    world.adapter = BlueskyAdapter(client=world.contract.client)
    return world


def publication(world: object) -> Publication:
    return Publication.objects.select_related("variant", "account").get(pk=world.publication.pk)


def fault(world: object, kind: str, **fields: object) -> None:
    token = session_account_token(HANDLE, APP_PASSWORD)
    response = httpx.post(
        world.sandbox + "faults", json={"kind": kind, **fields}, headers={"Authorization": f"Bearer {token}"}
    )
    assert response.status_code == 201, response.text


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
    token = session_account_token(HANDLE, APP_PASSWORD)
    expired = issue_session(token, HANDLE, now=timezone.now() - dt.timedelta(hours=3))
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


def test_the_validator_refuses_a_field_the_lexicon_does_not_have_and_a_missing_required_one():
    post = lexicon("app.bsky.feed.post")["defs"]["main"]
    record = {"$type": "app.bsky.feed.post", "text": "a" * 301, "langs": ["ar"], "link": "https://example.org"}

    assert check(record, post, "app.bsky.feed.post") == [
        "$: 'createdAt' is required",
        "$: 'link' is not in the lexicon",
        "$.text: 301 graphemes is over maxGraphemes 300",
    ]
