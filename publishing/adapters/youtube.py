"""YouTube (Data API v3): one video per post, uploaded resumably, then the variant's first comment under it.

The video's metadata comes from the variant (youtube_metadata.py: its text's first line is the title). The account's
`api_base_url` is the API's root (`https://www.googleapis.com/`); its credentials hold Google's `access_token`,
`refresh_token`, `client_id` and `client_secret`, the `channel_id` read back when it was connected, and `token_uri`
where the token endpoint is not Google's (the sandbox).
"""

from __future__ import annotations

import html
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from campaigns.checks import ERROR, WARNING, Problem
from publishing.adapters.base import (
    Connection,
    Permanent,
    Published,
    attached_assets,
    first_attempt_at,
    has_rival_in_doubt,
    sole_unclaimed,
)
from publishing.adapters.first_comment import comment_or_note
from publishing.adapters.google import GOOGLE_TOKEN_URL, GoogleAdapter
from publishing.adapters.shapes import JPEG, MB, ImageShape
from publishing.adapters.video_limits import GB, HOUR_MS, MINUTE_MS, video_problems, videos
from publishing.adapters.youtube_metadata import metadata_problems, title_and_description, video_metadata
from publishing.connect import providers

if TYPE_CHECKING:
    from campaigns.models import MediaAsset, Variant
    from publishing.models import Publication, SocialAccount

SEARCH_PAGE = 50  # search.list maxResults: at most 50
COMMENT_PAGE = 100  # commentThreads.list maxResults: at most 100; a retry comes within minutes of the first run
# platform-rules.md, YouTube row: "up to 12 h / 256 GB for verified channels, 15 min otherwise (~)".
VIDEO_MAX_MS, VIDEO_MAX_BYTES = 12 * HOUR_MS, 256 * GB
UNVERIFIED_MAX_MS = 15 * MINUTE_MS  # ~: the channel's verification is not known here, so only a warning


class YouTubeAdapter(GoogleAdapter):
    platform = "youtube"
    # A custom thumbnail: 1280 x 720, JPEG up to 2 MB (developers.google.com/youtube/v3/docs/thumbnails/set, ~).
    image_shapes = (ImageShape("thumbnail", 1280, 720, JPEG, 2 * MB),)
    # YouTube has no idempotency key: a resend may make a second video. Lost replies are found by title.
    # developers.google.com/youtube/v3/docs/videos#statistics; watch time is only in the Analytics API.
    metric_names = {"viewCount": "video_views", "likeCount": "likes", "commentCount": "replies"}
    # A video answers no other: a correction is a new upload. Deleting:
    # https://developers.google.com/youtube/v3/docs/videos/delete
    supports_delete = True

    def complete_connection(self, connection: Connection) -> Connection:
        """The channel the tokens are for: its title as the account's name, its handle (else its id) as the handle."""
        # https://developers.google.com/youtube/v3/docs/channels/list: mine=true is the token's own channel;
        # snippet.customUrl is the channel's handle, "@name" (support.google.com/youtube/answer/11585688).
        url = f"{connection.api_base_url.rstrip('/')}/youtube/v3/channels"
        token = connection.credentials.get("access_token", "")
        reply = self.request("GET", url, token=token, params={"part": "snippet", "mine": "true"})
        if not (channels := reply.json().get("items") or []):
            raise Permanent("this Google account has no YouTube channel: create one, then connect again")
        channel, credentials = channels[0], {**connection.credentials, "channel_id": channels[0]["id"]}
        if (found := providers.configured(self.platform)) and found[0].token_url != GOOGLE_TOKEN_URL:
            credentials["token_uri"] = found[0].token_url  # refresh where the code was exchanged (the sandbox)
        snippet = channel.get("snippet", {})
        handle, name = snippet.get("customUrl") or channel["id"], snippet.get("title", "")
        return replace(connection, handle=handle, display_name=name, credentials=credentials)

    def validate(self, variant: Variant, account: SocialAccount | None = None) -> list[Problem]:
        """What YouTube would refuse in this variant: exactly one video, and its title, description, tags, comment."""
        assets = attached_assets(variant)
        problems = metadata_problems(variant)
        if sum(asset.kind == asset.Kind.VIDEO for asset in assets) != 1 or len(assets) != 1:
            message = _("YouTube takes exactly one video and nothing else.")
            problems.insert(0, Problem("media", "media_count", message, ERROR, variant.pk))
        return problems + _video_problems(variant, assets)

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
        published = Published(remote_id=video["id"], url=watch_url(video["id"]), notes=_forced_private(video))
        return self._first_comment(publication, published) if variant.first_comment.strip() else published

    def _first_comment(self, publication: Publication, published: Published) -> Published:
        """The variant's first comment under the video, unless an earlier run posted it; a failure is a note."""
        account, text = publication.account, publication.variant.first_comment.strip()
        # https://developers.google.com/youtube/v3/docs/commentThreads/insert (scope youtube.force-ssl).
        thread = {"videoId": published.remote_id, "topLevelComment": {"snippet": {"textOriginal": text}}}
        return comment_or_note(
            publication, published, lambda: self._has_comment(account, published.remote_id, text),
            lambda: self._call(account, "POST", "youtube/v3/commentThreads", params={"part": "snippet"},
                               json={"snippet": thread}),
        )  # fmt: skip

    def _has_comment(self, account: SocialAccount, video_id: str, text: str) -> bool:
        """Whether the video's newest comments hold this text from the account's channel (any channel if unknown)."""
        # https://developers.google.com/youtube/v3/docs/commentThreads/list: videoId, newest first (order=time).
        params = {"part": "snippet", "videoId": video_id, "order": "time", "maxResults": COMMENT_PAGE,
                  "textFormat": "plainText"}  # fmt: skip
        threads = self._call(account, "GET", "youtube/v3/commentThreads", params=params).json().get("items", [])
        channel = account.credentials.get("channel_id")
        comments = [thread["snippet"]["topLevelComment"]["snippet"] for thread in threads]
        return any(
            comment.get("textOriginal") == text
            and (not channel or comment.get("authorChannelId", {}).get("value") == channel)
            for comment in comments
        )

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


def _video_problems(variant: Variant, assets: list[MediaAsset]) -> list[Problem]:
    """12 h and 256 GB refused; over 15 minutes a warning, since only verified channels take longer videos."""
    found = video_problems(variant, assets, "YouTube", max_duration_ms=VIDEO_MAX_MS, max_bytes=VIDEO_MAX_BYTES)
    for video in videos(assets):
        if video.duration_ms is not None and UNVERIFIED_MAX_MS < video.duration_ms <= VIDEO_MAX_MS:
            message = _("“%(title)s” lasts over 15 minutes: unverified YouTube channels are limited to 15 minutes.")
            found.append(Problem("media", "duration", message % {"title": video.title}, WARNING, variant.pk))
    return found
