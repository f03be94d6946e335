"""The Facebook Pages adapter over real HTTP against the sandbox's Graph dialect: feed, photos, video."""

from __future__ import annotations

import hashlib
import io

import httpx
import pytest
from django.core.files.base import ContentFile
from PIL import Image

from campaigns.models import VariantMedia
from publishing.adapters import REGISTRY
from publishing.adapters.base import Permanent, TokenInvalid, Transient, UnknownOutcome
from publishing.adapters.facebook import FacebookAdapter
from publishing.models import Publication
from publishing.sandbox import services
from publishing.sandbox.dialects.graph import user_id_for
from publishing.sandbox.models import SandboxMedia, SandboxPost
from tests import builders

TOKEN = "page-token-of-the-ministry"
# A lost reply is held this long by the sandbox; the client gives up sooner, but not so soon that a loaded
# test run's ordinary calls (a container's media download) time out too.
LOST_REPLY_TIMEOUT = httpx.Timeout(5.0, read=1.0)
LINK = "https://example.org/flu"
MP4 = b"\x00\x00\x00\x18ftypmp42" + b"\x00" * 2048

pytestmark = pytest.mark.usefixtures("graph_sandbox")


@pytest.fixture
def on_facebook(world, live_server, transactional_db):
    """The ministry's Page on the live sandbox, and a publication of a text variant with a link."""
    world.sandbox = f"{live_server.url}/sandbox/facebook/"
    world.page_id = user_id_for(services.account_for("facebook", TOKEN))
    world.account = builders.make_account(
        world.ministry, platform="facebook", handle="Ministry of Health", api_base_url=world.sandbox,
        credentials={"access_token": TOKEN, "page_id": world.page_id},
    )  # fmt: skip
    world.variant = builders.make_variant(
        world.item, platform="facebook", text="Flu jabs are free this week.", link=LINK
    )
    world.publication = builders.make_publication(world.variant, world.account)
    return world


def attach(world, content: bytes | None = None, mime_type: str = "image/jpeg") -> None:
    position = VariantMedia.objects.filter(variant=world.variant).count() + 1
    if content is None:
        buffer = io.BytesIO()
        Image.new("RGB", (1200, 630), (10, 40 * position, 90)).save(buffer, "JPEG")
        content = buffer.getvalue()
    asset = builders.make_media(
        world.ministry, f"card-{position}", file=ContentFile(content, name=f"card-{position}.bin"), mime_type=mime_type,
        checksum=hashlib.sha256(content).hexdigest(), alt_text={"en": f"Poster {position}"}, size_bytes=len(content),
        kind="video" if mime_type.startswith("video/") else "image",
    )  # fmt: skip
    VariantMedia.objects.create(variant=world.variant, asset=asset, position=position)


def publication(world) -> Publication:
    return Publication.objects.select_related("variant", "account").get(pk=world.publication.pk)


def fault(world, kind: str, **fields: object) -> None:
    headers = {"Authorization": f"Bearer {TOKEN}"}
    httpx.post(world.sandbox + "faults", json={"kind": kind, **fields}, headers=headers).raise_for_status()


def test_facebook_publishes_with_its_own_adapter():
    assert REGISTRY["facebook"] is FacebookAdapter


def test_a_text_post_carries_its_link_as_the_feed_posts_link(on_facebook):
    published = FacebookAdapter().publish(publication(on_facebook))

    post = SandboxPost.objects.get()
    assert published.remote_id == f"{on_facebook.page_id}_{post.remote_id}"
    assert (post.text, post.link) == ("Flu jabs are free this week.", LINK)
    assert post.idempotency_key == str(on_facebook.publication.idempotency_key)
    assert published.url.endswith(f"/posts/{post.remote_id}")


def test_one_photo_is_a_photo_post_with_its_caption_and_alt_text(on_facebook):
    attach(on_facebook)

    published = FacebookAdapter().publish(publication(on_facebook))

    post = SandboxPost.objects.get()
    assert published.remote_id == f"{on_facebook.page_id}_{post.remote_id}"
    assert post.text == f"Flu jabs are free this week.\n\n{LINK}"
    assert SandboxMedia.objects.get(post=post).description == "Poster 1"


def test_several_photos_are_uploaded_unpublished_then_attached_to_one_feed_post(on_facebook):
    for _ in range(3):
        attach(on_facebook)

    FacebookAdapter().publish(publication(on_facebook))

    post = SandboxPost.objects.get()
    assert [m["alt"] for m in post.media] == ["Poster 1", "Poster 2", "Poster 3"]
    assert SandboxMedia.objects.filter(post=post).count() == 3


def test_a_video_is_posted_from_its_file_url(on_facebook):
    attach(on_facebook, MP4, "video/mp4")

    published = FacebookAdapter().publish(publication(on_facebook))

    post = SandboxPost.objects.get()
    assert published.remote_id == post.remote_id and SandboxMedia.objects.get(post=post).type == "video"


