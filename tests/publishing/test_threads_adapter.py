"""The Threads adapter over real HTTP against the sandbox's Graph dialect: text counted as Threads counts it."""

from __future__ import annotations

import hashlib
import io

import httpx
import pytest
from django.core.files.base import ContentFile
from PIL import Image

from campaigns.models import VariantMedia
from publishing.adapters import REGISTRY
from publishing.adapters.base import Permanent, Transient, UnknownOutcome
from publishing.adapters.threads import ThreadsAdapter
from publishing.models import Publication
from publishing.sandbox.models import SandboxMedia, SandboxPost
from tests import builders
from tests.contracts.on_sandbox import on_meta_platform

TOKEN = "threads-token-of-the-ministry"
# A lost reply is held this long by the sandbox; the client gives up sooner, but not so soon that a loaded
# test run's ordinary calls (a container's media download) time out too.
LOST_REPLY_TIMEOUT = httpx.Timeout(5.0, read=1.0)
FOUR_BYTE_EMOJI = "💉"  # U+1F489: one character, four UTF-8 bytes; Threads counts it as 4

pytestmark = pytest.mark.usefixtures("graph_sandbox")


@pytest.fixture
def on_threads(world, live_server, transactional_db):
    """The ministry's Threads account on the live sandbox, and a publication of a text-only variant."""
    return on_meta_platform(world, live_server, "threads", TOKEN, "Flu jabs are free this week 💉")


def attach(
    world, image_format: str = "PNG", mime_type: str = "image/png", size: tuple[int, int] = (1080, 1350)
) -> None:
    buffer, position = io.BytesIO(), VariantMedia.objects.filter(variant=world.variant).count() + 1
    Image.new("RGB", size, (200, 30 * position, 60)).save(buffer, image_format)
    content = buffer.getvalue()
    asset = builders.make_media(
        world.ministry, f"card-{position}", file=ContentFile(content, name=f"card-{position}.img"), mime_type=mime_type,
        checksum=hashlib.sha256(content).hexdigest(), alt_text={"en": f"Poster {position}"}, size_bytes=len(content),
    )  # fmt: skip
    VariantMedia.objects.create(variant=world.variant, asset=asset, position=position)


def publication(world) -> Publication:
    return Publication.objects.select_related("variant", "account").get(pk=world.publication.pk)


def test_threads_publishes_with_its_own_adapter():
    assert REGISTRY["threads"] is ThreadsAdapter


def test_a_text_post_is_a_text_container_published(on_threads):
    published = ThreadsAdapter().publish(publication(on_threads))

    post = SandboxPost.objects.get()
    assert published.remote_id == post.remote_id
    assert post.text == "Flu jabs are free this week 💉" and post.payload["media_type"] == "TEXT"
    assert post.idempotency_key == str(on_threads.publication.idempotency_key)


def test_emoji_count_as_their_utf8_bytes_against_the_500_limit(on_threads):
    variant = on_threads.variant
    variant.text = "x" * 492 + FOUR_BYTE_EMOJI * 2  # 494 characters, 500 as Threads counts
    assert ThreadsAdapter().validate(variant) == []
    variant.text = "x" * 493 + FOUR_BYTE_EMOJI * 2  # 495 characters, 501 as Threads counts
    problems = ThreadsAdapter().validate(variant)

    assert [(p.rule, p.message) for p in problems] == [
        ("length", "501 characters (emoji count as their UTF-8 bytes); Threads takes 500")
    ]


def test_a_post_at_the_limit_with_emoji_is_taken_by_the_platform(on_threads):
    on_threads.variant.text = "x" * 492 + FOUR_BYTE_EMOJI * 2
    on_threads.variant.save()

    ThreadsAdapter().publish(publication(on_threads))

    assert SandboxPost.objects.get().text.endswith(FOUR_BYTE_EMOJI * 2)


