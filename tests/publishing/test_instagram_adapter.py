"""The Instagram adapter over real HTTP against the sandbox's Graph dialect: containers fetched from our signed addresses."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import time

import httpx
import pytest
from django.core.cache import cache
from django.core.files.base import ContentFile
from django.utils import timezone
from PIL import Image

from campaigns.models import VariantMedia
from publishing.adapters import REGISTRY
from publishing.adapters.base import AuthFailed, Permanent, TokenInvalid, Transient, UnknownOutcome
from publishing.adapters.instagram import InstagramAdapter
from publishing.models import Publication
from publishing.sandbox.dialects.meta import user_id_for
from publishing.sandbox.models import SandboxAccount, SandboxMedia, SandboxPost
from tests import builders
from tests.contracts.on_sandbox import on_meta_platform

TOKEN = "instagram-token-of-the-ministry"
# A lost reply is held this long by the sandbox; the client gives up sooner, but not so soon that a loaded
# test run's ordinary calls (a container's media download) time out too.
LOST_REPLY_TIMEOUT = httpx.Timeout(5.0, read=1.0)
CAPTION = "Flu season is here. Book your free vaccine today. #FluVaccine"
MP4 = b"\x00\x00\x00\x18ftypmp42" + b"\x00" * 2048

pytestmark = pytest.mark.usefixtures("graph_sandbox")


def jpeg_bytes(width: int = 1080, height: int = 1350, colour: tuple[int, int, int] = (200, 30, 60)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), colour).save(buffer, "JPEG")
    return buffer.getvalue()


@pytest.fixture
def on_instagram(world, live_server, transactional_db):
    """The ministry's Instagram account on the live sandbox, and a publication of a variant with one JPEG."""
    on_meta_platform(world, live_server, "instagram", TOKEN, CAPTION)
    attach(world, jpeg_bytes(), {"en": "A nurse giving a flu vaccine"})
    return world


def attach(world, content: bytes, alt_text: dict[str, str], mime_type: str = "image/jpeg", **fields) -> None:
    position = VariantMedia.objects.filter(variant=world.variant).count() + 1
    if fields.get("kind") == "video" or mime_type.startswith("video/"):
        width, height = fields.pop("width", 1080), fields.pop("height", 1920)
        fields = {"kind": "video", "duration_ms": 30_000} | fields
    else:
        with Image.open(io.BytesIO(content)) as image:
            width, height = image.size
    asset = builders.make_media(
        world.ministry, f"card-{position}", file=ContentFile(content, name=f"card-{position}.jpg"), mime_type=mime_type,
        checksum=hashlib.sha256(content).hexdigest(), alt_text=alt_text, width=width, height=height,
        **({"size_bytes": len(content)} | fields),
    )  # fmt: skip
    VariantMedia.objects.create(variant=world.variant, asset=asset, position=position)


def publication(world) -> Publication:
    return Publication.objects.select_related("variant", "account").get(pk=world.publication.pk)


def fault(world, kind: str, **fields: object) -> None:
    response = httpx.post(
        world.sandbox + "faults", json={"kind": kind, **fields}, headers={"Authorization": f"Bearer {TOKEN}"}
    )
    assert response.status_code == 201, response.text


def test_instagram_publishes_with_its_own_adapter():
    assert REGISTRY["instagram"] is InstagramAdapter


def test_a_single_image_is_fetched_from_its_signed_address_and_posted_with_caption_and_alt_text(on_instagram):
    published = InstagramAdapter().publish(publication(on_instagram))

    post = SandboxPost.objects.get()
    assert published.remote_id == post.remote_id and published.url.endswith(f"/posts/{post.remote_id}")
    assert post.text == CAPTION and post.payload["media_type"] == "IMAGE"
    assert post.idempotency_key == str(on_instagram.publication.idempotency_key)
    media = SandboxMedia.objects.get()
    assert (media.post, media.mime_type, media.width, media.height) == (post, "image/jpeg", 1080, 1350)
    assert media.description == "A nurse giving a flu vaccine"


def test_a_carousel_is_one_post_of_its_images_in_order(on_instagram):
    attach(on_instagram, jpeg_bytes(1080, 1080, (0, 90, 160)), {"en": "A vaccination calendar"})
    attach(on_instagram, jpeg_bytes(1080, 566, (20, 160, 90)), {"en": "A map of the clinics"})

    InstagramAdapter().publish(publication(on_instagram))

    post = SandboxPost.objects.get()
    assert post.payload["media_type"] == "CAROUSEL"
    sizes = [(m.width, m.height) for m in SandboxMedia.objects.filter(post=post).order_by("received_at", "pk")]
    assert sizes == [(1080, 1350), (1080, 1080), (1080, 566)]
    assert [m["alt"] for m in post.media] == [
        "A nurse giving a flu vaccine",
        "A vaccination calendar",
        "A map of the clinics",
    ]


