"""Upload intake: what an uploaded file is, decided by its content, and whether the library takes it.

Never by file name or browser header. Every refusal is a ValidationError on the form's "file"
field whose message names the rule. Images are decoded in full here (a truncated or damaged file
is refused now, not when a rendition is made), but only after their header said they are small
enough to decode: the pixel limit is checked first, and Pillow's own guard is set to the same limit.
"""

from __future__ import annotations

import hashlib
import re
import warnings
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from PIL import Image, ImageFile, UnidentifiedImageError

from campaigns import video_probe
from campaigns.models import MediaAsset

MAX_IMAGE_BYTES = 50 * 1024 * 1024
MAX_VIDEO_BYTES = 2 * 1024 * 1024 * 1024
MAX_IMAGE_PIXELS = 40_000_000  # 24-megapixel cameras and large print-ready infographics fit
# All frames of an animated GIF together: the frames are held in memory to be cleaned (about 4 bytes
# a pixel), so 400 megapixels (e.g. 10 s of 1080 by 1080 at 30 fps) stays under 2 GB.
MAX_ANIMATION_PIXELS = 400_000_000
# What the platforms take (../shared/platform-rules.md): X takes WebP, Facebook BMP and TIFF.
IMAGE_FORMATS = {"JPEG", "PNG", "GIF", "WEBP", "BMP", "TIFF"}
MARKUP = re.compile(rb"^\s*(<\?xml|<!doctype|<svg|<html|<head|<body|<!--)", re.IGNORECASE)
SNIFF_BYTES = 512


def max_image_pixels() -> int:
    return getattr(settings, "PLANNER_MAX_IMAGE_PIXELS", MAX_IMAGE_PIXELS)


# Pillow refuses to open twice this (and warns past it) even where this module is not the caller.
Image.MAX_IMAGE_PIXELS = max_image_pixels()


@dataclass(frozen=True)
class MediaFacts:
    kind: str
    mime_type: str
    checksum: str  # of the upload as it came, so that a second upload of the same camera file is known
    size_bytes: int
    width: int
    height: int
    image_format: str = ""
    frames: int = 1
    duration_ms: int | None = None
    codec: str = ""
    frame_rate: float | None = None
    poster_jpeg: bytes = b""


def refuse(message: str, **values: Any) -> ValidationError:
    return ValidationError({"file": message % values if values else message})


def inspect_upload(upload: Any) -> MediaFacts:
    """What `upload` is (an image or a video) and its facts; ValidationError on "file" if refused."""
    size = upload.size
    max_video = getattr(settings, "PLANNER_MAX_VIDEO_BYTES", MAX_VIDEO_BYTES)
    if size > max_video:
        raise refuse(_("This file is %(size)s: the library takes files of at most %(limit)s."),
                     size=filesizeformat(size), limit=filesizeformat(max_video))  # fmt: skip
    if size == 0:
        raise refuse(_("This file is empty."))
    checksum = _sha256(upload)
    upload.seek(0)
    if MARKUP.match(upload.read(SNIFF_BYTES)):
        raise refuse(_("This file is a drawing or a web page (SVG, HTML), not a picture: export it as PNG or JPEG."))
    upload.seek(0)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            image = Image.open(upload)
    except UnidentifiedImageError:
        return _inspect_video(upload, checksum, size)
    except Image.DecompressionBombError as error:
        raise _too_many_pixels(str(error)) from error
    with image:
        return _inspect_image(upload, image, checksum, size)


