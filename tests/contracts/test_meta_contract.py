"""Instagram and Threads against the live sandbox, every request and reply checked against Meta's definitions."""

from __future__ import annotations

import hashlib
import io

import httpx
import pytest
from django.core.cache import cache
from django.core.files.base import ContentFile
from PIL import Image

from campaigns.models import VariantMedia
from publishing.adapters.base import Connection, Permanent, TokenInvalid, Transient, UnknownOutcome
from publishing.adapters.facebook import FacebookAdapter
from publishing.adapters.instagram import InstagramAdapter
from publishing.adapters.threads import ThreadsAdapter
from publishing.models import Publication
from publishing.sandbox import services
from publishing.sandbox.dialects.meta import user_id_for
from publishing.sandbox.models import SandboxAccount
from tests import builders
from tests.contracts.graph import GraphContract

TOKEN = "meta-token-of-the-ministry"
# A lost reply is held this long by the sandbox; the client gives up sooner, but not so soon that a loaded
# test run's ordinary calls (a container's media download) time out too.
LOST_REPLY_TIMEOUT = httpx.Timeout(5.0, read=1.0)

pytestmark = pytest.mark.usefixtures("graph_sandbox")


def meta_world(world, live_server, platform: str):
    """The ministry's account on the platform's sandbox, a variant with one JPEG, a checked client."""
    sandbox_account = services.account_for(platform, TOKEN)
    world.uid = user_id_for(sandbox_account)
    world.sandbox = f"{live_server.url}/sandbox/{platform}/"
    world.account = builders.make_account(
        world.ministry, platform=platform, handle="@ministry", api_base_url=world.sandbox,
        credentials={"access_token": TOKEN, "user_id": world.uid, "page_id": world.uid},
    )  # fmt: skip
    world.variant = builders.make_variant(world.item, platform=platform, text="Free flu jabs this week #FluVaccine 💉")
    attach(world)
    world.publication = builders.make_publication(world.variant, world.account)
    world.contract = GraphContract(platform, f"/sandbox/{platform}/", {world.uid})
    return world


@pytest.fixture
def instagram(world, live_server, transactional_db):
    checked = meta_world(world, live_server, "instagram")
    yield checked
    assert checked.contract.problems == [], "\n".join(checked.contract.problems)


@pytest.fixture
def threads(world, live_server, transactional_db):
    checked = meta_world(world, live_server, "threads")
    yield checked
    assert checked.contract.problems == [], "\n".join(checked.contract.problems)


@pytest.fixture
def facebook(world, live_server, transactional_db):
    checked = meta_world(world, live_server, "facebook")
    yield checked
    assert checked.contract.problems == [], "\n".join(checked.contract.problems)


def attach(world) -> None:
    buffer, position = io.BytesIO(), VariantMedia.objects.filter(variant=world.variant).count() + 1
    Image.new("RGB", (1080, 1080), (10, 40 * position, 90)).save(buffer, "JPEG")
    content = buffer.getvalue()
    asset = builders.make_media(
        world.ministry, f"card-{position}", file=ContentFile(content, name=f"card-{position}.jpg"),
        mime_type="image/jpeg", checksum=hashlib.sha256(content).hexdigest(), alt_text={"en": f"Poster {position}"},
        width=1080, height=1080, size_bytes=len(content),
    )  # fmt: skip
    VariantMedia.objects.create(variant=world.variant, asset=asset, position=position)


def publication(world) -> Publication:
    return Publication.objects.select_related("variant", "account").get(pk=world.publication.pk)


def fault(world, kind: str, **fields: object) -> None:
    headers = {"Authorization": f"Bearer {TOKEN}"}
    httpx.post(world.sandbox + "faults", json={"kind": kind, **fields}, headers=headers).raise_for_status()


def endpoints(world) -> set[tuple[str, str]]:
    """The calls made, their ids generalised."""
    return {
        (method, "/".join("{id}" if p.isdigit() else p for p in path.split("/")[4:]))
        for method, path, _ in world.contract.calls
    }


