"""A post's text as we send it and as the X API gives it back, X's problems, the reset of a daily cap, and the
account as X names it."""

from __future__ import annotations

import dataclasses
import html
import time
import unicodedata
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import httpx

from publishing.adapters.base import RETRY_AFTER_MAX_S, Connection

if TYPE_CHECKING:
    from campaigns.models import Variant

# public_metrics (docs.x.com/x-api/fundamentals/metrics) → our columns. Only retweet_count for reposts: where
# X also answers its newer repost_count it is the same figure, not more; quotes and bookmarks stay raw.
METRIC_NAMES = {"impression_count": "impressions", "like_count": "likes", "retweet_count": "shares",
                "reply_count": "replies"}  # fmt: skip


def post_text(variant: Variant) -> str:
    """The post as sent: the variant's text, and its link on a line of its own unless the text has it."""
    if variant.link and variant.link not in variant.text:
        return f"{variant.text.rstrip()}\n\n{variant.link}" if variant.text.strip() else variant.link
    return variant.text


def shown_text(post: dict[str, Any]) -> str:
    """A post's text as it was sent: X shows links as t.co addresses (entities.urls has the originals), appends
    one for its media, and escapes &, < and > (https://docs.x.com/x-api/fundamentals/data-dictionary)."""
    text = post.get("text", "")
    for url in (post.get("entities") or {}).get("urls") or []:
        original = "" if url.get("media_key") else url.get("expanded_url", url.get("url", ""))
        text = text.replace(url.get("url", ""), original) if url.get("url") else text
    return html.unescape(text)


def comparable(text: str) -> str:
    return unicodedata.normalize("NFC", text.replace("\r\n", "\n")).strip()


def wait_until(epoch_s: str) -> float:
    """Seconds from now to an epoch second (0 when absent or past), capped as every retry time is."""
    if not epoch_s.strip().isdigit():
        return 0.0
    return min(max(float(epoch_s) - time.time(), 0.0), RETRY_AFTER_MAX_S)


def body_of(response: httpx.Response) -> dict[str, Any]:
    try:
        body = response.json()
    except ValueError:
        return {}
    return body if isinstance(body, dict) else {}


def problem_text(body: dict[str, Any]) -> str:
    """X's own words: a problem's `detail` (else `title`), or those of each entry of `errors`."""
    # https://docs.x.com/x-api/fundamentals/response-codes-and-errors
    problems = [body, *(e for e in body.get("errors") or [] if isinstance(e, dict))]
    words = [str(p.get("detail") or p.get("title") or p.get("message") or "") for p in problems]
    return "; ".join(w for w in words if w)[:300]


def named_connection(connection: Connection, request: Callable[..., httpx.Response]) -> Connection:
    """The connection as X names the account, asked with `request` (the adapter's, with its error model)."""
    # https://docs.x.com/x-api/users/get-my-user
    url = f"{connection.api_base_url.rstrip('/')}/2/users/me"
    me = request("GET", url, token=connection.credentials["access_token"]).json()["data"]
    credentials = {**connection.credentials, "user_id": str(me["id"])}
    return dataclasses.replace(
        connection, handle=f"@{me['username']}", display_name=me["name"], credentials=credentials
    )
