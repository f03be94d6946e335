"""A status's text as posted and as a Mastodon server gives it back, and the server's words in its refusals."""

from __future__ import annotations

import datetime as dt
import html
import re
from typing import TYPE_CHECKING

import httpx
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from publishing.adapters.base import RETRY_AFTER_MAX_S

if TYPE_CHECKING:
    from campaigns.models import Variant


def status_text(variant: Variant) -> str:
    """The status as posted: the variant's text, and its link on a line of its own unless the text has it."""
    if variant.link and variant.link not in variant.text:
        return f"{variant.text.rstrip()}\n\n{variant.link}"
    return variant.text


def plain_text(content: str) -> str:
    """A status's HTML `content` as plain text: paragraphs and line breaks kept, tags dropped."""
    # https://docs.joinmastodon.org/entities/Status/#content: "HTML-encoded status content".
    text = re.sub(r"<br\s*/?>", "\n", content)
    text = re.sub(r"</p>\s*<p>", "\n\n", text)
    return html.unescape(re.sub(r"<[^>]+>", "", text))


def normalised(text: str) -> str:
    """A text as comparable between what was sent and what the server shows (line ends, blank lines)."""
    return re.sub(r"\n{3,}", "\n\n", text.replace("\r\n", "\n")).strip()


def server_message(response: httpx.Response) -> str:
    """The server's own words: https://docs.joinmastodon.org/entities/Error/ is {"error": "…", "error_description"?}."""
    try:
        body = response.json()
    except ValueError:
        return response.text[:300]
    if isinstance(body, dict) and isinstance(body.get("error"), str):
        return body["error"][:300]
    return response.text[:300]


def rate_limit_reset_s(response: httpx.Response) -> float | None:
    """Seconds until X-RateLimit-Reset, an ISO 8601 time (https://docs.joinmastodon.org/api/rate-limits/)."""
    reset = parse_datetime(response.headers.get("X-RateLimit-Reset", "").strip())
    if reset is None:
        return None
    if timezone.is_naive(reset):
        reset = reset.replace(tzinfo=dt.UTC)
    return min(max((reset - timezone.now()).total_seconds(), 0.0), RETRY_AFTER_MAX_S)
