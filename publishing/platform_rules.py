"""What each platform accepts in one post: text length (counted the platform's way) and media.

Interim home: these rules move into each adapter (publishing/adapters/<platform>.py) when the
adapters issue lands; until then this table is the one place that knows them. The facts come from
the shared platform-rules.md notes; a documentation source sits beside each quirk. Figures marked ~
come from secondary sources only and are unverified. Any field can be overridden per platform in
settings, e.g. PLATFORM_RULES = {"instagram": {"max_hashtags": 5}, "mastodon": {"text_limit": 1000}}.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, replace

import regex
from django.conf import settings

from publishing.platforms import Platform

URL_LENGTH = 23

GRAPHEME = regex.compile(r"\X")
# A cluster shown as an emoji: emoji-presentation characters, text symbols made emoji by U+FE0F,
# flags (regional indicators) and keycaps. ZWJ sequences and skin tones stay one cluster.
EMOJI = regex.compile(r"\p{Emoji_Presentation}|\p{Extended_Pictographic}\uFE0F|\p{Regional_Indicator}|\u20E3")
URL_END = r"[^\s]*[^\s.,;:!?'\")\]]"  # trailing punctuation belongs to the sentence, not the link
SCHEME_URL = regex.compile(rf"https?://{URL_END}", regex.IGNORECASE)
# twitter-text also links bare domains, checking them against the full IANA TLD list; this short
# list of generic TLDs catches the common ones. Prefer full https:// links in X posts.
X_URL = regex.compile(
    rf"https?://{URL_END}|www\.{URL_END}"
    r"|(?<![\w@.-])(?:[\w-]+\.)+(?:com|org|net|int|gov|edu|info|io|health)(?:/[^\s]*[^\s.,;:!?'\")\]])?(?!\.?[\w-])",
    regex.IGNORECASE,
)
REMOTE_MENTION = regex.compile(r"(?<!\w)(@\w+)@[\w.-]+\w")


@dataclass(frozen=True)
class PlatformRules:
    """One platform's limits for a single post."""

    text_limit: int
    count: Callable[[str], int]  # length of a text as the platform counts it
    max_images: int
    max_videos: int
    max_media: int  # images and videos together
    mixing_allowed: bool = False  # photos and videos in one post
    byte_limit: int | None = None  # UTF-8 bytes, where the platform also caps those
    # What any link counts for in `count`, where links are shortened. The count functions use
    # URL_LENGTH; a Mastodon server's own value is read by its adapter (publishing/adapters/mastodon.py).
    url_length: int | None = None
    needs_media: bool = False
    gif_is_video: bool = False  # an animated GIF takes the single-video slot
    alt_text_required: bool = True  # we require alt text on every image the platform shows
    max_hashtags: int | None = None
    refused_characters: str = ""


def _x_weight(segment: str) -> int:
    # Weight 1 for code points in these ranges, 2 for all others. docs.x.com "Counting characters";
    # twitter/twitter-text config/v3.json.
    return sum(
        1 if c <= 4351 or 8192 <= c <= 8205 or 8208 <= c <= 8223 or 8242 <= c <= 8247 else 2 for c in map(ord, segment)
    )


def count_x(text: str) -> int:
    """X's weighted length (twitter-text v3): NFC first, links 23, emoji sequences 2, CJK 2."""
    text = unicodedata.normalize("NFC", text)
    total, start = 0, 0
    for url in X_URL.finditer(text):
        total += _count_x_without_links(text[start : url.start()]) + URL_LENGTH
        start = url.end()
    return total + _count_x_without_links(text[start:])


def _count_x_without_links(text: str) -> int:
    # v3.json has "emojiParsingEnabled": true: any emoji, however many code points it joins
    # (skin tones, ZWJ families, flags), weighs 2. docs.x.com "Counting characters".
    if text.isascii():
        return len(text)
    return sum(2 if EMOJI.search(cluster) else _x_weight(cluster) for cluster in GRAPHEME.findall(text))


