"""A Bluesky post's video: what Bluesky takes, and the `app.bsky.embed.video` embed of its blob.

lexicons/app/bsky/embed/video.json: one MP4 blob (`accept: ["video/mp4"]`, `maxSize` 300,000,000 bytes),
an optional `alt` and `aspectRatio` (embed/defs.json: width and height, integers of at least 1). A post's
embed is one union member (feed/post.json), so a video goes alone: no images beside it, no link card.
The blob goes to the account's PDS with uploadBlob, the documented "simple method"
(docs.bsky.app/docs/tutorials/video); the video service processes it once the post is in the firehose.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from django.utils.translation import gettext as _

from campaigns.checks import ERROR, Problem
from publishing.adapters.base import Permanent, attached_assets
from publishing.adapters.bluesky_records import send_blob

if TYPE_CHECKING:
    from campaigns.models import MediaAsset, Variant
    from publishing.adapters.bluesky_xrpc import XrpcAdapter
    from publishing.models import SocialAccount

VIDEO = "app.bsky.embed.video"
VIDEO_TYPES = ("video/mp4",)  # embed/video.json, video accept
VIDEO_MAX_BYTES = 300_000_000  # embed/video.json, video maxSize ("formerly limited to 100mb")
# bluesky-social/social-app src/lib/constants.ts VIDEO_MAX_DURATION_MS: what the official app lets through.
VIDEO_MAX_DURATION_MS = 10 * 60 * 1000


def is_video(asset: MediaAsset) -> bool:
    return asset.kind == asset.Kind.VIDEO


def video_problems(variant: Variant, assets: list[MediaAsset]) -> list[Problem]:
    """What Bluesky would refuse in the variant's video, if it has one: a second video, images beside it, its file."""
    if not (videos := [a for a in assets if is_video(a)]):
        return []
    found = []
    if len(videos) > 1:
        found.append(("media_count", _("Bluesky takes one video per post; this post has %(count)s.")
                      % {"count": len(videos)}))  # fmt: skip
    if len(videos) < len(assets):
        found.append(("media_mixed", _("Bluesky takes images or one video in a post, never both.")))
    for video in videos:
        found += _file_problems(video)
    return [Problem("media", rule, message, ERROR, variant.pk) for rule, message in found]


def _file_problems(video: MediaAsset) -> list[tuple[str, str]]:
    title, found = video.title, []
    if (video.mime_type or "").lower() not in VIDEO_TYPES:
        found.append(("file_type", _("“%(title)s” is %(type)s: Bluesky takes MP4 videos only.")
                      % {"title": title, "type": video.mime_type or _("of an unknown type")}))  # fmt: skip
    if video.size_bytes > VIDEO_MAX_BYTES:
        found.append(("file_size", _("“%(title)s” is %(size)s bytes: Bluesky takes videos of at most %(limit)s bytes.")
                      % {"title": title, "size": video.size_bytes, "limit": VIDEO_MAX_BYTES}))  # fmt: skip
    if video.duration_ms and video.duration_ms > VIDEO_MAX_DURATION_MS:
        found.append(("duration", _("“%(title)s” lasts %(seconds)s s: Bluesky takes videos of at most %(limit)s "
                      "minutes.") % {"title": title, "seconds": round(video.duration_ms / 1000),
                                     "limit": VIDEO_MAX_DURATION_MS // 60_000}))  # fmt: skip
    return found


def video_embed(adapter: XrpcAdapter, account: SocialAccount, variant: Variant) -> dict[str, Any] | None:
    """The variant's video uploaded as a blob and described for the embed; None if it has no video."""
    if not (video := next((a for a in attached_assets(variant) if is_video(a)), None)):
        return None
    try:
        size = video.file.size
    except OSError as error:
        raise Permanent(f"the attached file {video.title!r} cannot be read: {error}") from error
    # Sent in chunks, its length given: a video may be hundreds of megabytes, too much to hold in a worker.
    headers = {"Content-Type": VIDEO_TYPES[0], "Content-Length": str(size)}
    embed: dict[str, Any] = {"$type": VIDEO, "video": send_blob(adapter, account, _Chunks(video), headers)}
    if alt := str(video.alt_text.get(variant.language, "")).strip():
        embed["alt"] = alt
    if video.width and video.height:
        embed["aspectRatio"] = {"width": video.width, "height": video.height}
    return embed


class _Chunks:
    """A file's bytes, read afresh each time they are iterated: a request sent again (a renewed session) sends all."""

    def __init__(self, asset: MediaAsset) -> None:
        self.asset = asset

    def __iter__(self) -> Iterator[bytes]:
        with self.asset.file.open("rb") as file:
            yield from file.chunks()