def test_a_container_that_ends_in_error_fails_the_post_for_good_and_publishes_nothing(on_instagram):
    fault(on_instagram, "reject", applies_to="media", remaining=1)

    with pytest.raises(Permanent, match="could not process the media"):
        InstagramAdapter().publish(publication(on_instagram))
    assert not SandboxPost.objects.exists()


def test_a_reached_publishing_limit_waits_without_making_any_container(on_instagram):
    account = on_instagram.sandbox_account
    SandboxPost.objects.bulk_create(
        SandboxPost(account=account, remote_id=str(n), text=f"post {n}") for n in range(100)
    )

    with pytest.raises(Transient, match="publishing limit is reached") as refused:
        InstagramAdapter().publish(publication(on_instagram))
    assert refused.value.retry_after_s == 3600
    assert not SandboxMedia.objects.exists()


def test_the_publishing_limit_is_read_from_the_platform_and_cached_per_account(on_instagram):
    adapter = InstagramAdapter()
    quota = adapter.publishing_limit(on_instagram.account)
    SandboxPost.objects.bulk_create(
        SandboxPost(account=on_instagram.sandbox_account, remote_id=str(n)) for n in range(3)
    )

    assert (quota.used, quota.total, quota.duration_s) == (0, 100, 86400)
    assert adapter.publishing_limit(on_instagram.account) == quota  # cached: the 3 new posts are not seen yet


def count_requests() -> tuple[httpx.Client, list[httpx.Request]]:
    sent: list[httpx.Request] = []
    return httpx.Client(event_hooks={"request": [sent.append]}), sent


@pytest.mark.parametrize(
    ("change", "rule"),
    [
        ({"text": "x" * 2201}, "length"),
        ({"text": " ".join(f"#tag{n}" for n in range(31))}, "hashtag_count"),
    ],
)
def test_what_instagram_refuses_in_the_text_is_found_before_any_request(on_instagram, change, rule):
    variant = on_instagram.variant
    for name, value in change.items():
        setattr(variant, name, value)
    variant.save()
    client, sent = count_requests()

    assert [p.rule for p in InstagramAdapter(client).validate(variant)] == [rule]
    with pytest.raises(Permanent, match="Instagram would refuse"):
        InstagramAdapter(client).publish(publication(on_instagram))
    assert sent == []


def test_the_hashtag_cap_follows_the_settings(on_instagram, settings):
    settings.PLATFORM_RULES = {"instagram": {"max_hashtags": 5}}
    on_instagram.variant.text = "Get your jab #flu #vaccine #health #winter #clinic #free"
    on_instagram.variant.save()

    problems = InstagramAdapter().validate(on_instagram.variant)

    assert [(p.rule, p.message) for p in problems] == [("hashtag_count", "6 hashtags; Instagram takes 5")]


@pytest.mark.parametrize(
    ("width", "height", "mime_type", "rule"),
    [
        # Renditions are never enlarged: too narrow an original, or a crop of it, cannot be fixed.
        (300, 300, "image/jpeg", "width"),
        (1000, 150, "image/jpeg", "width"),  # its 1.91:1 crop is 286 px wide
        (1080, 1080, "image/gif", "file_type"),
    ],
)
def test_an_image_instagram_would_refuse_is_found_before_any_request(on_instagram, width, height, mime_type, rule):
    VariantMedia.objects.filter(variant=on_instagram.variant).delete()
    attach(on_instagram, jpeg_bytes(width, height), {"en": "A poster"}, mime_type=mime_type)
    client, sent = count_requests()

    assert [p.rule for p in InstagramAdapter(client).validate(on_instagram.variant)] == [rule]
    with pytest.raises(Permanent):
        InstagramAdapter(client).publish(publication(on_instagram))
    assert sent == []


def test_a_too_narrow_image_is_refused_naming_the_field_the_rule_and_the_rendition_sent(on_instagram):
    VariantMedia.objects.filter(variant=on_instagram.variant).delete()
    attach(on_instagram, jpeg_bytes(1000, 150), {"en": "A banner"})

    [problem] = InstagramAdapter().validate(on_instagram.variant)

    assert (problem.field, problem.rule) == ("media", "width")
    assert problem.message == (
        "'card-1' is 1000×150; Instagram is sent its 286×150 rendition, too small: "
        "Instagram takes images 320 to 1440 px wide"
    )


