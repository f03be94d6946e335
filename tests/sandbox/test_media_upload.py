"""Uploading media as Mastodon takes it: measured by content, refused unless image or video, attached by id."""

from __future__ import annotations

import hashlib

import pytest

from publishing.sandbox.models import SandboxMedia, SandboxPost
from tests.sandbox.conftest import animated_gif_bytes, image_bytes

MP4_HEAD = b"\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00mp42isom" + b"\x00" * 64
SIXTEEN_MB = 16 * 1024 * 1024


def test_an_image_is_measured_by_its_content_and_answered_as_mastodon_does(sandbox):
    content = image_bytes(1080, 1350)

    # The name and the browser's type say JPEG; the content is a PNG.
    response = sandbox.upload(content, name="card.jpg", description="A nurse giving a flu jab")

    assert response.status_code == 200
    body = response.json()
    assert body | {"id": None} == {
        "id": None, "type": "image", "url": None, "description": "A nurse giving a flu jab",
        "meta": {"original": {"width": 1080, "height": 1350, "size": "1080x1350", "aspect": 0.8}},
        "mime_type": "image/png", "size_bytes": len(content), "sha256": hashlib.sha256(content).hexdigest(),
    }  # fmt: skip
    media = SandboxMedia.objects.get()
    assert (media.remote_id, media.account.token, media.post) == (body["id"], "token-of-the-ministry", None)


def test_an_upload_without_description_has_none(sandbox):
    assert sandbox.upload(image_bytes(10, 10, "JPEG")).json()["description"] is None


def test_an_animated_gif_is_a_gifv_and_a_still_image_in_webp_an_image(sandbox):
    gif = sandbox.upload(animated_gif_bytes(), name="loop.gif").json()
    webp = sandbox.upload(image_bytes(64, 48, "WEBP"), name="card.webp").json()

    assert (gif["type"], gif["mime_type"]) == ("gifv", "image/gif")
    assert (webp["type"], webp["mime_type"], webp["meta"]["original"]["size"]) == ("image", "image/webp", "64x48")


def test_a_video_is_recognised_by_its_container_and_left_unmeasured(sandbox):
    response = sandbox.upload(MP4_HEAD, name="clip.mp4", description="A nurse explains the jab")

    assert response.status_code == 200
    assert response.json() | {"id": None, "sha256": None} == {
        "id": None, "type": "video", "url": None, "description": "A nurse explains the jab", "meta": {},
        "mime_type": "video/mp4", "size_bytes": len(MP4_HEAD), "sha256": None,
    }  # fmt: skip


@pytest.mark.parametrize(
    ("content", "name"),
    [
        (b"Flu season is here.\n", "card.png"),
        (image_bytes(400, 400, "JPEG")[:-600], "truncated.jpg"),
        (image_bytes(40, 40, "BMP"), "card.bmp"),
        (b"\x00\x00\x00\x18ftypM4A \x00\x00\x00\x00" + b"\x00" * 32, "sound.m4a"),
    ],
    ids=["text", "truncated-jpeg", "bmp", "audio"],
)
def test_a_file_that_is_not_an_accepted_image_or_video_is_refused_with_422(sandbox, content, name):
    response = sandbox.upload(content, name=name)

    assert response.status_code == 422
    body = response.json()
    assert body["error"] == "unsupported_media"
    assert body["detail"] and "image/png" in body["accepted"]
    assert not SandboxMedia.objects.exists()


def test_an_image_over_16_mb_is_refused_before_it_is_read(sandbox):
    png_signature = image_bytes(8, 8)[:8]

    response = sandbox.upload(png_signature + b"\x00" * (SIXTEEN_MB - 7), name="huge.png")

    assert response.status_code == 422
    assert response.json() == {"error": "file_too_large", "limit_bytes": SIXTEEN_MB, "size_bytes": SIXTEEN_MB + 1}
    assert not SandboxMedia.objects.exists()


def test_a_description_over_1500_characters_is_refused(sandbox):
    response = sandbox.upload(description="a" * 1501)

    assert response.status_code == 422
    assert response.json() == {"error": "description_too_long", "limit": 1500}


