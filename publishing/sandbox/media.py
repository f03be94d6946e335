"""Uploads to the sandbox, as Mastodon's POST /api/v2/media: measured by content, checksummed, not kept.

Only the facts are stored (type, size, SHA-256, dimensions, description); a post then attaches
uploads by id (`services.store_post`). The dialect is in `__init__.py`.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from PIL import Image, UnidentifiedImageError

from publishing.sandbox.models import MediaType, SandboxAccount, SandboxMedia
from publishing.sandbox.services import Refusal, new_remote_id

# Mastodon's defaults (app/models/media_attachment.rb: IMAGE_LIMIT, VIDEO_LIMIT, MAX_DESCRIPTION_LENGTH).
IMAGE_MAX_BYTES = 16 * 1024 * 1024
VIDEO_MAX_BYTES = 99 * 1024 * 1024
DESCRIPTION_MAX_CHARS = 1_500
IMAGE_TYPES = {"JPEG": "image/jpeg", "PNG": "image/png", "GIF": "image/gif", "WEBP": "image/webp"}
# ISO base media files (MP4, MOV) name their brand after "ftyp" (four bytes, space-padded); these
# are video brands, not audio (M4A) or still images (HEIC, AVIF).
VIDEO_BRANDS = frozenset(b"isom iso2 iso4 iso5 iso6 mp41 mp42 avc1 M4V dash 3gp4 3gp5".split())
WEBM_MAGIC = b"\x1a\x45\xdf\xa3"  # EBML, the container of WebM


@dataclass(frozen=True)
class Measured:
    type: str
    mime_type: str
    size_bytes: int
    sha256: str
    width: int | None = None
    height: int | None = None


def check_upload(upload: UploadedFile | None, description: str) -> Measured:
    """An upload measured by its content, refused unless it is an image or a video within the size caps."""
    if upload is None:
        raise Refusal(400, "invalid_request", detail="send the file as the multipart part named file")
    if len(description) > DESCRIPTION_MAX_CHARS:
        raise Refusal(422, "description_too_long", limit=DESCRIPTION_MAX_CHARS)
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    if video_type := _video_type(head):
        _check_size(upload, VIDEO_MAX_BYTES)
        return Measured(MediaType.VIDEO, video_type, upload.size, _sha256(upload))
    _check_size(upload, IMAGE_MAX_BYTES)
    try:
        with Image.open(upload) as image:
            kind, (width, height) = image.format, image.size
            animated = getattr(image, "is_animated", False)
            image.load()  # decoded: a truncated or corrupt file fails here, not on the platform's screens
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError) as error:
        raise _not_media(f"not an image or video the sandbox can read ({error})") from error
    finally:
        upload.seek(0)
    if kind not in IMAGE_TYPES:
        raise _not_media(f"{kind} images are not accepted")
    media_type = MediaType.GIFV if kind == "GIF" and animated else MediaType.IMAGE
    return Measured(media_type, IMAGE_TYPES[kind], upload.size, _sha256(upload), width, height)


def store_media(
    account: SandboxAccount, measured: Measured, description: str, remote_id: str | None = None
) -> SandboxMedia:
    """Record an upload of the account, ready to be attached to one post (under `remote_id` if one was promised)."""
    return SandboxMedia.objects.create(
        account=account, remote_id=remote_id or new_remote_id(), type=measured.type, mime_type=measured.mime_type,
        size_bytes=measured.size_bytes, sha256=measured.sha256, width=measured.width, height=measured.height,
        description=description,
    )  # fmt: skip


def pending_uploads(platform: str) -> Path:
    """The folder where a platform's uploads in several requests (resumable sessions, parts) wait to be complete."""
    # Files, not memory: the web processes that take the parts need not be the same one.
    folder = Path(settings.DATA_DIR) / f"sandbox-{platform}-uploads"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _video_type(head: bytes) -> str | None:
    if head[4:8] == b"ftyp":
        brand = head[8:12].rstrip()
        return "video/quicktime" if brand == b"qt" else "video/mp4" if brand in VIDEO_BRANDS else None
    return "video/webm" if head.startswith(WEBM_MAGIC) else None


def _check_size(upload: UploadedFile, limit: int) -> None:
    if upload.size > limit:
        raise Refusal(422, "file_too_large", limit_bytes=limit, size_bytes=upload.size)


def _sha256(upload: UploadedFile) -> str:
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    return digest.hexdigest()


def _not_media(detail: str) -> Refusal:
    accepted = [*IMAGE_TYPES.values(), "video/mp4", "video/quicktime", "video/webm"]
    return Refusal(422, "unsupported_media", detail=detail, accepted=accepted)
