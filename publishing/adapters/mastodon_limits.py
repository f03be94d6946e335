"""A Mastodon server's limits, read from GET /api/v2/instance and cached per account, and what they refuse.

Every server sets its own (https://docs.joinmastodon.org/entities/Instance/#configuration); a server that
cannot be asked gets platform-rules.md's defaults.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

import httpx
from django.core.cache import cache
from django.utils.translation import gettext as _

from campaigns.checks import ERROR, Problem
from publishing.adapters.base import PublishError, attached_assets
from publishing.adapters.mastodon_answers import status_text
from publishing.adapters.video_limits import video_problems
from publishing.platform_rules import count_mastodon, rules_for

if TYPE_CHECKING:
    from campaigns.models import Variant
    from publishing.models import SocialAccount

logger = logging.getLogger(__name__)

# Servers change their limits rarely; an editor's session sees at most one stale figure.
LIMITS_CACHE_TTL_S = 6 * 3600
UNREADABLE_CACHE_TTL_S = 600
# Mastodon's own default (app/models/media_attachment.rb IMAGE_LIMIT), used when the server cannot be asked.
DEFAULT_IMAGE_SIZE_LIMIT = 16 * 1024 * 1024
# platform-rules.md, Mastodon row: "size set per server (recent defaults 16 MB images, 99 MB video)"; Mastodon's
# VIDEO_LIMIT in app/models/media_attachment.rb. A server reporting `video_size_limit` is taken at its word.
DEFAULT_VIDEO_SIZE_LIMIT = 99 * 1024 * 1024


@dataclass(frozen=True)
class ServerLimits:
    max_characters: int
    characters_reserved_per_url: int
    max_media_attachments: int
    image_size_limit: int
    video_size_limit: int = DEFAULT_VIDEO_SIZE_LIMIT


def default_limits() -> ServerLimits:
    """platform-rules.md's defaults (and any settings override), for a server that cannot be asked."""
    rules = rules_for("mastodon")
    return ServerLimits(rules.text_limit, rules.url_length or 23, rules.max_media, DEFAULT_IMAGE_SIZE_LIMIT)


def server_limits(account: SocialAccount, get: Callable[[str], httpx.Response], *, ask: bool = True) -> ServerLimits:
    """The account's server's limits (`get` asks its API for a path, unless not `ask`), cached; the defaults when
    it cannot be asked (cached for a while too, so that a server that is down is not waited for at every check)."""
    key = f"mastodon:limits:{account.pk}:{account.api_base_url}"
    if (cached := cache.get(key)) is not None:
        return cached
    if not ask:
        return default_limits()
    try:
        config = get("api/v2/instance").json()["configuration"]
        statuses, media = config["statuses"], config["media_attachments"]
        limits = ServerLimits(
            max_characters=int(statuses["max_characters"]),
            characters_reserved_per_url=int(statuses["characters_reserved_per_url"]),
            max_media_attachments=int(statuses["max_media_attachments"]),
            image_size_limit=int(media["image_size_limit"]),
            video_size_limit=int(media.get("video_size_limit") or DEFAULT_VIDEO_SIZE_LIMIT),
        )
    except (PublishError, ValueError, KeyError, TypeError) as error:
        logger.warning("Mastodon limits of account %s not readable, using defaults: %s", account.pk, error)
        cache.set(key, default_limits(), UNREADABLE_CACHE_TTL_S)
        return default_limits()
    cache.set(key, limits, LIMITS_CACHE_TTL_S)
    return limits


def refusals(variant: Variant, limits: ServerLimits) -> list[Problem]:
    """What a server with these limits would refuse in this variant, counted as the server counts."""
    problems = []
    if (length := count_mastodon(status_text(variant), limits.characters_reserved_per_url)) > limits.max_characters:
        message = _("Mastodon takes at most %(limit)s characters on this server; this post has %(count)s.")
        problems.append(Problem("text", "length", message % {"limit": limits.max_characters, "count": length}, ERROR))
    assets = attached_assets(variant)
    if len(assets) > limits.max_media_attachments:
        message = _("Mastodon takes at most %(limit)s attachments on this server; this post has %(count)s.")
        numbers = {"limit": limits.max_media_attachments, "count": len(assets)}
        problems.append(Problem("media", "media_count", message % numbers, ERROR))
    for asset in assets:
        if asset.kind != "video" and asset.size_bytes > limits.image_size_limit:
            message = _("%(title)s is larger than this Mastodon server takes (%(limit)s bytes).")
            numbers = {"title": asset.title, "limit": limits.image_size_limit}
            problems.append(Problem("media", "file_size", message % numbers, ERROR))
    return problems + video_problems(variant, assets, _("this Mastodon server"), max_bytes=limits.video_size_limit)