def test_photos_and_a_video_together_are_refused_before_any_request(on_facebook):
    attach(on_facebook)
    attach(on_facebook, MP4, "video/mp4")
    sent: list[httpx.Request] = []

    with pytest.raises(Permanent, match="never both"):
        FacebookAdapter(httpx.Client(event_hooks={"request": [sent.append]})).publish(publication(on_facebook))
    assert sent == []


def test_a_lost_reply_is_reconciled_from_the_pages_published_posts(on_facebook):
    fault(on_facebook, "drop_reply", remaining=1)

    with pytest.raises(UnknownOutcome):
        FacebookAdapter(httpx.Client(timeout=LOST_REPLY_TIMEOUT)).publish(publication(on_facebook))
    found = FacebookAdapter().find_existing(publication(on_facebook))

    assert found is not None and found.remote_id == f"{on_facebook.page_id}_{SandboxPost.objects.get().remote_id}"


def test_errors_are_read_from_meta_error_codes(on_facebook):
    adapter = FacebookAdapter()
    for kind, expected in [("rate_limit", Transient), ("server_error", Transient), ("reject", Permanent),
                           ("unauthorized", TokenInvalid)]:  # fmt: skip
        fault(on_facebook, kind, remaining=1)
        with pytest.raises(expected):
            adapter.publish(publication(on_facebook))
    assert not SandboxPost.objects.exists()


def test_a_post_is_deleted_and_its_insights_read(on_facebook):
    adapter = FacebookAdapter()
    made = adapter.publish(publication(on_facebook))
    Publication.objects.filter(pk=on_facebook.publication.pk).update(remote_id=made.remote_id)

    metrics = adapter.fetch_metrics(publication(on_facebook))
    adapter.delete(publication(on_facebook))

    assert set(metrics) == {"post_total_media_view_unique", "post_clicks", "post_reactions_like_total"}
    assert SandboxPost.objects.get().deleted_at is not None


def test_the_first_comment_is_posted_under_the_post(on_facebook):
    on_facebook.variant.first_comment = "Find your nearest clinic: https://example.org/clinics"
    on_facebook.variant.save()

    published = FacebookAdapter().publish(publication(on_facebook))

    post, comment = SandboxPost.objects.order_by("pk")
    assert published.notes == () and comment.reply_to == post.remote_id
    assert comment.text == "Find your nearest clinic: https://example.org/clinics"
    assert FacebookAdapter().find_existing(publication(on_facebook)).remote_id == published.remote_id


def test_a_refused_first_comment_is_a_note_and_the_post_is_published(on_facebook):
    on_facebook.variant.first_comment = "x" * 8001  # over what the sandbox's Page takes in a comment
    on_facebook.variant.save()

    published = FacebookAdapter().publish(publication(on_facebook))

    assert SandboxPost.objects.get().remote_id == published.remote_id.rpartition("_")[2]
    assert len(published.notes) == 1 and published.notes[0].startswith("First comment not posted")


def test_a_post_found_after_a_lost_reply_does_not_get_its_comment_twice(on_facebook):
    on_facebook.variant.first_comment = "Questions? Ask us below."
    on_facebook.variant.save()
    fault(on_facebook, "drop_reply", remaining=1)

    with pytest.raises(UnknownOutcome):
        FacebookAdapter(httpx.Client(timeout=LOST_REPLY_TIMEOUT)).publish(publication(on_facebook))
    found = FacebookAdapter().find_existing(publication(on_facebook))

    assert SandboxPost.objects.count() == 1  # the post, and no comment: reconciling never posts one
    assert found is not None and "check whether its comment is there" in found.notes[0]


def test_a_videos_metrics_come_from_its_video_insights_and_its_comment_goes_under_it(on_facebook):
    attach(on_facebook, MP4, "video/mp4")
    on_facebook.variant.first_comment = "Subtitles in the description."
    on_facebook.variant.save()
    adapter = FacebookAdapter()
    made = adapter.publish(publication(on_facebook))
    Publication.objects.filter(pk=on_facebook.publication.pk).update(remote_id=made.remote_id)

    metrics = adapter.fetch_metrics(publication(on_facebook))

    assert set(metrics) == {"total_video_views", "total_video_views_unique", "total_video_avg_time_watched"}
    assert SandboxPost.objects.get(reply_to=made.remote_id).text == "Subtitles in the description."


@pytest.mark.parametrize("photos", [1, 3])
def test_photo_posts_metrics_come_from_the_post_insights(on_facebook, photos):
    for _ in range(photos):
        attach(on_facebook)
    made = FacebookAdapter().publish(publication(on_facebook))
    Publication.objects.filter(pk=on_facebook.publication.pk).update(remote_id=made.remote_id)

    metrics = FacebookAdapter().fetch_metrics(publication(on_facebook))

    assert set(metrics) == {"post_total_media_view_unique", "post_clicks", "post_reactions_like_total"}
    assert all(isinstance(value, int) for value in metrics.values())