@pytest.mark.parametrize(
    ("width", "height", "sent"),
    [
        (1080, 1920, (1080, 1350)),  # 9:16, a story's shape: sent as the 4:5 portrait
        (1800, 600, (1080, 566)),  # 3:1: sent as the 1.91:1 landscape
        (1600, 1600, (1080, 1080)),  # wider than 1440: sent 1080 wide
    ],
)
def test_an_image_out_of_instagrams_shapes_passes_and_is_sent_as_its_rendition(on_instagram, width, height, sent):
    VariantMedia.objects.filter(variant=on_instagram.variant).delete()
    attach(on_instagram, jpeg_bytes(width, height), {"en": "A poster"})

    assert InstagramAdapter().validate(on_instagram.variant) == []
    InstagramAdapter().publish(publication(on_instagram))

    media = SandboxMedia.objects.get()
    assert (media.mime_type, (media.width, media.height)) == ("image/jpeg", sent)
    assert 4 / 5 <= media.width / media.height <= 1.91 and 320 <= media.width <= 1440


def test_a_post_without_an_image_is_refused_before_any_request(on_instagram):
    VariantMedia.objects.filter(variant=on_instagram.variant).delete()

    assert [p.rule for p in InstagramAdapter().validate(on_instagram.variant)] == ["media_count"]


def test_an_expired_token_is_refused_as_invalid_and_the_account_must_be_reconnected(on_instagram):
    SandboxAccount.objects.filter(token=TOKEN).update(token_expires_at=timezone.now() - dt.timedelta(minutes=1))

    with pytest.raises(TokenInvalid, match="190/463") as refused:
        InstagramAdapter().publish(publication(on_instagram))
    assert isinstance(refused.value, AuthFailed)
    assert not SandboxPost.objects.exists()


def test_a_long_lived_token_near_its_end_is_refreshed_before_publishing(on_instagram):
    SandboxAccount.objects.filter(token=TOKEN).update(token_expires_at=timezone.now() + dt.timedelta(days=3))
    account = on_instagram.account
    account.token_expires_at = timezone.now() + dt.timedelta(days=3)
    account.save(update_fields=["token_expires_at"])

    InstagramAdapter().publish(publication(on_instagram))

    account.refresh_from_db()
    assert account.credentials["access_token"] != TOKEN and account.credentials["user_id"] == user_id_for(
        on_instagram.sandbox_account
    )
    assert account.token_expires_at > timezone.now() + dt.timedelta(days=59)
    assert SandboxPost.objects.get().account.token == account.credentials["access_token"]


def test_a_rate_limit_waits_as_long_as_meta_estimates(on_instagram):
    fault(on_instagram, "rate_limit", applies_to="media", remaining=1, retry_after_s=120)

    with pytest.raises(Transient, match="error 4/") as refused:
        InstagramAdapter().publish(publication(on_instagram))
    assert refused.value.retry_after_s == 120


def test_a_server_error_is_transient(on_instagram):
    fault(on_instagram, "server_error", applies_to="create", remaining=1)

    with pytest.raises(Transient, match="error 2/"):
        InstagramAdapter().publish(publication(on_instagram))


def test_a_refused_post_is_permanent(on_instagram):
    fault(on_instagram, "reject", applies_to="create", remaining=1)

    with pytest.raises(Permanent, match="error 368/"):
        InstagramAdapter().publish(publication(on_instagram))


def test_a_lost_reply_is_reconciled_with_the_post_the_account_made(on_instagram):
    fault(on_instagram, "drop_reply", applies_to="create", remaining=1)
    adapter = InstagramAdapter(httpx.Client(timeout=LOST_REPLY_TIMEOUT))

    with pytest.raises(UnknownOutcome):
        adapter.publish(publication(on_instagram))
    found = InstagramAdapter().find_existing(publication(on_instagram))

    post = SandboxPost.objects.get()
    assert found is not None and found.remote_id == post.remote_id


def test_reconciliation_chooses_nothing_when_two_posts_could_be_ours(on_instagram):
    adapter = InstagramAdapter()
    adapter.publish(publication(on_instagram))
    other = builders.make_publication(on_instagram.variant, on_instagram.account)
    adapter.publish(Publication.objects.get(pk=other.pk))

    assert adapter.find_existing(publication(on_instagram)) is None


def test_reconciliation_skips_a_post_another_publication_recorded_and_finds_none_before_any_post(on_instagram):
    adapter = InstagramAdapter()
    assert adapter.find_existing(publication(on_instagram)) is None
    other = builders.make_publication(on_instagram.variant, on_instagram.account)
    made = adapter.publish(Publication.objects.get(pk=other.pk))
    Publication.objects.filter(pk=other.pk).update(remote_id=made.remote_id)

    assert adapter.find_existing(publication(on_instagram)) is None


def test_metrics_come_from_the_media_insights(on_instagram):
    made = InstagramAdapter().publish(publication(on_instagram))
    Publication.objects.filter(pk=on_instagram.publication.pk).update(remote_id=made.remote_id)

    metrics = InstagramAdapter().fetch_metrics(publication(on_instagram))

    assert set(metrics) == {"reach", "views", "likes", "comments", "shares", "saved"}
    assert all(isinstance(value, int) and value >= 0 for value in metrics.values())


