"""The Video resource a YouTube variant makes, and what YouTube would refuse in it.

A variant has no title field: its text's first line is the title, the lines after it the description (the title
is not repeated there), the variant's link at the description's end unless the text has it; the campaign's
hashtags are the tags; the item's YouTube variants in other languages are `localizations`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.utils.translation import gettext as _

from campaigns.checks import ERROR, Problem

if TYPE_CHECKING:
    from campaigns.models import Variant

# https://developers.google.com/youtube/v3/docs/videos#properties: title "a maximum length of 100 characters",
# description "a maximum length of 5000 bytes", both "all valid UTF-8 characters except < and >"; tags 500.
TITLE_MAX_CHARS = 100
DESCRIPTION_MAX_BYTES = 5_000
TAGS_MAX_CHARS = 500
REFUSED_CHARACTERS = "<>"
# https://developers.google.com/youtube/v3/docs/commentThreads/insert#errors names "commentTextTooLong" without a
# number; 10,000 characters is from secondary sources only (~): PLANNER_YOUTUBE_COMMENT_MAX_CHARS overrides it.
COMMENT_MAX_CHARS = 10_000


def metadata_problems(variant: Variant) -> list[Problem]:
    """What YouTube would refuse in the variant's title, description, tags and first comment."""
    title, description = title_and_description(variant)
    refused = " ".join(REFUSED_CHARACTERS)
    tags = tags_length(tags_for(variant))
    found = [
        (not title.strip(), "title_required", _("The first line of the text is the video's title: write one.")),
        (len(title) > TITLE_MAX_CHARS, "title_length",
         _("The title (the text's first line) takes at most %(limit)s characters on YouTube; it has %(count)s.")
         % {"limit": TITLE_MAX_CHARS, "count": len(title)}),
        (bool(set(REFUSED_CHARACTERS) & set(title)), "title_characters",
         _("The title (the text's first line) cannot hold %(characters)s on YouTube.") % {"characters": refused}),
        (len(description.encode()) > DESCRIPTION_MAX_BYTES, "description_length",
         _("The description (the text after its first line) takes at most %(limit)s bytes on YouTube; it has "
           "%(count)s.") % {"limit": DESCRIPTION_MAX_BYTES, "count": len(description.encode())}),
        (bool(set(REFUSED_CHARACTERS) & set(description)), "description_characters",
         _("The description (the text after its first line) cannot hold %(characters)s on YouTube.")
         % {"characters": refused}),
    ]  # fmt: skip
    problems = [Problem("text", rule, message, ERROR, variant.pk) for bad, rule, message in found if bad]
    if tags > TAGS_MAX_CHARS:
        message = _("YouTube takes at most %(limit)s characters of tags; the campaign's hashtags make %(count)s.")
        problems.append(
            Problem("hashtags", "tags_length", message % {"limit": TAGS_MAX_CHARS, "count": tags}, ERROR, variant.pk)
        )
    limit = getattr(settings, "PLANNER_YOUTUBE_COMMENT_MAX_CHARS", COMMENT_MAX_CHARS)
    if len(variant.first_comment.strip()) > limit:
        message = _("YouTube comments take at most %(limit)s characters; the first comment has %(count)s.")
        details = {"limit": limit, "count": len(variant.first_comment.strip())}
        problems.append(Problem("first_comment", "comment_length", message % details, ERROR, variant.pk))
    return problems


def title_and_description(variant: Variant) -> tuple[str, str]:
    """The video's title (the text's first line) and description (the rest, and the link unless it is there)."""
    title, _newline, rest = variant.text.strip().partition("\n")
    description = rest.strip()
    if variant.link and variant.link not in description:
        description = f"{description}\n\n{variant.link}".strip()
    return title.strip(), description


def tags_for(variant: Variant) -> list[str]:
    """The campaign's hashtags as YouTube tags (without their #)."""
    return [tag.lstrip("#") for tag in variant.item.campaign.hashtags if tag.lstrip("#")]


def tags_length(tags: list[str]) -> int:
    """Tags as YouTube counts them: the commas between them count, a tag with a space counts its quotes too."""
    # https://developers.google.com/youtube/v3/docs/videos#snippet.tags[]
    return sum(len(tag) + (2 if " " in tag else 0) for tag in tags) + max(len(tags) - 1, 0)


def video_metadata(variant: Variant) -> dict[str, Any]:
    """The Video resource to insert: snippet, public status, and the item's other YouTube languages."""
    title, description = title_and_description(variant)
    snippet = {"title": title, "description": description, "defaultLanguage": variant.language}
    if tags := tags_for(variant):
        snippet["tags"] = tags
    metadata: dict[str, Any] = {"snippet": snippet, "status": {"privacyStatus": "public"}}
    others = variant.item.variants.filter(platform=variant.platform).exclude(language=variant.language)
    # https://developers.google.com/youtube/v3/docs/videos#localizations: title and description per language.
    if localizations := {
        other.language: dict(zip(("title", "description"), title_and_description(other), strict=True))
        for other in others.order_by("language")
    }:
        metadata["localizations"] = localizations
    return metadata