def _inspect_video(upload: Any, checksum: str, size: int) -> MediaFacts:
    upload.seek(0)
    head = upload.read(SNIFF_BYTES)
    source = video_probe.readable(upload)
    if not (video_probe.has_video_signature(head) or video_probe.is_video(source)):
        raise refuse(_("This file is not an image or a video the library takes (JPEG, PNG, GIF, WebP, BMP, "
                       "TIFF; MP4, MOV, WebM)."))  # fmt: skip
    video = video_probe.probe_video(source)
    upload.seek(0)
    return MediaFacts(
        MediaAsset.Kind.VIDEO, video.mime_type, checksum, size, video.width, video.height,
        duration_ms=video.duration_ms, codec=video.codec, frame_rate=video.frame_rate, poster_jpeg=video.poster_jpeg,
    )  # fmt: skip


def _inspect_image(upload: Any, image: Image.Image, checksum: str, size: int) -> MediaFacts:
    fmt, (width, height) = image.format, image.size
    if fmt not in IMAGE_FORMATS:
        raise refuse(_("This image is a %(format)s file: the library takes JPEG, PNG, GIF, WebP, BMP and TIFF."),
                     format=fmt)  # fmt: skip
    max_bytes = getattr(settings, "PLANNER_MAX_IMAGE_BYTES", MAX_IMAGE_BYTES)
    if size > max_bytes:
        raise refuse(_("This image is %(size)s: the library takes images of at most %(limit)s."),
                     size=filesizeformat(size), limit=filesizeformat(max_bytes))  # fmt: skip
    if width * height > max_image_pixels():
        raise refuse(_("This image is %(width)s × %(height)s pixels: the library takes at most %(limit)s megapixels."),
                     width=f"{width:,}", height=f"{height:,}", limit=f"{max_image_pixels() / 1e6:,.0f}")  # fmt: skip
    frames = getattr(image, "n_frames", 1)
    if frames > 1 and fmt != "GIF":
        raise refuse(_("This image is an animated %(format)s: the platforms take animations as GIFs or videos."),
                     format=fmt)  # fmt: skip
    if frames * width * height > MAX_ANIMATION_PIXELS:
        raise refuse(_("This GIF has %(frames)s frames of %(width)s × %(height)s pixels: the library takes at most "
                       "%(limit)s megapixels in all its frames together."), frames=frames, width=width, height=height,
                     limit=f"{MAX_ANIMATION_PIXELS / 1e6:,.0f}")  # fmt: skip
    _decode_fully(upload, frames)
    if (image.getexif().get(0x0112) or 1) in (5, 6, 7, 8):  # EXIF orientation: stored turned a quarter
        width, height = height, width
    kind = MediaAsset.Kind.ANIMATED_GIF if frames > 1 else MediaAsset.Kind.IMAGE
    return MediaFacts(kind, Image.MIME[fmt], checksum, size, width, height, image_format=fmt, frames=frames)


def _decode_fully(upload: Any, frames: int) -> None:
    """verify() checks the structure (PNG checksums), then a fresh open decodes every pixel of every frame."""
    # Strict whatever another library set for the whole process (importing WeasyPrint makes Pillow accept
    # truncated images): a cut-short file must be refused, never padded with grey.
    ImageFile.LOAD_TRUNCATED_IMAGES = False
    try:
        upload.seek(0)
        with Image.open(upload) as image:
            image.verify()
        upload.seek(0)
        with Image.open(upload) as image:
            for index in range(frames):
                image.seek(index)
                image.load()
    except (OSError, SyntaxError, ValueError, EOFError) as error:
        raise refuse(_("This image is cut short or damaged (%(error)s): export it again and upload the new file."),
                     error=error) from error  # fmt: skip
    finally:
        upload.seek(0)


def _too_many_pixels(error: str) -> ValidationError:
    found = re.search(r"\((\d+) pixels\)", error)
    pixels = f"{int(found.group(1)) / 1e6:,.0f}" if found else _("many")
    return refuse(_("This image is %(pixels)s megapixels: the library takes at most %(limit)s megapixels."),
                  pixels=pixels, limit=f"{max_image_pixels() / 1e6:,.0f}")  # fmt: skip


def _sha256(upload: Any) -> str:
    upload.seek(0)
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    return digest.hexdigest()