def test_an_instagram_image_carousel_its_reconciliation_and_insights_keep_to_the_definition(instagram):
    attach(instagram)
    adapter = InstagramAdapter(instagram.contract.client(timeout=5.0))

    made = adapter.publish(publication(instagram))
    Publication.objects.filter(pk=instagram.publication.pk).update(remote_id=made.remote_id)
    adapter.fetch_metrics(publication(instagram))
    other = builders.make_publication(instagram.variant, instagram.account)
    adapter.find_existing(Publication.objects.get(pk=other.pk))

    assert endpoints(instagram) == {
        ("GET", "{id}/content_publishing_limit"), ("POST", "{id}/media"), ("GET", "{id}"),
        ("POST", "{id}/media_publish"), ("GET", "{id}/insights"), ("GET", "{id}/media"),
    }  # fmt: skip


def test_instagram_errors_keep_to_meta_error_object(instagram):
    adapter = InstagramAdapter(instagram.contract.client(timeout=5.0))
    impatient = InstagramAdapter(instagram.contract.client(timeout=LOST_REPLY_TIMEOUT))
    for kind, scope, expected in [
        ("rate_limit", "media", Transient), ("server_error", "create", Transient),
        ("reject", "media", Permanent), ("reject", "create", Permanent), ("drop_reply", "create", UnknownOutcome),
        ("unauthorized", "all", TokenInvalid),
    ]:  # fmt: skip
        fault(instagram, kind, applies_to=scope, remaining=1)
        with pytest.raises(expected):
            (impatient if kind == "drop_reply" else adapter).publish(publication(instagram))
        cache.clear()
    SandboxAccount.objects.filter(token=TOKEN).update(token_expires_at="2000-01-01T00:00:00Z")
    with pytest.raises(TokenInvalid):
        adapter.publish(publication(instagram))


def test_threads_text_image_carousel_delete_and_insights_keep_to_the_definition(threads):
    adapter = ThreadsAdapter(threads.contract.client(timeout=5.0))
    made = adapter.publish(publication(threads))
    attach(threads)
    second = builders.make_publication(threads.variant, threads.account)
    adapter.publish(Publication.objects.get(pk=second.pk))
    VariantMedia.objects.filter(variant=threads.variant).delete()
    third = builders.make_publication(threads.variant, threads.account)
    adapter.publish(Publication.objects.get(pk=third.pk))
    Publication.objects.filter(pk=threads.publication.pk).update(remote_id=made.remote_id)

    adapter.fetch_metrics(publication(threads))
    adapter.find_existing(publication(threads))
    adapter.delete(publication(threads))

    assert ("DELETE", "{id}") in endpoints(threads) and ("POST", "{id}/threads_publish") in endpoints(threads)


def test_the_contract_catches_an_unknown_parameter_a_missing_one_and_a_wrong_type(instagram):
    client = instagram.contract.client(timeout=5.0, headers={"Authorization": f"Bearer {TOKEN}"})
    base = f"{instagram.sandbox}v21.0/{instagram.uid}/"

    client.post(base + "media", data={"image_url": "http://127.0.0.1:9/x.jpg", "text": "a Threads field"})
    client.post(base + "media_publish", data={})
    client.post(base + "media_publish", data={"creation_id": "not-a-number"})
    client.get(base + "media", params={"fields": "id,status_code"})
    instagram.contract.problems, found = [], instagram.contract.problems

    assert any("'text' is not in IGUser media" in p for p in found)
    assert any("required parameter 'creation_id' is missing" in p for p in found)
    assert any("creation_id='not-a-number' is not a unsigned int" in p for p in found)
    assert any("['status_code'] are not fields of IGMedia" in p for p in found)


def test_facebook_text_photos_reconciliation_insights_and_delete_keep_to_the_definition(facebook):
    adapter = FacebookAdapter(facebook.contract.client(timeout=5.0))
    made = adapter.publish(publication(facebook))  # one photo
    attach(facebook)
    second = builders.make_publication(facebook.variant, facebook.account)
    adapter.publish(Publication.objects.get(pk=second.pk))  # two photos, then one feed post
    VariantMedia.objects.filter(variant=facebook.variant).delete()
    facebook.variant.link = "https://example.org/flu"
    facebook.variant.save()
    third = builders.make_publication(facebook.variant, facebook.account)
    adapter.publish(Publication.objects.get(pk=third.pk))  # text and link
    Publication.objects.filter(pk=facebook.publication.pk).update(remote_id=made.remote_id)

    adapter.fetch_metrics(publication(facebook))
    adapter.find_existing(publication(facebook))
    adapter.delete(publication(facebook))

    assert {("POST", "{id}/photos"), ("POST", "{id}/feed"), ("GET", "{id}/published_posts")} <= endpoints(facebook)


