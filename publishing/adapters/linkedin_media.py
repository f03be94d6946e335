"""LinkedIn's media uploads, done before the post that shows them: images (Images API) and video (Videos API).

https://learn.microsoft.com/en-us/linkedin/marketing/community-management/shares/images-api: `initializeUpload`
answers an upload URL and the image URN; the bytes are PUT there.
https://learn.microsoft.com/en-us/linkedin/marketing/community-management/shares/videos-api: `initializeUpload`
with the file's size answers upload instructions (parts of 4 MiB, each with its URL and byte range); each part is
PUT and answered with an ETag; `finalizeUpload` takes the ETags in order. Nothing is posted until the post itself:
an upload that got no answer is simply made again.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

import httpx

from publishing import media_urls
from publishing.adapters.base import Permanent, Transient, UnknownOutcome
from publishing.adapters.video_limits import MB, MINUTE_MS, video_problems

if TYPE_CHECKING:
    from campaigns.checks import Problem
    from campaigns.models import MediaAsset, Variant
    from publishing.models import SocialAccount

# platform-rules.md, LinkedIn row: video "MP4, 3 s to 30 min, ~500 MB" (the size from secondary sources only: ~).
VIDEO_TYPES, VIDEO_DURATION_MS, VIDEO_MAX_BYTES = ("video/mp4",), (3_000, 30 * MINUTE_MS), 500 * MB


def video_refusals(variant: Variant, assets: list[MediaAsset]) -> list[Problem]:
    """What LinkedIn would refuse in the attached videos: their type, duration and size."""
    low, high = VIDEO_DURATION_MS
    return video_problems(
        variant, assets, "LinkedIn", min_duration_ms=low, max_duration_ms=high, max_bytes=VIDEO_MAX_BYTES,
        types=VIDEO_TYPES,
    )  # fmt: skip


class Caller(Protocol):
    def _call(self, account: SocialAccount, method: str, path: str, **kwargs: object) -> httpx.Response: ...


def upload_image(adapter: Caller, account: SocialAccount, owner: str, asset: MediaAsset) -> str:
    """Register one image and PUT its bytes; its image URN."""
    body = {"initializeUploadRequest": {"owner": owner}}
    with _answered(asset):
        value = adapter._call(account, "POST", "rest/images?action=initializeUpload", json=body).json()["value"]
        media = media_urls.rendition_file(asset, "linkedin")
        with media.file.open("rb") as file:
            content_type = {"Content-Type": media.mime_type or "application/octet-stream"}
            adapter._call(account, "PUT", value["uploadUrl"], content=file.read(), headers=content_type)
    return value["image"]


def upload_video(adapter: Caller, account: SocialAccount, owner: str, asset: MediaAsset) -> str:
    """Register one video, PUT each part the instructions name, finalize with the parts' ETags; its video URN."""
    with _answered(asset):
        size = asset.file.size
        request = {"owner": owner, "fileSizeBytes": size, "uploadCaptions": False, "uploadThumbnail": False}
        body = {"initializeUploadRequest": request}
        value = adapter._call(account, "POST", "rest/videos?action=initializeUpload", json=body).json()["value"]
        etags = []
        with asset.file.open("rb") as file:
            for part in value["uploadInstructions"]:
                file.seek(part["firstByte"])
                content = file.read(part["lastByte"] - part["firstByte"] + 1)
                headers = {"Content-Type": "application/octet-stream"}
                reply = adapter._call(account, "PUT", part["uploadUrl"], content=content, headers=headers)
                if not (etag := reply.headers.get("ETag")):
                    raise Permanent(f"LinkedIn took a part of {asset.title!r} without an ETag")
                etags.append(etag)
        finalize = {"video": value["video"], "uploadToken": value.get("uploadToken", ""), "uploadedPartIds": etags}
        adapter._call(account, "POST", "rest/videos?action=finalizeUpload", json={"finalizeUploadRequest": finalize})
    return value["video"]


class _answered:
    """Map a lost reply during an upload to Transient (no post exists yet), an unreadable file to Permanent."""

    def __init__(self, asset: MediaAsset) -> None:
        self.asset = asset

    def __enter__(self) -> None:
        return None

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None, _traceback: object) -> None:
        if isinstance(error, UnknownOutcome):
            raise Transient(f"an upload of {self.asset.title!r} got no answer: {error}", status=error.status) from error
        if isinstance(error, OSError):
            raise Permanent(f"the attached file {self.asset.title!r} cannot be read: {error}") from error
