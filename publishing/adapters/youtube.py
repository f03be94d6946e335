"""YouTube (Data API v3): one video per post, uploaded resumably, with its title in every language of the item.

A YouTube variant's first line is the video's title, the lines after it the description (the variant's link at
its end); the campaign's hashtags are the tags. The variant's language is `snippet.defaultLanguage`; the item's
YouTube variants in other languages become `localizations`. The account's `api_base_url` is the API's root
(`https://www.googleapis.com/`); its credentials hold Google's `access_token`, `refresh_token`, `client_id` and
`client_secret` (and `token_uri` where the token endpoint is not Google's, as in the sandbox).
"""

from __future__ import annotations

import html
from typing import TYPE_CHECKING, Any

from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from campaigns.checks import ERROR, Problem
from publishing.adapters.base import Permanent, Published, first_attempt_at, has_rival_in_doubt, sole_unclaimed
from publishing.adapters.google import GoogleAdapter

if TYPE_CHECKING:
    from campaigns.models import MediaAsset, Variant
    from publishing.models import Publication, SocialAccount

# https://developers.google.com/youtube/v3/docs/videos#properties: title "a maximum length of 100 characters",
# description "a maximum length of 5000 bytes", both "all valid UTF-8 characters except < and >"; tags 500.
TITLE_MAX_CHARS = 100
DESCRIPTION_MAX_BYTES = 5_000
TAGS_MAX_CHARS = 500
REFUSED_CHARACTERS = "<>"
SEARCH_PAGE = 50  # search.list maxResults: at most 50


class YouTubeAdapter(GoogleAdapter):
    platform = "youtube"
    # YouTube has no idempotency key: a resend may make a second video. Lost replies are found by title.

    def validate(self, variant: Variant, account: SocialAccount | None = None) -> list[Problem]:
        """What YouTube would refuse in this variant: exactly one video, and its title, description and tags."""
        assets = [a.asset for a in variant.attachments.select_related("asset")]
        videos = sum(asset.kind == asset.Kind.VIDEO for asset in assets)
        title, description = title_and_description(variant)
        found = [
            (videos != 1 or len(assets) != 1, "media", "media_count", _("YouTube takes exactly one video and nothing else.")),
            (not title.strip(), "text", "title_required", _("The first line is the video's title: write one.")),
            (len(title) > TITLE_MAX_CHARS, "text", "title_length",
             _("YouTube titles take at most %(limit)s characters; this one has %(count)s.") % {"limit": TITLE_MAX_CHARS, "count": len(title)}),
            (len(description.encode()) > DESCRIPTION_MAX_BYTES, "text", "description_length",
             _("YouTube descriptions take at most %(limit)s bytes; this one has %(count)s.") % {"limit": DESCRIPTION_MAX_BYTES, "count": len(description.encode())}),
            (bool(set(REFUSED_CHARACTERS) & set(title + description)), "text", "refused_characters",
             _("YouTube refuses < and > in titles and descriptions.")),
            (tags_length(tags_for(variant)) > TAGS_MAX_CHARS, "hashtags", "tags_length",
             _("YouTube takes at most %(limit)s characters of tags; the campaign's hashtags make %(count)s.") % {"limit": TAGS_MAX_CHARS, "count": tags_length(tags_for(variant))}),
        ]  # fmt: skip
        return [Problem(field, rule, message, ERROR, variant.pk) for refused, field, rule, message in found if refused]

    def publish(self, publication: Publication) -> Published:
        variant, account = publication.variant, publication.account
        if problems := self.validate(variant):
            raise Permanent("YouTube would refuse this video: " + "; ".join(p.message for p in problems))
        metadata = video_metadata(variant)
        # https://developers.google.com/youtube/v3/docs/videos/insert: `part` names every part the body sets.
        parts = ",".join(part for part in ("snippet", "status", "localizations") if part in metadata)
        asset: MediaAsset = variant.attachments.select_related("asset").get().asset
        # YouTube ignores Idempotency-Key; the sandbox files the video under it, as for every platform.
        headers = {"Idempotency-Key": str(publication.idempotency_key)}
        try:
            with asset.file.open("rb") as file:
                video = self.upload_resumable(
                    account, f"upload/youtube/v3/videos?uploadType=resumable&part={parts}", metadata, file,
                    asset.file.size, asset.mime_type or "application/octet-stream", headers=headers,
                )  # fmt: skip
        except OSError as error:
            raise Permanent(f"the video {asset.title!r} cannot be read: {error}") from error
        return Published(remote_id=video["id"], url=watch_url(video["id"]), notes=_forced_private(video))

    def find_existing(self, publication: Publication) -> Published | None:
        """The channel's one video with this title uploaded since the first attempt; None if none or several."""
        if has_rival_in_doubt(publication):
            return None
        since, (title, _description) = first_attempt_at(publication), title_and_description(publication.variant)
        # https://developers.google.com/youtube/v3/docs/search/list: forMine with type=video, newest first.
        params = {"part": "snippet", "forMine": "true", "type": "video", "order": "date", "maxResults": SEARCH_PAGE}
        results = self._call(publication.account, "GET", "youtube/v3/search", params=params).json().get("items", [])
        found = [
            item["id"]["videoId"]
            for item in results
            # search.list answers titles HTML-escaped (issuetracker.google.com/issues/35185520): unescape first.
            if html.unescape(item["snippet"].get("title", "")) == title
            and (published := parse_datetime(item["snippet"].get("publishedAt", ""))) is not None
            and published >= since
        ]
        video_id = sole_unclaimed(publication, found)
        return Published(remote_id=video_id, url=watch_url(video_id)) if video_id else None

    def delete(self, publication: Publication) -> None:
        # https://developers.google.com/youtube/v3/docs/videos/delete: 204; a video already gone is done.
        try:
            self._call(publication.account, "DELETE", "youtube/v3/videos", params={"id": publication.remote_id})
        except Permanent as error:
            if error.status != 404:
                raise

    def fetch_metrics(self, publication: Publication) -> dict[str, int]:
        # https://developers.google.com/youtube/v3/docs/videos#statistics: counts as strings (uint64).
        params = {"part": "statistics", "id": publication.remote_id}
        items = self._call(publication.account, "GET", "youtube/v3/videos", params=params).json().get("items", [])
        if not items:
            raise Permanent(f"YouTube has no video {publication.remote_id}", status=404)
        return {name: int(value) for name, value in items[0].get("statistics", {}).items()}


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


def watch_url(video_id: str) -> str:
    return f"https://www.youtube.com/watch?v={video_id}"


def _forced_private(video: dict[str, Any]) -> tuple[str, ...]:
    # "All videos uploaded via the videos.insert endpoint from unverified API projects created after 28 July 2020
    # will be restricted to private viewing mode" (https://developers.google.com/youtube/v3/docs/videos/insert).
    if video.get("status", {}).get("privacyStatus") == "private":
        return (
            "YouTube made the video private: the planner's Google API project is not audited yet. "
            "Make it public in YouTube Studio, or have the project audited "
            "(https://support.google.com/youtube/contact/yt_api_form).",
        )
    return ()