def test_an_image_post_fetches_a_png_from_its_signed_address(on_threads):
    attach(on_threads)

    ThreadsAdapter().publish(publication(on_threads))

    post = SandboxPost.objects.get()
    assert post.payload["media_type"] == "IMAGE"
    assert SandboxMedia.objects.get(post=post).mime_type == "image/png"
    assert post.media == [{"id": SandboxMedia.objects.get().remote_id, "alt": "Poster 1"}]


def test_a_carousel_is_one_post_of_its_items(on_threads):
    for _ in range(3):
        attach(on_threads, "JPEG", "image/jpeg")

    ThreadsAdapter().publish(publication(on_threads))

    post = SandboxPost.objects.get()
    assert post.payload["media_type"] == "CAROUSEL" and [m["alt"] for m in post.media] == [
        "Poster 1",
        "Poster 2",
        "Poster 3",
    ]


def test_a_gif_is_refused_before_any_request(on_threads):
    attach(on_threads, "GIF", "image/gif")
    sent: list[httpx.Request] = []

    with pytest.raises(Permanent, match="JPEG, PNG, MP4 or MOV"):
        ThreadsAdapter(httpx.Client(event_hooks={"request": [sent.append]})).publish(publication(on_threads))
    assert sent == []


def test_a_reached_publishing_limit_waits(on_threads):
    account = on_threads.sandbox_account
    SandboxPost.objects.bulk_create(SandboxPost(account=account, remote_id=str(n)) for n in range(250))

    with pytest.raises(Transient, match="250 of 250"):
        ThreadsAdapter().publish(publication(on_threads))


def test_a_lost_reply_is_reconciled(on_threads):
    httpx.post(on_threads.sandbox + "faults", json={"kind": "drop_reply", "remaining": 1},
               headers={"Authorization": f"Bearer {TOKEN}"}).raise_for_status()  # fmt: skip

    with pytest.raises(UnknownOutcome):
        ThreadsAdapter(httpx.Client(timeout=LOST_REPLY_TIMEOUT)).publish(publication(on_threads))

    assert ThreadsAdapter().find_existing(publication(on_threads)).remote_id == SandboxPost.objects.get().remote_id


def test_a_post_is_deleted_and_its_metrics_read(on_threads):
    adapter = ThreadsAdapter()
    made = adapter.publish(publication(on_threads))
    Publication.objects.filter(pk=on_threads.publication.pk).update(remote_id=made.remote_id)

    metrics = adapter.fetch_metrics(publication(on_threads))
    adapter.delete(publication(on_threads))

    assert set(metrics) == {"views", "likes", "replies", "reposts", "quotes", "shares"}
    assert SandboxPost.objects.get().deleted_at is not None
    with pytest.raises(Permanent, match="100/33"):
        adapter.delete(publication(on_threads))


def test_the_first_comment_is_a_reply_published_after_the_post(on_threads):
    on_threads.variant.first_comment = "More at https://example.org/flu"
    on_threads.variant.save()

    published = ThreadsAdapter().publish(publication(on_threads))

    post, reply = SandboxPost.objects.order_by("pk")
    assert published.remote_id == post.remote_id and published.notes == ()
    assert (reply.reply_to, reply.text) == (post.remote_id, "More at https://example.org/flu")
    assert reply.idempotency_key == f"{on_threads.publication.idempotency_key}-first-comment"
    assert ThreadsAdapter().publishing_limit(on_threads.account).used == 1  # a reply is not a post of the quota
    assert ThreadsAdapter().find_existing(publication(on_threads)).remote_id == post.remote_id


def test_a_first_comment_threads_refuses_is_a_note(on_threads):
    on_threads.variant.first_comment = "x" * 501
    on_threads.variant.save()

    published = ThreadsAdapter().publish(publication(on_threads))

    assert SandboxPost.objects.get().remote_id == published.remote_id
    assert published.notes[0].startswith("First comment not posted")
