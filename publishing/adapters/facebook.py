"""Facebook Pages, through the Graph API (developers.facebook.com/docs/pages-api/posts).

Text and link: POST /{page-id}/feed. One photo: POST /{page-id}/photos with its public `url` (Meta
downloads it: publishing/media_urls.py) and the text as `caption`. Several photos (up to 10): each
uploaded unpublished, then one feed post naming them in `attached_media`
(developers.facebook.com/docs/graph-api/reference/page/photos#multi). One video: POST
/{page-id}/videos with `file_url`. Photos and video never mixed. A Page access token (credentials
`access_token`, and `page_id`, else "me": the Page itself) obtained from a long-lived user token does
not expire (developers.facebook.com/docs/facebook-login/guides/access-tokens/get-long-lived), so there
is nothing to refresh (publishing/adapters/meta_connect.py gets it at connect time). No idempotency key: a
lost reply is reconciled from the Page's published posts. The first comment goes to POST
/{post-id}/comments (or /{video-id}/comments). Insights: a Page post's /insights, a video's /video_insights.
"""

from __future__ import annotations

import json
import logging
from typing import TYPE_CHECKING, Any

import httpx
from django.utils.dateparse import parse_datetime

from campaigns.checks import ERROR, Problem
from publishing import media_urls
from publishing.adapters import first_comment, graph_api, meta_connect
from publishing.adapters.base import (
    Adapter,
    Connection,
    Permanent,
    Published,
    PublishError,
    Transient,
    UnknownOutcome,
    attached_assets,
    first_attempt_at,
    has_rival_in_doubt,
    sole_unclaimed,
)
from publishing.adapters.graph import RECENT_POSTS_LIMIT, normalised
from publishing.adapters.shapes import MB, ImageShape
from publishing.adapters.video_limits import HOUR_MS, video_problems
from publishing.platform_rules import rules_for

if TYPE_CHECKING:
    from campaigns.models import MediaAsset, Variant
    from publishing.models import Publication, SocialAccount

logger = logging.getLogger(__name__)

# developers.facebook.com/docs/graph-api/reference/page/photos: JPEG, BMP, PNG, GIF, TIFF; "keep under 4 MB".
IMAGE_TYPES = ("image/jpeg", "image/png", "image/gif", "image/bmp", "image/tiff")
IMAGE_MAX_BYTES = 4 * 1024 * 1024
VIDEO_TYPES = ("video/mp4", "video/quicktime")
FEED_VIDEO_MAX_MS = 4 * HOUR_MS  # platform-rules.md, Facebook Page row: "feed video up to 4 h" (no size given)
# developers.facebook.com/docs/graph-api/reference/insights#page-posts; post_impressions went on 15 November 2025
# (developers.facebook.com/docs/platforminsights/page/deprecated-metrics names the replacement).
METRICS = {"post_total_media_view_unique": "impressions", "post_clicks": "clicks", "post_reactions_like_total": "likes"}
# developers.facebook.com/docs/video-api/guides/insights: a video's totals over every post of it.
VIDEO_METRICS = ("total_video_views", "total_video_views_unique", "total_video_avg_time_watched")


