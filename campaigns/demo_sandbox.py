"""The demo's published posts as real posts on the sandbox platform, stored as each dialect stores what it receives.

The demo's accounts talk to the sandbox (their `api_base_url`, and the Bluesky AppView that `scripts/run` points
at it), so a published publication must name a post the sandbox has: then collecting its metrics
(publishing/metrics.py) reads growing figures instead of a 404. Each platform names its posts its own way (a
Page post id, an at:// URI, a URN, a YouTube video id), which `remote_ids` follows from the dialects.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass

from publishing.adapters.atproto import tid
from publishing.adapters.linkedin import post_url as linkedin_url
from publishing.adapters.x import post_url as x_url
from publishing.adapters.youtube import watch_url
from publishing.models import SocialAccount
from publishing.platforms import Platform
from publishing.sandbox.dialects.bluesky_records import POST
from publishing.sandbox.dialects.bluesky_xrpc import did_for
from publishing.sandbox.dialects.graph import user_id_for
from publishing.sandbox.dialects.youtube_resources import video_id
from publishing.sandbox.models import SandboxAccount, SandboxPost

P = Platform


@dataclass(frozen=True)
class Posted:
    post: SandboxPost  # not saved yet: the caller saves it, or many at once with bulk_create
    remote_id: str
    remote_url: str


def sandbox_account(account: SocialAccount) -> SandboxAccount:
    """The sandbox account the demo account's token opens (as the sandbox makes it on a token's first use)."""
    token = account.credentials["access_token"]
    return SandboxAccount.objects.get_or_create(platform=account.platform, token=token)[0]


def sandbox_post(
    account: SocialAccount, on: SandboxAccount, key: str, *, text: str, link: str, language: str,
    published_at: dt.datetime, is_video: bool, audience: int | None = None, half_life: dt.timedelta | None = None,
) -> Posted:  # fmt: skip
    """The post `account` published at `published_at`, as the sandbox stores it; `key` names it for good.
    `audience` and `half_life`: how many it eventually reaches, and how soon half of them (else the sandbox's own)."""
    digest = hashlib.sha256(f"demo|{key}".encode()).digest()
    number = str(int.from_bytes(digest[:7]))  # fits YouTube's 8-byte video ids; unlike the sandbox's own snowflakes
    payload: dict[str, object] = {"text": text, "link": link}
    if audience is not None:
        payload["audience"] = audience
    if half_life is not None:
        payload["half_life_s"] = int(half_life.total_seconds())
    remote_id, remote_url = number, f"{account.api_base_url}posts/{number}"
    platform = account.platform
    if platform == P.X:
        remote_url = x_url(account, number)
    elif platform == P.MASTODON:
        payload |= {"status": text, "language": language, "visibility": "public"}
        remote_url = f"{account.api_base_url}@{account.handle.split('@')[1]}/{number}"
    elif platform == P.BLUESKY:
        handle = account.handle.removeprefix("@")
        rkey = tid(int(published_at.timestamp() * 1_000_000), int.from_bytes(digest[7:8]) % 32)
        record = {"$type": POST, "text": text, "createdAt": published_at.isoformat(), "langs": [language]}
        payload |= {"repo": handle, "rkey": rkey, "record": record}
        remote_id, remote_url = (
            f"at://{did_for(handle)}/{POST}/{rkey}",
            f"https://bsky.app/profile/{handle}/post/{rkey}",
        )
    elif platform == P.FACEBOOK:
        # A Page post is "<page id>_<post id>"; a video (what POST /videos answers) is bare.
        payload["kind"] = "video" if is_video else "post"
        remote_id = number if is_video else f"{user_id_for(on)}_{number}"
    elif platform in (P.INSTAGRAM, P.THREADS):
        payload["media_type"] = "REELS" if is_video and platform == P.INSTAGRAM else "IMAGE"
    elif platform == P.LINKEDIN:
        payload["author"] = account.credentials["author"]
        remote_id = f"urn:li:share:{number}"
        remote_url = linkedin_url(remote_id)
    elif platform == P.YOUTUBE:
        remote_id = video_id(number)
        remote_url = watch_url(remote_id)
    post = SandboxPost(
        account=on, remote_id=number, idempotency_key=f"demo-{digest.hex()[:32]}", text=text, link=link,
        payload=payload, received_at=published_at,
    )  # fmt: skip
    return Posted(post, remote_id, remote_url)
