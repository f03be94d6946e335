"""AT Protocol data the Bluesky adapter and the sandbox's Bluesky dialect both speak: TIDs and rich-text facets."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
from collections.abc import Callable
from typing import Any

import regex
from django.utils import timezone
from PIL import Image

from publishing.platform_rules import SCHEME_URL

# atproto.com/specs/tid: 13 base32-sortable characters of a 64-bit integer, top bit zero, then 53 bits
# of microseconds since 1970 and a 10-bit clock id.
TID_ALPHABET = "234567abcdefghijklmnopqrstuvwxyz"
TID = regex.compile(r"^[234567abcdefghij][234567abcdefghijklmnopqrstuvwxyz]{12}$")
KEY_EPOCH_US = 1_672_531_200_000_000  # 2023-01-01: a TID derived from a key lies in 2023, never ahead of now
KEY_SPAN_US = 365 * 86_400 * 1_000_000
# docs.bsky.app/docs/advanced-guides/post-richtext: mentions and hashtags as the official app detects them.
MENTION = regex.compile(r"(?<![\w@])@([a-zA-Z0-9-]+(?:\.[a-zA-Z0-9-]+)+)")
HASHTAG = regex.compile(r"(?<!\S)[#＃]((?!\ufe0f)\w*[^\d\W]\w*)")
JPEG_QUALITIES = (85, 75, 65, 50)


def tid(microseconds: int, clock_id: int = 0) -> str:
    """The TID of an instant (microseconds since 1970) and a clock id (0 to 1023)."""
    value = microseconds << 10 | clock_id & 1023
    return "".join(TID_ALPHABET[value >> shift & 31] for shift in range(60, -1, -5))


def tid_from_key(key: bytes) -> str:
    """A TID derived from a key alone: the same key, the same TID; different keys, different TIDs (2^55 of them)."""
    digest = int.from_bytes(hashlib.sha256(key).digest()[:8])
    return tid(KEY_EPOCH_US + digest % KEY_SPAN_US, digest >> 54)


def facets(text: str, resolve: Callable[[str], str | None]) -> list[dict[str, Any]]:
    """Links, mentions (a handle `resolve`s to a DID, else none) and hashtags, at UTF-8 byte offsets.

    lexicons/app/bsky/richtext/facet.json: "Indices are zero-indexed, counting bytes of the UTF-8 encoded text."
    """
    found = [(m, {"$type": "app.bsky.richtext.facet#link", "uri": m.group()}) for m in SCHEME_URL.finditer(text)]
    found += [(m, {"$type": "app.bsky.richtext.facet#tag", "tag": m.group(1)}) for m in HASHTAG.finditer(text)]
    for match in MENTION.finditer(text):
        if did := resolve(match.group(1)):
            found.append((match, {"$type": "app.bsky.richtext.facet#mention", "did": did}))
    return [
        {"index": {"byteStart": _bytes(text, m.start()), "byteEnd": _bytes(text, m.end())}, "features": [feature]}
        for m, feature in sorted(found, key=lambda pair: pair[0].start())
    ]


def _bytes(text: str, index: int) -> int:
    return len(text[:index].encode())


def datetime_now() -> str:
    """Now as atproto.com/specs/lexicon#datetime wants it: RFC 3339, UTC, with milliseconds."""
    return timezone.now().astimezone(dt.UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def jpeg_within(image: Image.Image, max_bytes: int) -> bytes:
    """The image as a JPEG of at most `max_bytes` (a blob's limit): lower quality first, then smaller."""
    picture = image.convert("RGB")
    while True:
        for quality in JPEG_QUALITIES:
            buffer = io.BytesIO()
            picture.save(buffer, "JPEG", quality=quality, optimize=True)
            if buffer.tell() <= max_bytes:
                return buffer.getvalue()
        picture = picture.resize((max(picture.width * 3 // 4, 1), max(picture.height * 3 // 4, 1)))
