"""X's media rules and its chunked upload (https://docs.x.com/x-api/media/quickstart/media-upload-chunked).

Every file goes up the same way: POST /2/media/upload/initialize, POST /2/media/upload/{id}/append once
per segment, POST /2/media/upload/{id}/finalize, then GET /2/media/upload?command=STATUS while
`processing_info` says it is pending or in progress; alt text is set with POST /2/media/metadata.
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Any

from publishing import media_urls
from publishing.adapters.base import Permanent, Transient, UnknownOutcome

if TYPE_CHECKING:
    from campaigns.models import MediaAsset
    from publishing.adapters.x import XAdapter
    from publishing.models import SocialAccount

# Under X's 5 MB per APPEND, and large enough that segment_index (0-999 in the definition) reaches ~4 GB.
SEGMENT_BYTES = 4 * 1024 * 1024
# https://docs.x.com/x-api/media/quickstart/best-practices: images 5 MB, animated GIFs 15 MB; video 512 MB
# on the older page (8 GB on the newer one, for some tiers): the smaller figure until an account says more.
MAX_BYTES = {"image": 5 * 1024 * 1024, "gif": 15 * 1024 * 1024, "video": 512 * 1024 * 1024}
VIDEO_DURATION_MS = (500, 20 * 60 * 1000)  # 0.5 s to 20 min (platform-rules.md)
MAX_IMAGES = 4
ALT_TEXT_MAX_CHARS = 1_000  # CreateMediaMetadataMetadataAltText.text maxLength in the definition
CATEGORY = {"image": "tweet_image", "gif": "tweet_gif", "video": "tweet_video"}
MEDIA_TYPES = {"image/jpeg", "image/png", "image/gif", "image/webp", "video/mp4", "video/quicktime"}
# X asks to wait check_after_secs between polls; the floor keeps a 0 from spinning, the ceiling keeps a
# publish call within the engine's send lease (PLANNER_SEND_LEASE_S, 60 s by default).
POLL_MIN_S, PROCESSING_TIMEOUT_S = 0.25, 45.0
PROCESSING = {"pending", "in_progress"}


def refusals(assets: list[MediaAsset]) -> list[tuple[str, str]]:
    """(rule, message) for each way X would refuse these attachments: up to 4 images, or 1 GIF, or 1 video."""
    kinds = [asset.kind for asset in assets]
    found = []
    if len(set(kinds)) > 1:
        # https://docs.x.com/x-api/media/quickstart/best-practices: never photos with a GIF or a video.
        found.append(("media_mixed", "X takes up to 4 images, or 1 GIF, or 1 video: never mixed"))
    elif kinds and kinds[0] != "image" and len(kinds) > 1:
        found.append(("media_count", f"X takes 1 {kinds[0]} per post; this post has {len(kinds)}"))
    elif len(kinds) > MAX_IMAGES:
        found.append(("media_count", f"X takes at most {MAX_IMAGES} images; this post has {len(kinds)}"))
    for asset in assets:
        if asset.size_bytes > MAX_BYTES[asset.kind]:
            found.append(("file_size", f"{asset.title!r} is over X's {MAX_BYTES[asset.kind]} bytes for a {asset.kind}"))
        if (asset.mime_type or "") not in MEDIA_TYPES:
            found.append(("file_type", f"{asset.title!r}: X takes JPEG, PNG, GIF, WebP, MP4 and MOV files"))
        if (
            asset.kind == "video"
            and asset.duration_ms
            and not VIDEO_DURATION_MS[0] <= asset.duration_ms <= VIDEO_DURATION_MS[1]
        ):
            found.append(("video_duration", f"{asset.title!r}: X takes videos of 0.5 s to 20 minutes"))
        if any(len(alt) > ALT_TEXT_MAX_CHARS for alt in (asset.alt_text or {}).values()):
            found.append(
                ("alt_text_length", f"{asset.title!r}: X takes alt text of at most {ALT_TEXT_MAX_CHARS} characters")
            )
    return found


def upload(adapter: XAdapter, account: SocialAccount, asset: MediaAsset, language: str) -> str:
    """Upload one file in segments, wait for X to process it, set its alt text: its media id."""
    try:
        media = media_urls.rendition_file(asset, adapter.platform)
        with media.file.open("rb") as file:
            size = media.file.size
            init = {"media_type": media.mime_type, "total_bytes": size, "media_category": CATEGORY[asset.kind]}
            media_id = str(adapter.call(account, "POST", "2/media/upload/initialize", json=init).json()["data"]["id"])
            for index, segment in enumerate(iter(lambda: file.read(SEGMENT_BYTES), b"")):
                part = {"media": ("segment", segment, "application/octet-stream")}
                path = f"2/media/upload/{media_id}/append"
                adapter.call(account, "POST", path, files=part, data={"segment_index": str(index)})
        final = adapter.call(account, "POST", f"2/media/upload/{media_id}/finalize").json()["data"]
        _wait_until_processed(adapter, account, media_id, final.get("processing_info"))
        if alt := (asset.alt_text or {}).get(language, "").strip():
            # https://docs.x.com/x-api/media/media-metadata-create
            metadata = {"id": media_id, "metadata": {"alt_text": {"text": alt}}}
            adapter.call(account, "POST", "2/media/metadata", json=metadata)
    except OSError as error:
        raise Permanent(f"the attached file {asset.title!r} cannot be read: {error}") from error
    except UnknownOutcome as error:
        # Nothing was posted yet: at worst X keeps an upload no post uses, and it expires. Safe to retry.
        raise Transient(f"the media upload got no answer: {error}", status=error.status) from error
    return media_id


def _wait_until_processed(
    adapter: XAdapter, account: SocialAccount, media_id: str, info: dict[str, Any] | None
) -> None:
    # https://docs.x.com/x-api/media/media-upload-status: poll while the state is pending or in_progress.
    deadline = time.monotonic() + PROCESSING_TIMEOUT_S
    while info and info.get("state") in PROCESSING:
        wait_s = max(float(info.get("check_after_secs") or 0), POLL_MIN_S)
        if time.monotonic() + wait_s > deadline:
            raise Transient(f"X was still processing media {media_id} after {PROCESSING_TIMEOUT_S:g} s")
        time.sleep(wait_s)
        params = {"media_id": media_id, "command": "STATUS"}
        info = adapter.call(account, "GET", "2/media/upload", params=params).json()["data"].get("processing_info")
    if info and info.get("state") == "failed":
        raise Permanent(f"X could not process media {media_id}: {info}")