class FacebookAdapter(Adapter):
    platform = "facebook"
    # Page photos: JPEG, PNG, GIF; keep under 4 MB (Graph API photo reference). Sizes are Meta's feed advice (~).
    image_shapes = (
        ImageShape("landscape", 1200, 630, ("JPEG", "PNG"), 4 * MB),
        ImageShape("square", 1080, 1080, ("JPEG", "PNG"), 4 * MB),
        ImageShape("portrait", 1080, 1350, ("JPEG", "PNG"), 4 * MB),
        ImageShape("gif", 4096, 4096, ("GIF",), 4 * MB, crop=False, animated=True),
    )
    name = "Facebook"
    metric_names = METRICS | {"total_video_views": "video_views"}  # the average time watched is not a total
    version = "v21.0"
    # A Page post cannot answer another post (only a comment can, and a comment is no post of the feed): a
    # correction is a new post. Deleting: developers.facebook.com/docs/graph-api/reference/post#deleting
    supports_delete = True

    def complete_connection(self, connection: Connection) -> Connection:
        return meta_connect.facebook(self.client, connection, self.version)

    def validate(self, variant: Variant, account: SocialAccount | None = None) -> list[Problem]:
        """What the Page would refuse in this variant, found before any request."""
        rules, text = rules_for(self.platform), message(variant, with_link=False)
        assets = attached_assets(variant)
        videos = [a for a in assets if (a.mime_type or "").lower() in VIDEO_TYPES]
        found = []
        if len(text) > rules.text_limit:
            found.append(("text", "length", f"{len(text)} characters; Facebook takes {rules.text_limit}"))
        if videos and (len(videos) > 1 or len(assets) > 1):
            found.append(("media", "media_mixed", "a Facebook post has 1 video, or photos, never both"))
        if len(assets) > rules.max_images:
            found.append(("media", "media_count", f"Facebook takes at most {rules.max_images} photos"))
        for asset in (a for a in assets if a not in videos):
            if (asset.mime_type or "").lower() not in IMAGE_TYPES:
                found.append(("media", "file_type", f"{asset.title!r}: not a type Facebook takes"))
            elif asset.size_bytes > IMAGE_MAX_BYTES:
                found.append(("media", "file_size", f"{asset.title!r} is over 4 MB"))
        problems = [_problem(field, rule, text, variant) for field, rule, text in found]
        return problems + video_problems(variant, assets, "Facebook", max_duration_ms=FEED_VIDEO_MAX_MS)

    def publish(self, publication: Publication) -> Published:
        variant, account = publication.variant, publication.account
        if problems := self.validate(variant, account):
            raise Permanent("Facebook would refuse this post: " + "; ".join(p.message for p in problems))
        assets = attached_assets(variant)
        language, key = variant.language, {"Idempotency-Key": str(publication.idempotency_key)}
        if assets and (assets[0].mime_type or "").lower() in VIDEO_TYPES:
            fields = {"file_url": media_urls.signed_url(assets[0]), "description": message(variant)}
            post_id = self._page(account, "POST", "videos", data=fields, headers=key).json()["id"]
        elif len(assets) == 1:
            fields = _photo(assets[0], language) | {"caption": message(variant)}
            post_id = self._page(account, "POST", "photos", data=fields, headers=key).json()["post_id"]
        else:
            # A text post carries its link as `link` (Facebook draws its preview); photos have it in the text.
            fields = {"message": message(variant, with_link=bool(assets))}
            if assets:
                ids = [self._unpublished_photo(account, asset, language) for asset in assets]
                fields["attached_media"] = json.dumps([{"media_fbid": photo_id} for photo_id in ids])
            elif variant.link:
                fields["link"] = variant.link
            post_id = self._page(account, "POST", "feed", data=fields, headers=key).json()["id"]
        published = Published(remote_id=str(post_id), url=self._permalink(account, str(post_id)))
        return first_comment.post_first_comment(
            publication, published, lambda on, text: self._comment(account, on, text)
        )

    def find_existing(self, publication: Publication) -> Published | None:
        if has_rival_in_doubt(publication):
            return None
        # No lookup by key: the Page's own post with our text, made since the first attempt.
        account, variant, since = publication.account, publication.variant, first_attempt_at(publication)
        params = {"fields": "id,message,created_time,permalink_url", "limit": RECENT_POSTS_LIMIT}
        recent = self._page(account, "GET", "published_posts", params=params).json().get("data", [])
        texts = {normalised(message(variant)), normalised(message(variant, with_link=False))}
        found = {
            str(post["id"]): post for post in recent
            if normalised(post.get("message") or "") in texts
            and (made := parse_datetime(post.get("created_time") or "")) is not None and made >= since
        }  # fmt: skip
        if (mine := sole_unclaimed(publication, list(found))) is None:
            return None
        return first_comment.noted_if_unsure(publication, Published(mine, found[mine].get("permalink_url", "")))

    def delete(self, publication: Publication) -> None:
        # developers.facebook.com/docs/graph-api/reference/post#deleting
        self._graph(publication.account, "DELETE", publication.remote_id)

    def fetch_metrics(self, publication: Publication) -> dict[str, int]:
        # A Page post's id is "<page-id>_<post-id>"; a video's (what POST /videos answers) is bare.
        is_video = "_" not in publication.remote_id
        edge, metrics = ("video_insights", VIDEO_METRICS) if is_video else ("insights", METRICS)
        params = {"metric": ",".join(metrics)}
        data = self._graph(publication.account, "GET", f"{publication.remote_id}/{edge}", params=params).json()
        return graph_api.insight_counts(data)

    def check(self, response: httpx.Response) -> httpx.Response:
        if response.status_code >= 400 and (error := graph_api.error_of(response)) is not None:
            graph_api.raise_for(self.name, response, error)
        return super().check(response)

    def _comment(self, account: SocialAccount, post_id: str, text: str) -> None:
        # developers.facebook.com/docs/graph-api/reference/object/comments#publish
        self._graph(account, "POST", f"{post_id}/comments", data={"message": text})

    def _unpublished_photo(self, account: SocialAccount, asset: MediaAsset, language: str) -> str:
        try:
            fields = _photo(asset, language) | {"published": "false"}
            return str(self._page(account, "POST", "photos", data=fields).json()["id"])
        except UnknownOutcome as error:
            raise Transient(f"the photo upload got no answer: {error}") from error  # unpublished: shown nowhere

    def _permalink(self, account: SocialAccount, post_id: str) -> str:
        try:
            fields = {"fields": "permalink_url"}
            return self._graph(account, "GET", post_id, params=fields).json().get("permalink_url", "")
        except PublishError as error:  # the post is made; its address is only nice to have
            logger.warning("Facebook post %s: permalink not read: %s", post_id, error)
            return ""

    def _page(self, account: SocialAccount, method: str, edge: str, **kwargs: Any) -> httpx.Response:
        return self._graph(account, method, f"{account.credentials.get('page_id') or 'me'}/{edge}", **kwargs)

    def _graph(self, account: SocialAccount, method: str, path: str, **kwargs: Any) -> httpx.Response:
        url = f"{account.api_base_url.rstrip('/')}/{self.version}/{path}"
        return self.request(method, url, token=account.credentials.get("access_token", ""), **kwargs)


def message(variant: Variant, *, with_link: bool = True) -> str:
    """The post's text; the link on a line of its own where it is not sent as the feed post's `link`."""
    if with_link and variant.link and variant.link not in variant.text:
        return f"{variant.text.rstrip()}\n\n{variant.link}"
    return variant.text


def _photo(asset: MediaAsset, language: str) -> dict[str, str]:
    fields = {"url": media_urls.signed_url(asset, platform="facebook")}
    # alt_text_custom: Page photos' own alt text (Page.json, POST photos).
    return fields | ({"alt_text_custom": alt} if (alt := asset.alt_text.get(language, "")) else {})


def _problem(field: str, rule: str, text: str, variant: Variant) -> Problem:
    return Problem(field, rule, text, ERROR, variant.pk)