def test_an_upload_without_a_file_part_is_refused_with_400(sandbox):
    response = sandbox.client.post(sandbox.base + "media", {"description": "No file"}, headers=sandbox.headers)

    assert response.status_code == 400
    assert response.json()["error"] == "invalid_request"


def test_uploading_needs_the_token(sandbox):
    response = sandbox.client.post(sandbox.base + "media", {"description": "No token"})

    assert response.status_code == 401


def test_a_post_attaches_the_uploaded_media_it_refers_to(sandbox):
    ids = [sandbox.upload(description=f"Card {n}").json()["id"] for n in (1, 2)]

    response = sandbox.publish("Get your flu jab.", media=[{"id": i} for i in ids])

    assert response.status_code == 201
    post = SandboxPost.objects.get()
    assert sorted(post.attachments.values_list("remote_id", flat=True)) == sorted(ids)
    assert sandbox.get(f"posts/{post.remote_id}").json()["media"] == [{"id": i} for i in ids]


@pytest.mark.parametrize("whose", ["unknown", "another account's"])
def test_a_post_referring_to_media_it_may_not_use_is_refused_with_422(sandbox, sandbox_for, whose):
    clinic = sandbox_for(token="token-of-the-clinic")
    media_id = "1234567890" if whose == "unknown" else clinic.upload().json()["id"]

    response = sandbox.publish("Get your flu jab.", key="key-1", media=[{"id": media_id}])

    assert response.status_code == 422
    assert response.json()["error"] == "media_not_found"
    assert response.json()["ids"] == [media_id]
    assert not SandboxPost.objects.exists()


def test_an_upload_is_attached_to_one_post_only(sandbox):
    media_id = sandbox.upload().json()["id"]
    sandbox.publish("First post.", media=[{"id": media_id}])

    response = sandbox.publish("Second post.", media=[{"id": media_id}])

    assert response.status_code == 422
    assert response.json()["ids"] == [media_id]
    assert SandboxPost.objects.count() == 1


def test_a_retry_with_the_same_key_gets_the_stored_post_although_its_media_are_attached(sandbox):
    media = [{"id": sandbox.upload().json()["id"]}]
    first = sandbox.publish("Get your flu jab.", key="key-1", media=media)

    retry = sandbox.publish("Get your flu jab.", key="key-1", media=media)

    assert (first.status_code, retry.status_code) == (201, 200)
    assert retry.json()["id"] == first.json()["id"]


def test_more_media_than_the_platform_takes_is_refused(sandbox):
    media = [{"id": sandbox.upload().json()["id"]} for _ in range(5)]

    response = sandbox.publish("Five cards.", media=media)

    assert response.status_code == 422
    assert response.json() == {"error": "too_many_media", "limit": 4}
    assert SandboxMedia.objects.filter(post__isnull=False).count() == 0


@pytest.mark.parametrize(
    ("kind", "status"), [("server_error", 500), ("reject", 422), ("rate_limit", 429), ("unauthorized", 401)]
)
def test_a_fault_for_uploads_refuses_the_upload_and_stores_nothing(sandbox, kind, status):
    sandbox.add_fault(kind, remaining=1, applies_to="media")

    refused = sandbox.upload()
    accepted = sandbox.upload()

    assert (refused.status_code, accepted.status_code) == (status, 200)
    assert SandboxMedia.objects.count() == 1


def test_a_fault_for_creating_posts_leaves_uploads_alone(sandbox):
    sandbox.add_fault("server_error", remaining=1)

    assert sandbox.upload().status_code == 200
    assert sandbox.publish().status_code == 500


def test_the_timeline_shows_each_posts_media_with_its_alt_text(world, sandbox, client):
    media_id = sandbox.upload(image_bytes(1080, 1350), description="A nurse giving a flu jab").json()["id"]
    sandbox.publish("Get your flu jab.", media=[{"id": media_id}])
    client.force_login(world.admin)

    page = client.get("/sandbox/").text

    assert "1080×1350" in page and "A nurse giving a flu jab" in page
