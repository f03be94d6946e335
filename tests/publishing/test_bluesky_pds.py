"""The Bluesky adapter against a real PDS (@atproto/dev-env from the npm registry, on loopback; scripts/pds).

Skipped, with the reason, where the PDS cannot be installed or started; PLANNER_REQUIRE_PDS=1 (CI) makes
that a failure instead.
"""

from __future__ import annotations

import hashlib
import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from django.core.files.base import ContentFile

from campaigns.models import VariantMedia
from publishing.adapters.base import Permanent
from publishing.adapters.bluesky import BlueskyAdapter, comment_key, record_key
from publishing.models import Publication
from tests import builders, pds
from tests.contracts.on_sandbox import malformed_video_embeds
from tests.sandbox.conftest import image_bytes

pytestmark = pytest.mark.pds

HANDLE = "health.test"  # dev-env's PDS serves handles under .test
ARABIC = "احصل على لقاح الإنفلونزا المجاني هذا الأسبوع: "
LINK = "https://example.org/ar/flu"
ALT = "ممرضة تعطي لقاح الإنفلونزا"
VIDEO = (Path(__file__).resolve().parents[2] / "campaigns" / "demo_media" / "flu-nurse.mp4").read_bytes()
VIDEO_ALT = "ممرضة تشرح لماذا نأخذ لقاح الإنفلونزا كل عام"


@pytest.fixture(scope="module")
def server() -> Iterator[pds.Pds]:
    problem = None
    if os.geteuid() != 0 or not shutil.which("unshare"):
        problem = "the PDS runs in a private network namespace: needs root and unshare"
    else:
        try:
            pds.install()
            started = pds.Pds()
        except pds.Unavailable as error:
            problem = str(error)
    if problem:
        if os.environ.get("PLANNER_REQUIRE_PDS") == "1":
            pytest.fail(f"PLANNER_REQUIRE_PDS=1 but {problem}")
        pytest.skip(f"no real Bluesky PDS here: {problem}")
    yield started
    started.stop()


@pytest.fixture
def on_pds(world, server):
    """An account made on the PDS, with an app password, as the ministry's Bluesky account."""
    xrpc = f"{server.url}/xrpc/"
    handle = f"h{os.urandom(4).hex()}.test"
    login = {"email": f"{handle}@example.org", "handle": handle, "password": "a-long-main-password"}
    session = httpx.post(xrpc + "com.atproto.server.createAccount", json=login).raise_for_status().json()
    app_password = httpx.post(
        xrpc + "com.atproto.server.createAppPassword", json={"name": "planner"},
        headers={"Authorization": f"Bearer {session['accessJwt']}"},
    ).raise_for_status().json()["password"]  # fmt: skip
    world.xrpc, world.did = xrpc, session["did"]
    world.account = builders.make_account(
        world.ministry, platform="bluesky", handle=f"@{handle}", api_base_url=server.url,
        credentials={"identifier": handle, "app_password": app_password},
    )  # fmt: skip
    world.variant = builders.make_variant(
        world.item, platform="bluesky", language="ar", text=f"{ARABIC}{LINK} @{handle} #لقاح"
    )
    content = image_bytes(1200, 675)
    asset = builders.make_media(
        world.ministry, "nurse", file=ContentFile(content, name="nurse.png"), mime_type="image/png",
        checksum=hashlib.sha256(content).hexdigest(), alt_text={"ar": ALT},
    )  # fmt: skip
    VariantMedia.objects.create(variant=world.variant, asset=asset, position=1)
    world.publication = builders.make_publication(world.variant, world.account)
    return world


def publication(world: object) -> Publication:
    return Publication.objects.select_related("variant", "account").get(pk=world.publication.pk)


def test_an_arabic_post_with_a_link_and_an_image_reaches_a_real_pds_and_reads_back(on_pds):
    published = BlueskyAdapter().publish(publication(on_pds))

    rkey = record_key(on_pds.publication)
    assert published.remote_id == f"at://{on_pds.did}/app.bsky.feed.post/{rkey}"
    params = {"repo": on_pds.did, "collection": "app.bsky.feed.post", "rkey": rkey}
    record = httpx.get(on_pds.xrpc + "com.atproto.repo.getRecord", params=params).raise_for_status().json()["value"]
    text = record["text"]
    assert text.startswith(ARABIC) and record["langs"] == ["ar"]
    link, mention, tag = record["facets"]
    assert link["index"] == {"byteStart": len(ARABIC.encode()), "byteEnd": len(ARABIC.encode()) + len(LINK)}
    assert link["features"] == [{"$type": "app.bsky.richtext.facet#link", "uri": LINK}]
    assert mention["features"] == [{"$type": "app.bsky.richtext.facet#mention", "did": on_pds.did}]
    assert text.encode()[tag["index"]["byteStart"] : tag["index"]["byteEnd"]].decode() == "#لقاح"
    (image,) = record["embed"]["images"]
    assert image["alt"] == ALT and image["aspectRatio"] == {"width": 1200, "height": 675}
    assert image["image"]["mimeType"] == "image/png" and image["image"]["size"] > 0


def test_a_retry_on_a_real_pds_is_recognised_as_already_published(on_pds):
    first = BlueskyAdapter().publish(publication(on_pds))

    again = BlueskyAdapter().publish(publication(on_pds))  # the PDS refuses the taken key with a 500

    assert again.remote_id == first.remote_id
    assert BlueskyAdapter().find_existing(publication(on_pds)).remote_id == first.remote_id
    listing = httpx.get(
        on_pds.xrpc + "com.atproto.repo.listRecords", params={"repo": on_pds.did, "collection": "app.bsky.feed.post"}
    ).json()
    assert len(listing["records"]) == 1


