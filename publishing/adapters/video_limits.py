"""One platform's video limits (duration, file size, file type), checked against what each attached video says of
itself: a rule is skipped when the asset does not know the figure (no duration measured, size 0, no type)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from django.utils.translation import gettext as _

from campaigns.checks import ERROR, Problem

if TYPE_CHECKING:
    from campaigns.models import MediaAsset, Variant

MB = 1024 * 1024
GB = 1024 * MB
MINUTE_MS = 60_000
HOUR_MS = 60 * MINUTE_MS


def videos(assets: Iterable[MediaAsset]) -> list[MediaAsset]:
    return [asset for asset in assets if asset.kind == asset.Kind.VIDEO]


def _duration(ms: int) -> str:
    """A limit as people say it: 4 h, 30 min, 3 s."""
    if ms % HOUR_MS == 0:
        return _("%(count)s h") % {"count": ms // HOUR_MS}
    if ms % MINUTE_MS == 0:
        return _("%(count)s min") % {"count": ms // MINUTE_MS}
    return _("%(count)s s") % {"count": f"{ms / 1000:g}"}


def video_problems(
    variant: Variant,
    assets: Iterable[MediaAsset],
    platform: str,
    *,
    max_duration_ms: int | None = None,
    min_duration_ms: int | None = None,
    max_bytes: int | None = None,
    types: tuple[str, ...] | None = None,
) -> list[Problem]:
    """What `platform` (its name, for the messages) would refuse in the attached videos, as ERROR problems."""
    found = []
    for video in videos(assets):
        names = {"title": video.title, "platform": platform}
        mime_type = (video.mime_type or "").lower()
        if types and mime_type and mime_type not in types:
            message = _("“%(title)s” is %(type)s: %(platform)s takes videos of type %(types)s.")
            found.append(("file_type", message % (names | {"type": mime_type, "types": ", ".join(types)})))
        duration = video.duration_ms
        if duration is not None and max_duration_ms is not None and duration > max_duration_ms:
            message = _("“%(title)s” lasts %(seconds)s s: %(platform)s takes videos of at most %(limit)s.")
            numbers = {"seconds": round(duration / 1000), "limit": _duration(max_duration_ms)}
            found.append(("duration", message % (names | numbers)))
        if duration is not None and min_duration_ms is not None and duration < min_duration_ms:
            message = _("“%(title)s” lasts %(seconds)s s: %(platform)s takes videos of at least %(limit)s.")
            numbers = {"seconds": f"{duration / 1000:g}", "limit": _duration(min_duration_ms)}
            found.append(("duration", message % (names | numbers)))
        if video.size_bytes and max_bytes is not None and video.size_bytes > max_bytes:
            message = _("“%(title)s” is %(size)s bytes: %(platform)s takes videos of at most %(limit)s bytes.")
            found.append(("file_size", message % (names | {"size": video.size_bytes, "limit": max_bytes})))
    return [Problem("media", rule, message, ERROR, variant.pk) for rule, message in found]