def test_instagram_cannot_delete_a_post_and_says_so(on_instagram):
    with pytest.raises(Permanent, match="cannot delete"):
        InstagramAdapter().delete(publication(on_instagram))


def only_video(world, mime_type: str = "video/mp4", **fields) -> None:
    VariantMedia.objects.filter(variant=world.variant).delete()
    attach(world, MP4, {}, mime_type=mime_type, kind="video", **fields)


def test_a_single_video_is_a_reel_fetched_from_its_signed_address(on_instagram):
    only_video(on_instagram)
    sent: list[httpx.Request] = []

    published = InstagramAdapter(httpx.Client(event_hooks={"request": [sent.append]})).publish(
        publication(on_instagram)
    )

    post = SandboxPost.objects.get()
    assert published.remote_id == post.remote_id and post.payload["media_type"] == "REELS"
    assert SandboxMedia.objects.get(post=post).type == "video"
    container = next(r for r in sent if r.method == "POST" and r.url.path.endswith("/media"))
    assert b"media_type=REELS" in container.content and b"video_url=http" in container.content
    assert sum(r.method == "GET" and "status_code" in str(r.url) for r in sent) >= 1  # polled until FINISHED


def test_a_video_in_a_carousel_is_a_video_item(on_instagram):
    attach(on_instagram, MP4, {}, mime_type="video/mp4", width=1080, height=1080)

    InstagramAdapter().publish(publication(on_instagram))

    post = SandboxPost.objects.get()
    assert post.payload["media_type"] == "CAROUSEL"
    assert sorted(m.type for m in SandboxMedia.objects.filter(post=post)) == ["image", "video"]


def test_a_reels_metrics_include_its_watch_times(on_instagram):
    only_video(on_instagram)
    made = InstagramAdapter().publish(publication(on_instagram))
    Publication.objects.filter(pk=on_instagram.publication.pk).update(remote_id=made.remote_id)

    metrics = InstagramAdapter().fetch_metrics(publication(on_instagram))

    assert {"ig_reels_avg_watch_time", "ig_reels_video_view_total_time", "views", "reach"} <= set(metrics)


def test_a_reel_that_ends_in_error_fails_for_good_and_one_that_expired_is_retried(on_instagram):
    only_video(on_instagram)
    fault(on_instagram, "reject", applies_to="media", remaining=1)
    with pytest.raises(Permanent, match="could not process the media"):
        InstagramAdapter().publish(publication(on_instagram))

    def expire(response: httpx.Response) -> None:
        if response.request.method == "POST" and response.request.url.path.endswith("/media"):
            key = f"sandbox:meta:container:{response.read() and response.json()['id']}"
            cache.set(key, cache.get(key) | {"created": time.time() - 25 * 3600})

    with pytest.raises(Transient, match="expired"):
        InstagramAdapter(httpx.Client(event_hooks={"response": [expire]})).publish(publication(on_instagram))
    assert not SandboxPost.objects.exists()


@pytest.mark.parametrize(
    ("fields", "rule"),
    [
        ({"duration_ms": 2_000}, "duration"),
        ({"duration_ms": 16 * 60_000}, "duration"),
        ({"size_bytes": 301 * 1024 * 1024}, "file_size"),
        ({"width": 2160, "height": 3840}, "width"),
        ({"mime_type": "video/webm"}, "file_type"),
    ],
)
def test_a_reel_instagram_would_refuse_is_found_before_any_request(on_instagram, fields, rule):
    only_video(on_instagram, **fields)

    assert [p.rule for p in InstagramAdapter().validate(on_instagram.variant)] == [rule]


def test_a_carousel_video_over_a_minute_is_refused(on_instagram):
    attach(on_instagram, MP4, {}, mime_type="video/mp4", duration_ms=90_000)

    assert [p.rule for p in InstagramAdapter().validate(on_instagram.variant)] == ["duration"]


def test_the_first_comment_is_posted_on_the_media_and_a_refused_one_is_a_note(on_instagram):
    on_instagram.variant.first_comment = "#FluVaccine #StayWell"
    on_instagram.variant.save()
    published = InstagramAdapter().publish(publication(on_instagram))
    assert published.notes == ()
    assert SandboxPost.objects.get(reply_to=published.remote_id).text == "#FluVaccine #StayWell"

    on_instagram.variant.first_comment = "x" * 2201
    on_instagram.variant.save()
    other = builders.make_publication(on_instagram.variant, on_instagram.account)
    second = InstagramAdapter().publish(Publication.objects.get(pk=other.pk))

    assert second.notes and second.notes[0].startswith("First comment not posted")
    assert not SandboxPost.objects.filter(reply_to=second.remote_id).exists()