def test_a_first_comment_is_a_reply_on_a_real_pds_with_its_refs_and_made_once(on_pds):
    on_pds.variant.first_comment = f"اعثر على صيدلية @{on_pds.account.handle.removeprefix('@')} #لقاح"
    on_pds.variant.save(update_fields=["first_comment"])

    first = BlueskyAdapter().publish(publication(on_pds))
    again = BlueskyAdapter().publish(publication(on_pds))  # both keys taken: read back, nothing doubled

    assert first.notes == again.notes == () and again.remote_id == first.remote_id
    get = on_pds.xrpc + "com.atproto.repo.getRecord"
    post = httpx.get(get, params={"repo": on_pds.did, "collection": "app.bsky.feed.post",
                                  "rkey": record_key(on_pds.publication)}).raise_for_status().json()  # fmt: skip
    reply = httpx.get(get, params={"repo": on_pds.did, "collection": "app.bsky.feed.post",
                                   "rkey": comment_key(on_pds.publication)}).raise_for_status().json()["value"]  # fmt: skip
    assert reply["reply"] == {"root": {"uri": post["uri"], "cid": post["cid"]},
                              "parent": {"uri": post["uri"], "cid": post["cid"]}}  # fmt: skip
    assert reply["langs"] == ["ar"] and [f["features"][0]["$type"] for f in reply["facets"]] == [
        "app.bsky.richtext.facet#mention", "app.bsky.richtext.facet#tag",
    ]  # fmt: skip
    listing = httpx.get(
        on_pds.xrpc + "com.atproto.repo.listRecords", params={"repo": on_pds.did, "collection": "app.bsky.feed.post"}
    ).json()
    assert len(listing["records"]) == 2


def test_a_video_post_reaches_a_real_pds_as_an_mp4_blob_in_a_video_embed(on_pds):
    on_pds.variant.attachments.all().delete()
    asset = builders.make_media(
        on_pds.ministry, "nurse video", file=ContentFile(VIDEO, name="flu-nurse.mp4"), kind="video",
        mime_type="video/mp4", checksum=hashlib.sha256(VIDEO).hexdigest(), alt_text={"ar": VIDEO_ALT},
        size_bytes=len(VIDEO), width=1280, height=720, duration_ms=8_000,
    )  # fmt: skip
    VariantMedia.objects.create(variant=on_pds.variant, asset=asset, position=1)

    published = BlueskyAdapter().publish(publication(on_pds))

    params = {"repo": on_pds.did, "collection": "app.bsky.feed.post", "rkey": record_key(on_pds.publication)}
    found = httpx.get(on_pds.xrpc + "com.atproto.repo.getRecord", params=params).raise_for_status().json()
    embed = found["value"]["embed"]
    assert found["uri"] == published.remote_id and found["value"]["langs"] == ["ar"]
    assert embed["$type"] == "app.bsky.embed.video" and embed["alt"] == VIDEO_ALT
    assert embed["aspectRatio"] == {"width": 1280, "height": 720}
    assert (embed["video"]["mimeType"], embed["video"]["size"]) == ("video/mp4", len(VIDEO))
    blob = httpx.get(on_pds.xrpc + "com.atproto.sync.getBlob",
                     params={"did": on_pds.did, "cid": embed["video"]["ref"]["$link"]})  # fmt: skip
    assert blob.raise_for_status().content == VIDEO


def test_a_real_pds_refuses_malformed_video_embeds_as_the_sandbox_does(on_pds):
    credentials = on_pds.account.credentials
    login = {"identifier": credentials["identifier"], "password": credentials["app_password"]}
    session = httpx.post(on_pds.xrpc + "com.atproto.server.createSession", json=login).raise_for_status().json()
    headers = {"Authorization": f"Bearer {session['accessJwt']}"}

    def upload(content: bytes, mime_type: str) -> dict[str, object]:
        sent = headers | {"Content-Type": mime_type}
        return httpx.post(on_pds.xrpc + "com.atproto.repo.uploadBlob", content=content, headers=sent).json()["blob"]

    cases = malformed_video_embeds(upload(image_bytes(64, 64), "image/png"), upload(VIDEO, "video/mp4"))
    answers = []
    for embed, _answer in cases:
        record = {"$type": "app.bsky.feed.post", "text": "", "createdAt": "2025-01-01T00:00:00.000Z", "embed": embed}
        body = {"repo": on_pds.did, "collection": "app.bsky.feed.post", "record": record}
        reply = httpx.post(on_pds.xrpc + "com.atproto.repo.createRecord", json=body, headers=headers)
        answers.append((reply.status_code, reply.json()["error"], reply.json()["message"]))

    assert answers == [answer for _embed, answer in cases]


def test_301_graphemes_are_refused_by_our_validation_before_the_pds_is_asked(on_pds):
    on_pds.variant.text = "ا" * 301
    on_pds.variant.save(update_fields=["text"])
    sent = []
    client = httpx.Client(event_hooks={"request": [sent.append]})

    with pytest.raises(Permanent, match="this post has 301"):
        BlueskyAdapter(client=client).publish(publication(on_pds))

    assert sent == []