def count_mastodon(text: str, url_length: int = URL_LENGTH) -> int:
    """Mastodon's length: code points, each http(s) link `url_length`, a remote mention counted as @user."""
    # mastodon/mastodon app/validators/status_length_validator.rb (countable_text): links become a
    # placeholder as long as the server's characters_reserved_per_url (23 by default; the adapter
    # reads it from GET /api/v2/instance), "@user@domain" counts as "@user"; links need a scheme there.
    text = SCHEME_URL.sub("x" * url_length, text)
    return len(REMOTE_MENTION.sub(r"\1", text))


def count_graphemes(text: str) -> int:
    """User-perceived characters (extended grapheme clusters), as Bluesky counts them."""
    return len(GRAPHEME.findall(text))


def count_threads(text: str) -> int:
    """Threads' length: characters, except that an emoji counts as its UTF-8 byte length."""
    # developers.facebook.com/documentation/threads/posts, Limitations: "Emojis are counted as the
    # number of UTF-8 bytes."
    if text.isascii():
        return len(text)
    return sum(len(cluster.encode()) if EMOJI.search(cluster) else len(cluster) for cluster in GRAPHEME.findall(text))


RULES: dict[str, PlatformRules] = {
    # docs.x.com/x-api/media: up to 4 images, or 1 GIF, or 1 video, never mixed.
    Platform.X: PlatformRules(
        text_limit=280, count=count_x, url_length=URL_LENGTH,
        max_images=4, max_videos=1, max_media=4, gif_is_video=True,
    ),
    # Graph API: up to 10 photos or 1 video, never mixed.
    Platform.FACEBOOK: PlatformRules(text_limit=63_206, count=len, max_images=10, max_videos=1, max_media=10),
    # Instagram content publishing: 1 image or video, or a carousel of up to 10 (mixed allowed).
    # Hashtags: 30 per caption documented; a cap of 5 was announced in Dec 2025 and is rolling out,
    # so set PLATFORM_RULES = {"instagram": {"max_hashtags": 5}} once it reaches our accounts.
    Platform.INSTAGRAM: PlatformRules(
        text_limit=2_200, count=len, max_images=10, max_videos=10, max_media=10,
        mixing_allowed=True, needs_media=True, max_hashtags=30,
    ),
    # Threads posts: 500; a carousel of ~20 items (secondary sources only).
    Platform.THREADS: PlatformRules(
        text_limit=500, count=count_threads, max_images=20, max_videos=20, max_media=20, mixing_allowed=True
    ),
    # LinkedIn Posts API: "several" images (~20, secondary sources), or 1 video.
    Platform.LINKEDIN: PlatformRules(text_limit=3_000, count=len, max_images=20, max_videos=1, max_media=20),
    # developers.google.com/youtube/v3/docs/videos: the variant text is the description, "a maximum
    # length of 5000 bytes" that "may contain all valid UTF-8 characters except < and >"; one video.
    Platform.YOUTUBE: PlatformRules(
        text_limit=5_000, count=len, byte_limit=5_000, max_images=0, max_videos=1, max_media=1,
        needs_media=True, alt_text_required=False, refused_characters="<>",
    ),
    # Mastodon defaults (set per server): 4 attachments; a video is refused beside anything else
    # (app/services/post_status_service.rb, media_attachments.validations.images_and_video).
    Platform.MASTODON: PlatformRules(
        text_limit=500, count=count_mastodon, url_length=URL_LENGTH, max_images=4, max_videos=1, max_media=4
    ),
    # bluesky-social/atproto lexicons/app/bsky/feed/post.json: text maxGraphemes 300, maxLength 3000
    # (bytes); an embed is either up to 4 images (embed/images.json) or 1 video (embed/video.json).
    Platform.BLUESKY: PlatformRules(
        text_limit=300, count=count_graphemes, byte_limit=3_000, max_images=4, max_videos=1, max_media=4
    ),
}  # fmt: skip


def rules_for(platform: str) -> PlatformRules:
    """The rules of `platform`, with any overrides from settings.PLATFORM_RULES applied."""
    try:
        rules = RULES[platform]
    except KeyError:
        raise ValueError(f"Unknown platform {platform!r}; known: {', '.join(RULES)}.") from None
    overrides = getattr(settings, "PLATFORM_RULES", {}).get(platform)
    return replace(rules, **overrides) if overrides else rules
