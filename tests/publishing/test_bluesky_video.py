"""A Bluesky post with a video: what validate refuses, and the video blob and embed against the sandbox."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from django.utils import timezone

from campaigns.models import MediaAsset, VariantMedia
from publishing.adapters.base import Permanent
from publishing.adapters.bluesky import BlueskyAdapter
from publishing.adapters.bluesky_video import VIDEO_MAX_BYTES, VIDEO_MAX_DURATION_MS
from publishing.sandbox.dialects.bluesky import issue_session
from publishing.sandbox.models import SandboxMedia, SandboxPost
from tests import builders
from tests.contracts.on_sandbox import BLUESKY_HANDLE, BLUESKY_TOKEN, attach, on_bluesky, publication
from tests.sandbox.conftest import image_bytes

VIDEO = (Path(__file__).resolve().parents[2] / "campaigns" / "demo_media" / "flu-nurse.mp4").read_bytes()
ALT = "ممرضة تشرح لقاح الإنفلونزا"
TEXT = "احصل على لقاح الإنفلونزا المجاني: https://example.org/ar/flu #لقاح"


def attach_video(world: object, **fields: object) -> MediaAsset:
    values = {"kind": MediaAsset.Kind.VIDEO, "mime_type": "video/mp4", "width": 1280, "height": 720,
              "duration_ms": 8_000} | fields  # fmt: skip
    return attach(world, "nurse-video", VIDEO, {"ar": ALT}, **values)


@pytest.fixture
def on_bluesky_with_video(world, live_server, transactional_db):
    """The Bluesky account on the live sandbox, an Arabic variant with a link and a tag, and the demo's MP4."""
    on_bluesky(world, live_server, TEXT)
    attach_video(world)
    return world


def media(variant_world: object, title: str, **fields: object) -> MediaAsset:
    asset = builders.make_media(variant_world.ministry, title, **fields)
    position = VariantMedia.objects.filter(variant=variant_world.variant).count() + 1
    VariantMedia.objects.create(variant=variant_world.variant, asset=asset, position=position)
    return asset


@pytest.fixture
def bluesky_variant(world):
    world.variant = builders.make_variant(world.item, platform="bluesky", language="en", text="Flu jab, 8 s.")
    return world


def rules(world: object) -> list[tuple[str, str]]:
    return [(p.field, p.rule) for p in BlueskyAdapter().validate(world.variant)]


def test_one_mp4_video_within_the_limits_passes_validation_without_alt_text(bluesky_variant):
    media(bluesky_variant, "video", kind="video", size_bytes=VIDEO_MAX_BYTES, duration_ms=VIDEO_MAX_DURATION_MS)

    assert rules(bluesky_variant) == []


def test_a_second_video_is_refused_as_a_media_count_problem(bluesky_variant):
    media(bluesky_variant, "first", kind="video")
    media(bluesky_variant, "second", kind="video")

    assert rules(bluesky_variant) == [("media", "media_count")]
    assert "one video per post; this post has 2" in BlueskyAdapter().validate(bluesky_variant.variant)[0].message


def test_an_image_beside_a_video_is_refused_as_mixed_media(bluesky_variant):
    media(bluesky_variant, "video", kind="video")
    media(bluesky_variant, "card", alt_text={"en": "A flu card"})

    assert rules(bluesky_variant) == [("media", "media_mixed")]


def test_a_video_not_mp4_too_large_or_too_long_is_refused_on_each_count(bluesky_variant):
    media(bluesky_variant, "mov", kind="video", mime_type="video/quicktime", size_bytes=VIDEO_MAX_BYTES + 1,
          duration_ms=VIDEO_MAX_DURATION_MS + 1_000)  # fmt: skip

    problems = BlueskyAdapter().validate(bluesky_variant.variant)

    assert [(p.field, p.rule) for p in problems] == [
        ("media", "file_type"),
        ("media", "file_size"),
        ("media", "duration"),
    ]
    assert "video/quicktime: Bluesky takes MP4 videos only" in problems[0].message
    assert "at most 300000000 bytes" in problems[1].message and "at most 10 minutes" in problems[2].message


def test_the_video_is_uploaded_as_an_mp4_blob_and_embedded_with_alt_text_aspect_ratio_langs_and_facets(
    on_bluesky_with_video,
):
    BlueskyAdapter().publish(publication(on_bluesky_with_video))

    post = SandboxPost.objects.get()
    record = post.payload["record"]
    embed = record["embed"]
    assert embed["$type"] == "app.bsky.embed.video" and set(embed) == {"$type", "video", "alt", "aspectRatio"}
    assert embed["alt"] == ALT and embed["aspectRatio"] == {"width": 1280, "height": 720}
    assert embed["video"]["mimeType"] == "video/mp4" and embed["video"]["size"] == len(VIDEO)
    assert record["langs"] == ["ar"]
    assert [f["features"][0]["$type"] for f in record["facets"]] == [
        "app.bsky.richtext.facet#link", "app.bsky.richtext.facet#tag",
    ]  # fmt: skip
    stored = SandboxMedia.objects.get()
    assert (stored.type, stored.size_bytes, stored.post, stored.description) == ("video", len(VIDEO), post, ALT)


def test_a_video_without_alt_text_or_known_size_is_embedded_without_them(on_bluesky_with_video):
    asset = MediaAsset.objects.get(kind="video")
    asset.alt_text, asset.width, asset.height = {}, None, None
    asset.save(update_fields=["alt_text", "width", "height"])

    BlueskyAdapter().publish(publication(on_bluesky_with_video))

    assert set(SandboxPost.objects.get().payload["record"]["embed"]) == {"$type", "video"}


def test_a_variant_link_beside_a_video_stays_a_link_in_the_text_and_makes_no_card(on_bluesky_with_video):
    on_bluesky_with_video.variant.text, on_bluesky_with_video.variant.link = "Flu jab.", "https://example.org/flu"
    on_bluesky_with_video.variant.save(update_fields=["text", "link"])

    published = BlueskyAdapter().publish(publication(on_bluesky_with_video))

    record = SandboxPost.objects.get().payload["record"]
    assert record["embed"]["$type"] == "app.bsky.embed.video" and published.notes == ()
    assert record["text"] == "Flu jab.\n\nhttps://example.org/flu"
    assert record["facets"][0]["features"] == [
        {"$type": "app.bsky.richtext.facet#link", "uri": "https://example.org/flu"}
    ]


def test_an_expired_session_during_the_upload_is_renewed_and_the_whole_video_sent_again(on_bluesky_with_video):
    expired = issue_session(BLUESKY_TOKEN, BLUESKY_HANDLE, now=timezone.now() - dt.timedelta(hours=3))
    on_bluesky_with_video.account.credentials |= {
        "access_jwt": expired["accessJwt"],
        "refresh_jwt": expired["refreshJwt"],
    }
    on_bluesky_with_video.account.save(update_fields=["credentials"])

    BlueskyAdapter().publish(publication(on_bluesky_with_video))

    stored = SandboxMedia.objects.get()
    assert stored.size_bytes == len(VIDEO) and stored.post == SandboxPost.objects.get()


def test_a_video_with_an_image_is_refused_before_any_upload(on_bluesky_with_video):
    attach(on_bluesky_with_video, "card", image_bytes(100, 100), {"ar": "بطاقة"})

    with pytest.raises(Permanent, match="images or one video in a post, never both"):
        BlueskyAdapter().publish(publication(on_bluesky_with_video))

    assert SandboxMedia.objects.count() == 0
