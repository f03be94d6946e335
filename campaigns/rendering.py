"""Pillow's side of renditions: one original decoded once, small, cropped around its focal point, encoded to fit.

A JPEG is decoded with `Image.draft` at the smallest power-of-two scale every wanted size still fits in (a
24-megapixel photo made into 2000 px renditions decodes at 3000 x 2000, a quarter of the memory). The picture is
then halved with `Image.reduce` as often as the smaller shapes allow (each half made once and shared), and each
size is made from the nearest half with `resize(reducing_gap=...)`: a whole-factor reduction, then Lanczos.
Colours are converted to sRGB (campaigns/colour.py) and the encoders write no EXIF, XMP, IPTC or colour profile.
"""

from __future__ import annotations

import io
import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import BinaryIO

from PIL import Image, ImageOps

from campaigns.colour import to_srgb
from publishing.adapters.shapes import ImageShape

# JPEG and WebP qualities tried in turn until the file fits its platform's limit; then the image is shrunk.
QUALITIES = (88, 80, 72, 64, 56, 48, 40)
SHRINK_STEP = 0.8
# Whole-factor reduction before Lanczos, leaving it at least this factor: Pillow's advice for no visible loss.
REDUCING_GAP = 2.0
ORIENTATION = 0x0112  # the EXIF tag
LOSSY = ("JPEG", "WEBP")
MIME = {"JPEG": "image/jpeg", "PNG": "image/png", "WEBP": "image/webp", "GIF": "image/gif"}
EXTENSION = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp", "GIF": "gif"}


@dataclass(frozen=True)
class Rendered:
    content: bytes
    format: str
    width: int
    height: int

    @property
    def mime_type(self) -> str:
        return MIME[self.format]


def focal_crop(width: int, height: int, aspect: float, focal: tuple[float, float]) -> tuple[int, int, int, int]:
    """The largest box of this aspect ratio inside the image, with the focal point as near its centre as fits."""
    box_w, box_h = (width, width / aspect) if width / height <= aspect else (height * aspect, height)
    box_w, box_h = min(width, round(box_w)), min(height, round(box_h))
    left = min(max(round(focal[0] * width - box_w / 2), 0), width - box_w)
    top = min(max(round(focal[1] * height - box_h / 2), 0), height - box_h)
    return left, top, left + box_w, top + box_h


def target_size(shape: ImageShape, width: int, height: int) -> tuple[int, int]:
    """The size made for the shape from a box of this size: never enlarged."""
    if shape.crop:
        scale = min(1.0, width / shape.width)
        return max(1, round(shape.width * scale)), max(1, round(shape.height * scale))
    scale = min(1.0, shape.width / width, shape.height / height)
    return max(1, round(width * scale)), max(1, round(height * scale))


def rendered_size(shape: ImageShape, width: int, height: int) -> tuple[int, int]:
    """The size `render` makes for the shape from an upright image of this size (a crop's size does not depend on
    the focal point), before any shrinking to fit the shape's byte limit."""
    left, top, right, bottom = (
        focal_crop(width, height, shape.aspect, (0.5, 0.5)) if shape.crop else (0, 0, width, height)
    )
    return target_size(shape, right - left, bottom - top)


def render(file: BinaryIO, shapes: Mapping[str, ImageShape], focal: tuple[float, float]) -> dict[str, Rendered]:
    """Each shape made from the image in `file` (an animated GIF's first frame), keyed as `shapes` is."""
    with Image.open(file) as image:
        source_format = image.format or ""
        full = _oriented_size(image)
        scale = max(_scale_needed(shape, *full, focal) for shape in shapes.values())
        if source_format == "JPEG" and scale < 1:
            requested = (math.ceil(image.width * scale), math.ceil(image.height * scale))
            image.draft(image.mode, requested)
        picture = clean_image(image)
        made, levels = {}, {1: picture}
        for key, shape in shapes.items():
            box = focal_crop(*picture.size, shape.aspect, focal) if shape.crop else (0, 0, *picture.size)
            size = target_size(shape, *(_full_box(box, picture, full) if shape.crop else full))
            factor = _level(box, size)
            source = _reduced(levels, factor)
            right, bottom = min(box[2] / factor, source.width), min(box[3] / factor, source.height)
            scaled = (box[0] / factor, box[1] / factor, right, bottom)
            resized = source.resize(size, Image.Resampling.LANCZOS, box=scaled, reducing_gap=REDUCING_GAP)
            made[key] = fit_bytes(resized, shape, source_format)
        return made


