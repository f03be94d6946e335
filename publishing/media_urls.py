"""Signed, expiring public addresses of a media asset's file, for platforms that fetch media themselves.

Instagram and Threads take an `image_url` and download the file from it
(developers.facebook.com/docs/instagram-platform/instagram-graph-api/content-publishing): the file
must be reachable without a login, so the address itself is the permission. It names exactly one
asset (its id, organisation and checksum, signed with a salt per purpose) and stops working after
`lifetime`. Its base is settings.PLANNER_PUBLIC_BASE_URL (the planner's address as the internet
sees it), else the local server at PLANNER_PORT, which only the sandbox can reach.
"""

from __future__ import annotations

import datetime as dt
import io
import math
from dataclasses import dataclass
from pathlib import PurePath
from typing import TYPE_CHECKING, BinaryIO, NamedTuple

from django.conf import settings
from django.core import signing
from django.db.models.fields.files import FieldFile
from PIL import Image

if TYPE_CHECKING:
    from campaigns.models import MediaAsset, Rendition

# Long enough for a platform that queues the download (Meta fetches within minutes), short enough
# that an address copied from a log soon leads nowhere.
DEFAULT_LIFETIME = dt.timedelta(hours=1)
PLATFORM_FETCH = "platform-fetch"
PATH = "public-media/"
JPEG_QUALITY = 90  # no visible loss on infographics' flat colours and text  # under the site root (publishing/urls.py)


class ExpiredAddress(Exception):
    """The signature is ours but its time is up (answered 410 Gone)."""


def public_base_url() -> str:
    """The planner's public address, without a trailing slash."""
    base = getattr(settings, "PLANNER_PUBLIC_BASE_URL", "") or f"http://127.0.0.1:{settings.PLANNER_PORT}"
    return base.rstrip("/")


class Address(NamedTuple):
    asset: MediaAsset
    as_jpeg: bool  # served converted to JPEG (Instagram takes nothing else)
    platform: str = ""  # served as this platform's rendition where it has one (rendition_file)


def signed_url(asset: MediaAsset, purpose: str = PLATFORM_FETCH, *, as_jpeg: bool = False, platform: str = "") -> str:
    """An absolute address of the asset's file (or of a JPEG of it; or of the platform's rendition of it), valid for
    DEFAULT_LIFETIME, for this purpose only."""
    claims = {"asset": asset.pk, "organisation": asset.organisation_id, "checksum": asset.checksum}
    claims |= ({"jpeg": True} if as_jpeg else {}) | ({"for": platform} if platform else {})
    token = signing.dumps(claims, salt=_salt(purpose))
    return f"{public_base_url()}/{PATH}{token}"


def address_for(token: str, purpose: str = PLATFORM_FETCH, lifetime: dt.timedelta = DEFAULT_LIFETIME) -> Address:
    """What a signed address names; MediaAsset.DoesNotExist if the signature is not ours or the file changed."""
    from campaigns.models import MediaAsset

    try:
        claims = signing.loads(token, salt=_salt(purpose), max_age=lifetime)
    except signing.SignatureExpired as error:
        raise ExpiredAddress(str(error)) from error
    except signing.BadSignature as error:
        raise MediaAsset.DoesNotExist(str(error)) from error
    # The checksum too: a file replaced since the address was made is not the one it was made for.
    asset = MediaAsset.objects.get(
        pk=claims["asset"], organisation_id=claims["organisation"], checksum=claims["checksum"]
    )
    return Address(asset, bool(claims.get("jpeg")), str(claims.get("for", "")))


def as_jpeg(file: BinaryIO) -> bytes:
    """The image as a JPEG: transparency flattened on white, colour profile kept (until issue 6's renditions)."""
    with Image.open(file) as image:
        profile = image.info.get("icc_profile")
        rgba = image.convert("RGBA")
        flat = Image.new("RGB", rgba.size, (255, 255, 255))
        flat.paste(rgba, mask=rgba.getchannel("A"))
        out = io.BytesIO()
        flat.save(out, "JPEG", quality=JPEG_QUALITY, **({"icc_profile": profile} if profile else {}))
        return out.getvalue()


@dataclass(frozen=True)
class MediaFile:
    """What an adapter uploads for an asset: a stored file and its type."""

    file: FieldFile
    mime_type: str  # "" where the asset does not say


def rendition_file(asset: MediaAsset, platform: str) -> MediaFile:
    """The file to send the platform: its rendition nearest the asset's aspect ratio (one made around the asset's
    current focal point first), else the original (videos always)."""
    original = MediaFile(asset.file, asset.mime_type)
    if asset.kind == asset.Kind.VIDEO:
        return original
    renditions = [r for r in asset.renditions.all() if r.purpose == platform]
    if not renditions:
        return original
    aspect = asset.width / asset.height if asset.width and asset.height else renditions[0].width / renditions[0].height

    def fit(rendition: Rendition) -> tuple[bool, float, int]:
        stale = (rendition.focal_x, rendition.focal_y) != (asset.focal_x, asset.focal_y)
        return (stale, *size_fit(rendition.width, rendition.height, aspect))

    best = min(renditions, key=fit)
    return MediaFile(best.file, best.mime_type)


def size_fit(width: int, height: int, aspect: float) -> tuple[float, int]:
    """How well a rendition of this size stands for an original of this aspect ratio: lower is better (the nearest
    aspect ratio, then the larger)."""
    return round(abs(math.log(width / height / aspect)), 3), -width * height


def upload_part(asset: MediaAsset, platform: str) -> tuple[str, bytes, str]:
    """(file name, content, type) of what to upload to the platform for `asset`, as a multipart file part."""
    from publishing.adapters.base import Permanent

    media = rendition_file(asset, platform)
    try:
        with media.file.open("rb") as file:
            content = file.read()
    except OSError as error:
        raise Permanent(f"the attached file {asset.title!r} cannot be read: {error}") from error
    return PurePath(media.file.name).name, content, media.mime_type or "application/octet-stream"


def _salt(purpose: str) -> str:
    return f"publishing.media_urls.{purpose}"
