"""Mastodon's media upload: POST /api/v2/media with the alt text, then a wait while the server processes it.

https://docs.joinmastodon.org/methods/media/#v2: an image is ready at once (200); video and large files
answer 202 with `url` null, and GET /api/v1/media/:id answers 206 until they are processed.
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

from publishing import media_urls
from publishing.adapters.base import Transient, UnknownOutcome

if TYPE_CHECKING:
    from campaigns.models import MediaAsset
    from publishing.adapters.mastodon import MastodonAdapter
    from publishing.models import SocialAccount

MEDIA_POLL_INTERVAL_S = 0.25
MEDIA_POLL_TIMEOUT_S = 10.0


def upload(adapter: MastodonAdapter, account: SocialAccount, asset: MediaAsset, language: str) -> str:
    """Upload one file with its alt text in the variant's language; its id once the server has processed it."""
    files = {"file": media_urls.upload_part(asset, adapter.platform)}
    data = {"description": alt} if (alt := asset.alt_text.get(language, "")) else {}
    try:
        response = adapter.call(account, "POST", "api/v2/media", files=files, data=data)
    except UnknownOutcome as error:
        # Nothing was posted yet: at worst the server keeps an upload no status uses. Safe to retry.
        raise Transient(f"the media upload got no answer: {error}", status=error.status) from error
    media = response.json()
    if response.status_code == 202 or not media.get("url"):
        _wait_until_processed(adapter, account, str(media["id"]))
    return str(media["id"])


def _wait_until_processed(adapter: MastodonAdapter, account: SocialAccount, media_id: str) -> None:
    # https://docs.joinmastodon.org/methods/media/#get: 206 while processing, 200 with its `url` once done.
    deadline = time.monotonic() + MEDIA_POLL_TIMEOUT_S
    while time.monotonic() < deadline:
        response = adapter.call(account, "GET", f"api/v1/media/{media_id}")
        if response.status_code == 200 and response.json().get("url"):
            return
        time.sleep(MEDIA_POLL_INTERVAL_S)
    raise Transient(f"the server was still processing media {media_id} after {MEDIA_POLL_TIMEOUT_S:g} s")
