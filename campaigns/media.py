"""Media library: measuring uploads and adding them to an organisation's library.

The full validation and rendition pipeline (metadata stripping, sizes per platform, videos) is
issue 6; what is here already decides the type by content, never by name or browser header.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from PIL import Image, UnidentifiedImageError

from campaigns.models import MediaAsset, Organisation
from campaigns.renditions import request_renditions


@dataclass(frozen=True)
class ImageFacts:
    checksum: str
    size_bytes: int
    width: int
    height: int
    mime_type: str
    kind: str


def measure_image(upload: Any) -> ImageFacts:
    """Checksum, size, dimensions and type of an uploaded image, read from its content."""
    upload.seek(0)
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    try:
        with Image.open(upload) as image:
            image.verify()
            fmt, (width, height) = image.format, image.size
    except (UnidentifiedImageError, OSError, SyntaxError, Image.DecompressionBombError) as error:
        raise ValidationError(_("This file is not an image Pillow can read (%(error)s).") % {"error": error}) from error
    finally:
        upload.seek(0)
    kind = MediaAsset.Kind.ANIMATED_GIF if fmt == "GIF" else MediaAsset.Kind.IMAGE
    return ImageFacts(
        digest.hexdigest(), upload.size, width, height, Image.MIME.get(fmt, "application/octet-stream"), kind
    )


def add_to_library(
    organisation: Organisation, upload: Any, title: str, alt_text: dict[str, str], uploader: AbstractBaseUser
) -> MediaAsset:
    """Store an uploaded image in the library, or return the asset already holding the same file."""
    facts = measure_image(upload)
    existing = MediaAsset.objects.filter(organisation=organisation, checksum=facts.checksum).first()
    if existing is not None:
        return existing
    asset = MediaAsset(
        organisation=organisation, title=title, file=upload, alt_text=alt_text, uploaded_by=uploader,
        checksum=facts.checksum, size_bytes=facts.size_bytes, width=facts.width, height=facts.height,
        mime_type=facts.mime_type, kind=facts.kind,
    )  # fmt: skip
    asset.full_clean()
    asset.save()
    request_renditions(asset)  # on the default queue, once the upload commits
    return asset