def video(world) -> None:
    VariantMedia.objects.filter(variant=world.variant).delete()
    content = b"\x00\x00\x00\x18ftypmp42" + b"\x00" * 2048
    asset = builders.make_media(
        world.ministry, "clip", file=ContentFile(content, name="clip.mp4"), mime_type="video/mp4", kind="video",
        checksum=hashlib.sha256(content).hexdigest(), width=1080, height=1920, duration_ms=30_000,
        size_bytes=len(content),
    )  # fmt: skip
    VariantMedia.objects.create(variant=world.variant, asset=asset, position=1)


def connection(world, token: str) -> Connection:
    services.account_for(world.account.platform, token)  # a token the sandbox issued, at the code exchange
    credentials = {"access_token": token, "client_id": "planner", "client_secret": "secret"}
    return Connection("@typed", world.sandbox, credentials, 3600)


def test_an_instagram_reel_its_first_comment_its_insights_and_connecting_keep_to_the_definition(instagram):
    video(instagram)
    instagram.variant.first_comment = "Where to get vaccinated: see our bio."
    instagram.variant.save()
    adapter = InstagramAdapter(instagram.contract.client(timeout=5.0))

    made = adapter.publish(publication(instagram))
    Publication.objects.filter(pk=instagram.publication.pk).update(remote_id=made.remote_id)
    adapter.fetch_metrics(publication(instagram))
    connected = adapter.complete_connection(connection(instagram, "short-lived-instagram"))

    assert made.notes == () and connected.handle.startswith("@sandbox_user_")
    assert {("POST", "{id}/comments"), ("GET", "{id}/insights"), ("GET", "me")} <= endpoints(instagram)
    assert any(path.endswith("/access_token") for _, path, _ in instagram.contract.calls)


def test_a_threads_reply_and_connecting_keep_to_the_definition(threads):
    threads.variant.first_comment = "Book at https://example.org/flu"
    threads.variant.save()
    adapter = ThreadsAdapter(threads.contract.client(timeout=5.0))

    made = adapter.publish(publication(threads))
    connected = adapter.complete_connection(connection(threads, "short-lived-threads"))

    assert made.notes == () and connected.credentials["user_id"]
    assert sum(1 for m, path, _ in threads.contract.calls if m == "POST" and path.endswith("/threads_publish")) == 2


def test_a_facebook_video_its_comment_its_video_insights_and_connecting_keep_to_the_definition(facebook):
    video(facebook)
    facebook.variant.first_comment = "Subtitles are on."
    facebook.variant.save()
    adapter = FacebookAdapter(facebook.contract.client(timeout=5.0))

    made = adapter.publish(publication(facebook))
    Publication.objects.filter(pk=facebook.publication.pk).update(remote_id=made.remote_id)
    adapter.fetch_metrics(publication(facebook))
    connected = adapter.complete_connection(connection(facebook, "short-lived-facebook"))

    assert made.notes == () and connected.handle == "Sandbox Health Page"
    assert {("POST", "{id}/videos"), ("POST", "{id}/comments"), ("GET", "{id}/video_insights"),
            ("GET", "me/accounts")} <= endpoints(facebook)  # fmt: skip


def test_a_facebook_photo_posts_comment_and_insights_keep_to_the_definition(facebook):
    facebook.variant.first_comment = "Share it with your family."
    facebook.variant.save()
    adapter = FacebookAdapter(facebook.contract.client(timeout=5.0))

    made = adapter.publish(publication(facebook))
    Publication.objects.filter(pk=facebook.publication.pk).update(remote_id=made.remote_id)
    metrics = adapter.fetch_metrics(publication(facebook))

    assert made.notes == () and set(metrics) == {
        "post_total_media_view_unique",
        "post_clicks",
        "post_reactions_like_total",
    }
