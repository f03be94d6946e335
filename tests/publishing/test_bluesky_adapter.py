"""The Bluesky adapter over real HTTP against the sandbox's XRPC dialect: session, blobs, records, faults."""

from __future__ import annotations

import datetime as dt
import io
import random

import httpx
import pytest
from django.utils import timezone
from PIL import Image

from publishing.adapters import atproto
from publishing.adapters.base import AuthFailed, Permanent, Transient, UnknownOutcome
from publishing.adapters.bluesky import BlueskyAdapter, record_key
from publishing.sandbox.dialects.bluesky import did_for, issue_session
from publishing.sandbox.models import SandboxMedia, SandboxPost
from tests import builders
from tests.contracts.on_sandbox import BLUESKY_HANDLE, BLUESKY_TOKEN, publication
from tests.contracts.on_sandbox import attach as shared_attach
from tests.contracts.on_sandbox import fault as inject
from tests.contracts.on_sandbox import on_bluesky as on_bluesky_sandbox
from tests.sandbox.conftest import image_bytes

ARABIC = "احصل على لقاح الإنفلونزا المجاني هذا الأسبوع: "
LINK = "https://example.org/ar/flu"
HANDLE = BLUESKY_HANDLE


@pytest.fixture
def on_bluesky(world, live_server, transactional_db):
    """The ministry's Bluesky account (an app password) on the live sandbox, and an Arabic variant for it."""
    return on_bluesky_sandbox(world, live_server, f"{ARABIC}{LINK} #لقاح")


def fault(world: object, kind: str, **fields: object) -> None:
    inject(world, kind, token=BLUESKY_TOKEN, **fields)


def attach(world: object, content: bytes, alt_text: dict[str, str]) -> None:
    shared_attach(world, f"card-{len(content)}", content, alt_text)


def test_an_arabic_post_has_its_link_and_hashtag_facets_at_utf8_byte_offsets(on_bluesky):
    published = BlueskyAdapter().publish(publication(on_bluesky))

    record = SandboxPost.objects.get().payload["record"]
    text = record["text"]
    link_start = len(ARABIC.encode())
    assert text == f"{ARABIC}{LINK} #لقاح" and record["langs"] == ["ar"]
    assert record["facets"][0] == {
        "index": {"byteStart": link_start, "byteEnd": link_start + len(LINK)},
        "features": [{"$type": "app.bsky.richtext.facet#link", "uri": LINK}],
    }
    tag = record["facets"][1]
    assert text.encode()[tag["index"]["byteStart"] : tag["index"]["byteEnd"]].decode() == "#لقاح"
    assert tag["features"] == [{"$type": "app.bsky.richtext.facet#tag", "tag": "لقاح"}]
    rkey = record_key(on_bluesky.publication)
    assert published.remote_id == f"at://{did_for(HANDLE)}/app.bsky.feed.post/{rkey}"
    assert published.url == f"https://bsky.app/profile/{HANDLE}/post/{rkey}"


def test_a_mention_becomes_a_facet_with_the_resolved_did(on_bluesky):
    on_bluesky.variant.text = "Merci @clinic.example.org !"
    on_bluesky.variant.save(update_fields=["text"])

    BlueskyAdapter().publish(publication(on_bluesky))

    (facet,) = SandboxPost.objects.get().payload["record"]["facets"]
    assert facet["index"] == {"byteStart": 6, "byteEnd": 25}
    assert facet["features"] == [{"$type": "app.bsky.richtext.facet#mention", "did": did_for("clinic.example.org")}]


def test_the_variant_link_is_added_to_the_text_when_missing_and_marked_as_a_link(on_bluesky):
    on_bluesky.variant.text, on_bluesky.variant.link = "Book your jab.", LINK
    on_bluesky.variant.save(update_fields=["text", "link"])

    BlueskyAdapter().publish(publication(on_bluesky))

    record = SandboxPost.objects.get().payload["record"]
    assert record["text"] == f"Book your jab.\n\n{LINK}"
    assert record["facets"][0]["index"] == {"byteStart": 16, "byteEnd": 16 + len(LINK)}


def test_an_image_is_uploaded_as_a_blob_and_embedded_with_its_alt_text_and_aspect_ratio(on_bluesky):
    attach(on_bluesky, image_bytes(1200, 675), {"ar": "ممرضة تعطي لقاح الإنفلونزا"})

    BlueskyAdapter().publish(publication(on_bluesky))

    post = SandboxPost.objects.get()
    (image,) = post.payload["record"]["embed"]["images"]
    assert post.payload["record"]["embed"]["$type"] == "app.bsky.embed.images"
    assert image["alt"] == "ممرضة تعطي لقاح الإنفلونزا"
    assert image["aspectRatio"] == {"width": 1200, "height": 675}
    assert image["image"]["mimeType"] == "image/png" and image["image"]["ref"]["$link"].startswith("bafkrei")
    media = SandboxMedia.objects.get()
    assert media.post == post and media.description == "ممرضة تعطي لقاح الإنفلونزا"