def fit_bytes(image: Image.Image, shape: ImageShape, source_format: str) -> Rendered:
    """The image encoded in a format the shape takes, within its byte limit (lower qualities, then smaller)."""
    alpha = image.mode == "RGBA"
    preferred = [f for f in shape.formats if f in ("PNG", "WEBP")] if alpha else []
    fmt = source_format if source_format in shape.formats else next(iter(preferred), shape.formats[0])
    while True:
        if fmt == "PNG":
            content = encode(image, "PNG", optimize=False)
            if len(content) <= shape.max_bytes:
                return Rendered(content, "PNG", *image.size)
            fmt = next((f for f in shape.formats if f in LOSSY), "PNG")  # a photo saved as PNG: lossy if allowed
        if fmt in LOSSY:
            flat = flatten(image) if fmt == "JPEG" else image
            for quality in QUALITIES:
                content = encode(flat, fmt, quality=quality)
                if len(content) <= shape.max_bytes:
                    return Rendered(content, fmt, *image.size)
        smaller = (max(1, round(image.width * SHRINK_STEP)), max(1, round(image.height * SHRINK_STEP)))
        image = image.resize(smaller, Image.Resampling.LANCZOS)


def clean_image(image: Image.Image) -> Image.Image:
    """The decoded image upright, in sRGB, as RGB (RGBA where it has transparency), with no metadata at all.

    The stored original was already cleaned at upload (campaigns/media_privacy.py); this cheap pass, which copies
    only where it must (a 24-megapixel photo is 72 MB a copy), guards assets stored before that."""
    image.seek(0)
    profile = image.info.get("icc_profile")
    upright = ImageOps.exif_transpose(image) if image.getexif().get(ORIENTATION, 1) != 1 else image
    has_alpha = upright.mode in ("RGBA", "LA", "PA") or "transparency" in upright.info
    mode = "RGBA" if has_alpha else "RGB"
    picture = to_srgb(upright, profile) if profile else upright
    picture = picture if picture.mode == mode else picture.convert(mode)
    picture.load()
    picture.info = {}
    return picture


def encode(image: Image.Image, fmt: str, **options: object) -> bytes:
    """The image written without EXIF, XMP, IPTC or colour profile (its pixels are in sRGB: clean_image).

    Unlike campaigns.media_privacy.encode, it does not copy the image first."""
    out = io.BytesIO()
    image.save(out, fmt, exif=b"", **options)
    return out.getvalue()


def flatten(image: Image.Image) -> Image.Image:
    """An RGBA image on white, as RGB (JPEG has no transparency)."""
    if image.mode != "RGBA":
        return image
    flat = Image.new("RGB", image.size, (255, 255, 255))
    flat.paste(image, mask=image.getchannel("A"))
    flat.info = dict(image.info)
    return flat


def _oriented_size(image: Image.Image) -> tuple[int, int]:
    # EXIF orientations 5 to 8 turn the picture a quarter: its width is the stored height.
    turned = image.getexif().get(ORIENTATION, 1) in (5, 6, 7, 8)
    return (image.height, image.width) if turned else image.size


def _scale_needed(shape: ImageShape, width: int, height: int, focal: tuple[float, float]) -> float:
    """The fraction of the full size the image may be decoded at and still give this shape its full size."""
    left, top, right, bottom = focal_crop(width, height, shape.aspect, focal) if shape.crop else (0, 0, width, height)
    made = target_size(shape, right - left, bottom - top)
    return min(1.0, made[0] / (right - left), made[1] / (bottom - top))


def _level(box: tuple[int, int, int, int], size: tuple[int, int]) -> int:
    """The power of two the picture may be halved by (and shared between shapes) before this shape's resize."""
    room, factor = min((box[2] - box[0]) / size[0], (box[3] - box[1]) / size[1]) / REDUCING_GAP, 1
    while factor * 2 <= room:
        factor *= 2
    return factor


def _reduced(levels: dict[int, Image.Image], factor: int) -> Image.Image:
    """The picture halved until reduced by `factor`, each half made once for every shape that needs it."""
    if factor not in levels:
        levels[factor] = _reduced(levels, factor // 2).reduce(2)
    return levels[factor]


def _full_box(box: tuple[int, int, int, int], picture: Image.Image, full: tuple[int, int]) -> tuple[int, int]:
    """A box of the decoded (perhaps reduced) picture measured in the original's pixels."""
    factor = full[0] / picture.width
    return round((box[2] - box[0]) * factor), round((box[3] - box[1]) * factor)
