"""The records the Bluesky adapter writes: a post's text, facets, languages and embed, and a reply's references.

lexicons/app/bsky/feed/post.json: the embed is images (embed/images.json), a video (`bluesky_video.py`)
or a link card (embed/external.json); a reply names its thread's root and its parent by strong reference
(uri + cid).
"""

from __future__ import annotations

import io
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from PIL import Image

from publishing import media_urls
from publishing.adapters import atproto
from publishing.adapters.base import Permanent, PublishError, Transient, UnknownOutcome

if TYPE_CHECKING:
    from campaigns.models import MediaAsset, Variant
    from publishing.adapters.bluesky_xrpc import XrpcAdapter
    from publishing.models import SocialAccount

POST = "app.bsky.feed.post"
# lexicons/app/bsky/embed/images.json allows 2 MB now ("formerly limited to 1 MB"); 1 MB is what every
# server and client still accepts (platform-rules.md), and embed/external.json's thumb maxSize.
BLOB_MAX_BYTES = 1_000_000


def post_text(variant: Variant) -> str:
    """A post has no link field: a link not already in the text is added at its end, where a facet marks it."""
    if variant.link and variant.link not in variant.text:
        return f"{variant.text.rstrip()}\n\n{variant.link}" if variant.text.strip() else variant.link
    return variant.text


def post_record(
    adapter: XrpcAdapter, account: SocialAccount, text: str, language: str, **parts: dict[str, Any] | None
) -> dict[str, Any]:
    """An `app.bsky.feed.post` of this text in this language, its facets found, with its `reply` if given."""
    record: dict[str, Any] = {"$type": POST, "text": text, "createdAt": atproto.datetime_now(), "langs": [language]}
    if facets := atproto.facets(text, lambda handle: _resolve(adapter, account, handle)):
        record["facets"] = facets
    return record | {name: part for name, part in parts.items() if part}


def images_embed(adapter: XrpcAdapter, account: SocialAccount, variant: Variant) -> dict[str, Any] | None:
    """The variant's images, uploaded in order, as an embed; None if it has none."""
    attachments = variant.attachments.select_related("asset").order_by("position")
    if images := [_image(adapter, account, a.asset, variant.language) for a in attachments]:
        return {"$type": "app.bsky.embed.images", "images": images}
    return None


def reply_to(root: dict[str, str]) -> dict[str, Any]:
    """A reply's references to the post it answers, itself the root of its thread (feed/post.json#replyRef)."""
    ref = {"uri": root["uri"], "cid": root["cid"]}
    return {"root": ref, "parent": ref}


def upload_blob(adapter: XrpcAdapter, account: SocialAccount, content: bytes, mime_type: str) -> dict[str, Any]:
    """Upload an image, re-encoded as a JPEG until it fits BLOB_MAX_BYTES: its blob (repo/uploadBlob.json)."""
    if len(content) > BLOB_MAX_BYTES:
        with Image.open(io.BytesIO(content)) as image:
            content, mime_type = atproto.jpeg_within(image, BLOB_MAX_BYTES), "image/jpeg"
    return send_blob(adapter, account, content, {"Content-Type": mime_type})


def send_blob(
    adapter: XrpcAdapter, account: SocialAccount, content: bytes | Iterable[bytes], headers: dict[str, str]
) -> dict[str, Any]:
    """Upload these bytes as they are (a re-iterable of chunks is sent again whole if the session is renewed)."""
    try:
        response = adapter.call(account, "POST", "com.atproto.repo.uploadBlob", content=content, headers=headers)
    except UnknownOutcome as error:
        # An unreferenced blob is deleted by the PDS after a while (uploadBlob.json): safe to retry.
        raise Transient(f"the upload got no answer: {error}", status=error.status) from error
    return response.json()["blob"]


def _image(adapter: XrpcAdapter, account: SocialAccount, asset: MediaAsset, language: str) -> dict[str, Any]:
    """Upload one image and describe it for the embed (embed/images.json): alt text and aspect ratio."""
    try:
        media = media_urls.rendition_file(asset, adapter.platform)
        with media.file.open("rb") as file:
            content, mime_type = file.read(), media.mime_type or "image/jpeg"
    except OSError as error:
        raise Permanent(f"the attached file {asset.title!r} cannot be read: {error}") from error
    with Image.open(io.BytesIO(content)) as image:
        ratio = {"width": image.width, "height": image.height}
    blob = upload_blob(adapter, account, content, mime_type)
    return {"image": blob, "alt": asset.alt_text.get(language, ""), "aspectRatio": ratio}


def _resolve(adapter: XrpcAdapter, account: SocialAccount, handle: str) -> str | None:
    # lexicons/com/atproto/identity/resolveHandle.json; an unknown handle is left as plain text.
    try:
        response = adapter.call(account, "GET", "com.atproto.identity.resolveHandle", params={"handle": handle})
    except PublishError:
        return None
    return response.json().get("did")