def test_an_image_over_one_megabyte_is_re_encoded_as_a_jpeg_until_it_fits(on_bluesky):
    noise = Image.frombytes("RGB", (1600, 1200), random.Random(5).randbytes(1600 * 1200 * 3))
    buffer = io.BytesIO()
    noise.save(buffer, "PNG")
    assert buffer.tell() > 1_000_000
    attach(on_bluesky, buffer.getvalue(), {"ar": "ضجيج"})

    BlueskyAdapter().publish(publication(on_bluesky))

    media = SandboxMedia.objects.get()
    assert media.mime_type == "image/jpeg" and media.size_bytes <= 1_000_000
    (image,) = SandboxPost.objects.get().payload["record"]["embed"]["images"]
    assert image["aspectRatio"] == {"width": 1600, "height": 1200}


def test_a_retry_under_the_same_record_key_returns_the_first_post_and_makes_no_second(on_bluesky):
    first = BlueskyAdapter().publish(publication(on_bluesky))
    again = BlueskyAdapter().publish(publication(on_bluesky))

    assert again == first
    post = SandboxPost.objects.get()
    assert post.payload["rkey"] == record_key(on_bluesky.publication)
    assert post.idempotency_key == str(on_bluesky.publication.idempotency_key)  # what tests/faults and bench count


def test_a_lost_reply_is_reconciled_by_reading_the_record_back(on_bluesky):
    fault(on_bluesky, "drop_reply", remaining=1)

    with pytest.raises(UnknownOutcome):
        BlueskyAdapter().publish(publication(on_bluesky))
    found = BlueskyAdapter().find_existing(publication(on_bluesky))

    post = SandboxPost.objects.get()
    assert found is not None and found.remote_id.endswith(f"/{post.payload['rkey']}")


def test_a_publication_never_sent_is_not_found(on_bluesky):
    assert BlueskyAdapter().find_existing(publication(on_bluesky)) is None


def test_an_expired_session_is_refreshed_and_the_post_sent(on_bluesky):
    expired = issue_session(BLUESKY_TOKEN, HANDLE, now=timezone.now() - dt.timedelta(hours=3))
    on_bluesky.account.credentials |= {"access_jwt": expired["accessJwt"], "refresh_jwt": expired["refreshJwt"]}
    on_bluesky.account.save(update_fields=["credentials"])

    BlueskyAdapter().publish(publication(on_bluesky))

    assert SandboxPost.objects.count() == 1
    on_bluesky.account.refresh_from_db()
    assert on_bluesky.account.credentials["access_jwt"] != expired["accessJwt"]
    assert on_bluesky.account.credentials["did"] == did_for(HANDLE)


def test_an_expired_session_without_an_app_password_fails_as_an_authentication_problem(on_bluesky):
    expired = issue_session("some-token", HANDLE, now=timezone.now() - dt.timedelta(days=91))
    on_bluesky.account.credentials = {"access_jwt": expired["accessJwt"], "refresh_jwt": expired["refreshJwt"]}
    on_bluesky.account.save(update_fields=["credentials"])

    with pytest.raises(AuthFailed, match="app password"):
        BlueskyAdapter().publish(publication(on_bluesky))


def test_a_rate_limit_is_transient_with_the_wait_from_ratelimit_reset(on_bluesky):
    fault(on_bluesky, "rate_limit", retry_after_s=120, remaining=1)

    with pytest.raises(Transient) as raised:
        BlueskyAdapter().publish(publication(on_bluesky))

    assert raised.value.status == 429 and 100 <= raised.value.retry_after_s <= 121
    assert SandboxPost.objects.count() == 0


def test_a_rejected_post_is_permanent(on_bluesky):
    fault(on_bluesky, "reject", remaining=1)

    with pytest.raises(Permanent, match="InvalidRequest"):
        BlueskyAdapter().publish(publication(on_bluesky))


def test_delete_removes_the_record(on_bluesky):
    BlueskyAdapter().publish(publication(on_bluesky))

    BlueskyAdapter().delete(publication(on_bluesky))

    assert SandboxPost.objects.get().deleted_at is not None
    assert BlueskyAdapter().find_existing(publication(on_bluesky)) is None


def test_301_graphemes_are_refused_before_any_request(on_bluesky):
    on_bluesky.variant.text = "ا" * 301
    on_bluesky.variant.save(update_fields=["text"])
    sent = []
    client = httpx.Client(event_hooks={"request": [sent.append]})

    with pytest.raises(Permanent, match=r"Bluesky takes at most 300 characters \(graphemes\); this post has 301"):
        BlueskyAdapter(client=client).publish(publication(on_bluesky))

    assert sent == []


def test_an_image_without_alt_text_is_refused_before_any_request(on_bluesky):
    attach(on_bluesky, image_bytes(100, 100), {"en": "Only in English"})
    sent = []

    with pytest.raises(Permanent, match="no alt text"):
        BlueskyAdapter(client=httpx.Client(event_hooks={"request": [sent.append]})).publish(publication(on_bluesky))

    assert sent == []


def test_record_keys_are_tids_derived_from_the_idempotency_key_alone(world):
    first = builders.make_publication(world.variant, world.account)
    keys = {record_key(first) for _ in range(3)}

    assert len(keys) == 1 and atproto.TID.match(keys.pop())
    second = builders.make_publication(world.variant, world.account, scheduled_at=first.scheduled_at + dt.timedelta(1))
    assert record_key(second) != record_key(first)
