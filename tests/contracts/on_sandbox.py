"""What the adapter and contract tests share: an account on the live sandbox, media attached, faults injected."""

from __future__ import annotations

import hashlib
from typing import Any

import httpx
from django.core.files.base import ContentFile

from campaigns.models import MediaAsset, VariantMedia
from publishing.models import Publication
from publishing.sandbox.dialects.bluesky_xrpc import session_account_token
from tests import builders

TOKEN = "secret-token-value"  # the builders' default account token
BLUESKY_HANDLE = "health.example.org"
BLUESKY_APP_PASSWORD = "abcd-efgh-ijkl-mnop"
BLUESKY_TOKEN = session_account_token(BLUESKY_HANDLE, BLUESKY_APP_PASSWORD)  # the sandbox account it logs in to


def on_platform(world: Any, live_server: Any, platform: str) -> Any:
    """The ministry's account (a bare access token) moved to the live sandbox's `platform` API, and a publication."""
    world.sandbox = f"{live_server.url}/sandbox/{platform}/"
    world.account.api_base_url = world.sandbox
    world.account.save(update_fields=["api_base_url"])
    world.publication = builders.make_publication(world.variant, world.account)
    return world


def on_bluesky(world: Any, live_server: Any, text: str) -> Any:
    """The ministry's Bluesky account (an app password) on the live sandbox, an Arabic variant, a publication."""
    world.sandbox = f"{live_server.url}/sandbox/bluesky/"
    world.account = builders.make_account(
        world.ministry, platform="bluesky", handle=f"@{BLUESKY_HANDLE}", api_base_url=world.sandbox,
        credentials={"identifier": BLUESKY_HANDLE, "app_password": BLUESKY_APP_PASSWORD},
    )  # fmt: skip
    world.variant = builders.make_variant(world.item, platform="bluesky", language="ar", text=text)
    world.publication = builders.make_publication(world.variant, world.account)
    return world


def publication(world: Any) -> Publication:
    """The world's publication as a worker reads it."""
    return Publication.objects.select_related("variant", "account").get(pk=world.publication.pk)


def fault(world: Any, kind: str, *, token: str = TOKEN, **fields: object) -> None:
    """Inject a fault on the sandbox account of `token` (POST /sandbox/<platform>/faults)."""
    response = httpx.post(
        world.sandbox + "faults", json={"kind": kind, **fields}, headers={"Authorization": f"Bearer {token}"}
    )
    assert response.status_code == 201, response.text


def attach(
    world: Any, title: str, content: bytes, alt_text: dict[str, str], position: int | None = None, **fields: Any
) -> MediaAsset:
    """A file attached to the world's variant (a PNG unless `fields` say otherwise), last unless `position` says."""
    name = f"{title}.{'mp4' if fields.get('kind') == MediaAsset.Kind.VIDEO else 'png'}"
    asset = builders.make_media(
        world.ministry, title, file=ContentFile(content, name=name), checksum=hashlib.sha256(content).hexdigest(),
        alt_text=alt_text, size_bytes=len(content), **({"mime_type": "image/png"} | fields),
    )  # fmt: skip
    if position is None:
        position = VariantMedia.objects.filter(variant=world.variant).count() + 1
    VariantMedia.objects.create(variant=world.variant, asset=asset, position=position)
    return asset


def malformed_video_embeds(
    png: dict[str, Any], mp4: dict[str, Any]
) -> list[tuple[dict[str, Any], tuple[int, str, str]]]:
    """Video embeds a PDS refuses (given a PNG's blob and an MP4's), with what a real one answers (dev-env 0.6.7)."""
    video, invalid, at = "app.bsky.embed.video", "Invalid app.bsky.feed.post record:", "at $.record.embed"
    return [
        ({"$type": video, "video": png},
         (400, "InvalidRequest", f'{invalid} Expected "video/mp4" (got "image/png") {at}.video.mimeType')),
        ({"$type": video, "video": mp4, "aspectRatio": {"width": 0, "height": 720}},
         (400, "InvalidRequest", f"{invalid} integer too small (minimum 1, got 0) {at}.aspectRatio.width")),
        ({"$type": video, "alt": "no video"},
         (400, "InvalidRequest", f'{invalid} Missing required key "video" {at}')),
        ({"$type": video, "video": mp4 | {"size": 5}},
         (400, "InvalidSize", f"Referenced Size does not match stored blob. Expected: {mp4['size']}, Got: 5")),
    ]  # fmt: skip


def on_meta_platform(world: Any, live_server: Any, platform: str, token: str, text: str) -> Any:
    """The ministry's Instagram or Threads account on the live sandbox (its user id the sandbox's), a variant
    with `text`, and a publication of it."""
    from publishing.sandbox import services
    from publishing.sandbox.dialects.meta import user_id_for

    world.sandbox = f"{live_server.url}/sandbox/{platform}/"
    world.sandbox_account = services.account_for(platform, token)
    world.account = builders.make_account(
        world.ministry, platform=platform, handle="@ministry", api_base_url=world.sandbox,
        credentials={"access_token": token, "user_id": user_id_for(world.sandbox_account)},
    )  # fmt: skip
    world.variant = builders.make_variant(world.item, platform=platform, text=text)
    world.publication = builders.make_publication(world.variant, world.account)
    return world
