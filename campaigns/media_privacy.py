"""Privacy of stored images: pixels only, upright, in sRGB, written with no metadata at all.

A photo taken in a ward must not tell where and when: EXIF (GPS, time, camera), XMP, IPTC and
comments never reach the library, so no rendition and no adapter can ever upload them. Orientation
is applied first so that dropping EXIF does not turn a portrait on its side; a colour profile is
converted to sRGB (and then dropped: untagged images are read as sRGB everywhere).
"""

from __future__ import annotations

import io
from typing import Any

from PIL import Image, ImageOps

from campaigns.colour import to_srgb
from campaigns.rendering import flatten

# What the pixels need to be read back right; everything else in `Image.info` is metadata.
KEPT_INFO = ("transparency",)
JPEG_QUALITY = 95
# Formats kept as they are; BMP and TIFF (which can carry EXIF and XMP tags) are stored as PNG,
# lossless and taken by every platform.
STORED_FORMATS = {"JPEG": "JPEG", "PNG": "PNG", "GIF": "GIF", "WEBP": "WEBP", "BMP": "PNG", "TIFF": "PNG"}


def clean_image(image: Image.Image) -> Image.Image:
    """A new image with `image`'s pixels only: orientation applied, colours in sRGB, no metadata."""
    upright = ImageOps.exif_transpose(image) or image
    icc = image.info.get("icc_profile")
    if icc or upright.mode not in ("1", "L", "LA", "P", "RGB", "RGBA"):
        upright = to_srgb(upright, icc)
    cleaned = upright.copy() if upright is image else upright
    same_mode = cleaned.mode == image.mode
    cleaned.info = {key: image.info[key] for key in KEPT_INFO if key in image.info and same_mode}
    return cleaned


def encode(image: Image.Image, format: str, **options: Any) -> bytes:
    """`image` written as `format` with no EXIF, XMP, ICC profile or comment, whatever its `info` holds."""
    bare = image.copy()
    bare.info = {key: image.info[key] for key in KEPT_INFO if key in image.info}
    if format == "JPEG" and bare.mode not in ("L", "RGB"):
        bare = flatten(bare.convert("RGBA"))
    buffer = io.BytesIO()
    bare.save(buffer, format, **options)
    return buffer.getvalue()


def clean_original(image: Image.Image) -> tuple[bytes, str]:
    """The bytes to store for an uploaded image (opened, not yet cleaned) and the format they are in."""
    source_format = image.format or "PNG"
    stored_format = STORED_FORMATS.get(source_format, "PNG")
    if stored_format == "GIF" and getattr(image, "n_frames", 1) > 1:
        return _clean_animation(image), "GIF"
    cleaned = clean_image(image)
    if stored_format == "JPEG":
        return encode(cleaned, "JPEG", **_jpeg_options(image)), "JPEG"
    if stored_format == "WEBP":
        return encode(cleaned, "WEBP", quality=JPEG_QUALITY), "WEBP"
    return encode(cleaned, stored_format, optimize=stored_format == "PNG"), stored_format


def _jpeg_options(original: Image.Image) -> dict[str, Any]:
    """The camera's own quantisation tables when it has them: "keep" refuses a transposed or converted
    image, but its tables are what "keep" would reuse, so the stored copy is neither bigger nor worse."""
    tables = getattr(original, "quantization", None)
    if tables and original.mode != "CMYK" and len(tables) <= 2:
        return {"qtables": [tables[key] for key in sorted(tables)], "optimize": True}
    return {"quality": JPEG_QUALITY, "optimize": True}


def _clean_animation(image: Image.Image) -> bytes:
    """Every frame of an animated GIF with its duration and the loop count; no comment, no extensions."""
    frames, durations = [], []
    for index in range(image.n_frames):
        image.seek(index)
        durations.append(image.info.get("duration", 100))
        frame = image.convert("RGBA")
        frame.info = {}
        frames.append(frame)
    loop = image.info.get("loop", 0)
    return encode(frames[0], "GIF", save_all=True, append_images=frames[1:], duration=durations, loop=loop, disposal=2)
