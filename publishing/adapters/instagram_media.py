"""What Instagram takes as a post's media, and the container fields of each item (image, Reel, carousel video).

developers.facebook.com/docs/instagram-platform/instagram-graph-api/reference/ig-user/media: images are
JPEG, aspect 4:5 to 1.91:1, 320 to 1440 px wide (#image-specifications). A single video is a Reel
(`media_type=REELS`; the feed's VIDEO type is gone since 2023): MOV or MP4, 3 s to 15 min, at most
300 MB, at most 1920 px wide, aspect 0.01:1 to 10:1 (#reel-specifications). A video inside a carousel is
`media_type=VIDEO` with `is_carousel_item`: 3 to 60 s, at most 100 MB (#video-specifications). Meta
fetches `image_url` and `video_url` itself: our signed addresses (publishing/media_urls.py). An image is always
sent as its Instagram rendition, cropped to Instagram's own shapes, so its checks judge that rendition.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from PIL import Image, UnidentifiedImageError

from campaigns.checks import ERROR, Problem
from publishing import media_urls
from publishing.adapters.shapes import ImageShape

if TYPE_CHECKING:
    from campaigns.models import MediaAsset, Variant

# Our signed address serves PNG and WebP converted to JPEG, so those are accepted too.
CONVERTIBLE_TO_JPEG = ("image/jpeg", "image/jpg", "image/png", "image/webp")
ASPECT_MIN, ASPECT_MAX = 4 / 5, 1.91
WIDTH_MIN_PX, WIDTH_MAX_PX = 320, 1440
VIDEO_TYPES = ("video/mp4", "video/quicktime")
REEL_DURATION_MS = (3_000, 15 * 60_000)
REEL_MAX_BYTES = 300 * 1024 * 1024  # the reference's figure; secondary sources say 1 GB now
REEL_WIDTH_MAX_PX = 1920
REEL_ASPECT = (0.01, 10.0)
CAROUSEL_VIDEO_DURATION_MS = (3_000, 60_000)
CAROUSEL_VIDEO_MAX_BYTES = 100 * 1024 * 1024


def is_video(asset: MediaAsset) -> bool:
    return asset.kind == asset.Kind.VIDEO


def container_fields(asset: MediaAsset, language: str, *, in_carousel: bool) -> dict[str, str]:
    """The container parameters of one item: a Reel alone, a VIDEO or an image in a carousel."""
    item = {"is_carousel_item": "true"} if in_carousel else {}
    if is_video(asset):
        return item | {"media_type": "VIDEO" if in_carousel else "REELS", "video_url": media_urls.signed_url(asset)}
    _make_renditions(asset)
    # alt_text: "for image posts" (ig-user/media reference, since 2025).
    fields = item | {"image_url": media_urls.signed_url(asset, as_jpeg=True, platform="instagram")}
    return fields | ({"alt_text": alt} if (alt := asset.alt_text.get(language, "")) else {})


def problems(asset: MediaAsset, variant: Variant, shapes: Sequence[ImageShape], *, in_carousel: bool) -> list[Problem]:
    """What Instagram would refuse in one item: for an image, in the rendition it is sent (see `sent_size`)."""
    if is_video(asset):
        return _video_problems(asset, variant, in_carousel)
    if asset.kind != asset.Kind.IMAGE:
        return [_problem("media_kind", f"{asset.title!r}: Instagram takes still images and videos", variant)]
    if (asset.mime_type or "").lower() not in CONVERTIBLE_TO_JPEG:
        message = f"{asset.title!r} is {asset.mime_type}: Instagram takes JPEG (PNG and WebP are sent as JPEG)"
        return [_problem("file_type", message, variant)]
    width, height = asset.width, asset.height
    if not width or not height:
        try:
            with asset.file.open("rb") as file, Image.open(file) as image:
                width, height = image.size
        except (OSError, UnidentifiedImageError):
            return [_problem("file", f"{asset.title!r} cannot be read", variant)]
    sent_width, sent_height = sent_size(width, height, shapes)
    sent = f"{asset.title!r} is {width}×{height}; Instagram is sent its {sent_width}×{sent_height} rendition"
    found = []
    if not ASPECT_MIN <= sent_width / sent_height <= ASPECT_MAX:
        found.append(_problem("aspect_ratio", f"{sent}: Instagram takes 4:5 to 1.91:1", variant))
    if not WIDTH_MIN_PX <= sent_width <= WIDTH_MAX_PX:
        # Renditions are never enlarged (campaigns/rendering.py): too small an original stays too small.
        verdict = "too small" if sent_width < WIDTH_MIN_PX else "too wide"
        message = f"{sent}, {verdict}: Instagram takes images 320 to 1440 px wide"
        found.append(_problem("width", message, variant))
    return found


def sent_size(width: int, height: int, shapes: Sequence[ImageShape]) -> tuple[int, int]:
    """The size of the file Instagram fetches for an image of this size: its rendition nearest the image's aspect
    ratio (media_urls.rendition_file's choice), which `container_fields` makes first if it is missing. Made by
    cropping to Instagram's own shapes, it is within 4:5 to 1.91:1 and 1440 px whatever the original."""
    from campaigns.rendering import rendered_size

    sizes = [rendered_size(shape, width, height) for shape in shapes]
    return min(sizes, key=lambda size: media_urls.size_fit(*size, width / height))


def _make_renditions(asset: MediaAsset) -> None:
    """Instagram's renditions of the image, where the upload's or the connection's task has not made them yet:
    without one, the original would be sent, and Instagram may refuse its shape."""
    from campaigns.renditions import make_renditions

    make_renditions(asset, ["instagram"])


def _video_problems(asset: MediaAsset, variant: Variant, in_carousel: bool) -> list[Problem]:
    what = "a video in a carousel" if in_carousel else "a Reel"
    if (asset.mime_type or "").lower() not in VIDEO_TYPES:
        return [_problem("file_type", f"{asset.title!r} is {asset.mime_type}: {what} is MP4 or MOV", variant)]
    low, high = CAROUSEL_VIDEO_DURATION_MS if in_carousel else REEL_DURATION_MS
    max_bytes = CAROUSEL_VIDEO_MAX_BYTES if in_carousel else REEL_MAX_BYTES
    found = []
    # Only what the asset measured is checked; Meta refuses the rest when it processes the container.
    if asset.duration_ms is not None and not low <= asset.duration_ms <= high:
        message = (
            f"{asset.title!r} lasts {asset.duration_ms / 1000:g} s: {what} lasts {low // 1000} to {high // 1000} s"
        )
        found.append(_problem("duration", message, variant))
    if asset.size_bytes > max_bytes:
        found.append(_problem("file_size", f"{asset.title!r} is over {max_bytes >> 20} MB, {what}'s limit", variant))
    if not in_carousel and asset.width and asset.height:
        if asset.width > REEL_WIDTH_MAX_PX:
            found.append(
                _problem("width", f"{asset.title!r} is {asset.width} px wide: a Reel is at most 1920", variant)
            )
        if not REEL_ASPECT[0] <= asset.width / asset.height <= REEL_ASPECT[1]:
            found.append(_problem("aspect_ratio", f"{asset.title!r}: a Reel is 0.01:1 to 10:1 (9:16 best)", variant))
    return found


def _problem(rule: str, message: str, variant: Variant) -> Problem:
    return Problem("media", rule, message, ERROR, variant.pk)
