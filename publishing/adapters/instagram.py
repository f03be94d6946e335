"""Instagram, through the Graph API's content publishing (professional accounts, Instagram Login).

developers.facebook.com/docs/instagram-platform/content-publishing: a container per item, made from a
public `image_url` or `video_url` Meta downloads, then `media_publish`; one video is a Reel, a carousel
(up to 10) is a container per item (`is_carousel_item`), then a CAROUSEL container naming them
(publishing/adapters/instagram_media.py). The publishing quota is read from `content_publishing_limit`.
The first comment goes to POST /{ig-media-id}/comments. The API cannot delete a post
(platform-rules.md): corrections are new posts. Connecting trades the short-lived token for a 60-day one.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, ClassVar

from campaigns.checks import ERROR, Problem
from publishing.adapters import instagram_media, meta_connect
from publishing.adapters.base import Connection, Permanent, attached_assets
from publishing.adapters.graph import GraphAdapter
from publishing.adapters.shapes import JPEG, MB, ImageShape
from publishing.platform_rules import rules_for

if TYPE_CHECKING:
    from campaigns.models import Variant
    from publishing.models import Publication, SocialAccount

HASHTAG = re.compile(r"(?<![\w&])#\w+")
# developers.facebook.com/docs/instagram-platform/reference/instagram-media/insights: `impressions` and `plays`
# are gone (v22.0); the watch times are the Reels' own, refused for a feed post.
FEED_METRICS = ("reach", "views", "likes", "comments", "shares", "saved")
REELS_METRICS = (*FEED_METRICS, "ig_reels_avg_watch_time", "ig_reels_video_view_total_time")


class InstagramAdapter(GraphAdapter):
    platform = "instagram"
    # JPEG only, up to 8 MB, 4:5 to 1.91:1, 320 to 1440 px wide (ig-user/media reference).
    image_shapes = (
        ImageShape("square", 1080, 1080, JPEG, 8 * MB),
        ImageShape("portrait", 1080, 1350, JPEG, 8 * MB),
        ImageShape("landscape", 1080, 566, JPEG, 8 * MB),
    )
    name = "Instagram"
    version = "v21.0"
    container_edge, publish_edge, limit_edge = "media", "media_publish", "content_publishing_limit"
    status_field, status_fields, text_field = "status_code", "status_code,status", "caption"
    refresh_grant = "ig_refresh_token"  # developers.facebook.com/docs/instagram-platform/reference/refresh_access_token
    metrics: ClassVar[tuple[str, ...]] = FEED_METRICS
    # `views` replaced `impressions` (v22.0); a Reel's total play time is in milliseconds (the insights reference).
    metric_names = {"views": "impressions", "likes": "likes", "comments": "replies", "shares": "shares",
                    "ig_reels_video_view_total_time": "watch_time_ms"}  # fmt: skip

    def complete_connection(self, connection: Connection) -> Connection:
        return meta_connect.instagram(self.client, connection, self.version)

    def validate(self, variant: Variant, account: SocialAccount | None = None) -> list[Problem]:
        """What Instagram would refuse in this variant, found before any request."""
        rules, caption = rules_for(self.platform), caption_text(variant)
        problems = []
        if (length := rules.count(caption)) > rules.text_limit:
            message = f"the caption has {length} characters; Instagram takes {rules.text_limit}"
            problems.append(Problem("text", "length", message, ERROR, variant.pk))
        # The cap is configurable (PLATFORM_RULES = {"instagram": {"max_hashtags": 5}}): it is changing.
        tags = len(set(HASHTAG.findall(caption.casefold())))
        if rules.max_hashtags is not None and tags > rules.max_hashtags:
            message = f"{tags} hashtags; Instagram takes {rules.max_hashtags}"
            problems.append(Problem("text", "hashtag_count", message, ERROR, variant.pk))
        assets = attached_assets(variant)
        if not 1 <= len(assets) <= rules.max_images:
            message = f"Instagram needs 1 to {rules.max_images} images or videos"
            problems.append(Problem("media", "media_count", message, ERROR, variant.pk))
        in_carousel = len(assets) > 1
        for asset in assets:
            problems += instagram_media.problems(asset, variant, self.image_shapes, in_carousel=in_carousel)
        return problems

    def create_container(self, publication: Publication) -> str:
        variant, account = publication.variant, publication.account
        assets = attached_assets(variant)
        caption, language = caption_text(variant), variant.language
        if len(assets) == 1:
            return self.container(account, instagram_media.container_fields(assets[0], language, in_carousel=False)
                                  | {"caption": caption})  # fmt: skip
        children = [
            self.container(account, instagram_media.container_fields(a, language, in_carousel=True)) for a in assets
        ]
        for child in children:
            self.wait_until_finished(account, child)
        return self.container(account, {"media_type": "CAROUSEL", "children": ",".join(children), "caption": caption})

    def post_text(self, publication: Publication) -> str:
        return caption_text(publication.variant)

    def comment(self, publication: Publication, media_id: str, text: str) -> None:
        # developers.facebook.com/docs/instagram-platform/instagram-graph-api/reference/ig-media/comments#creating
        self.graph(publication.account, "POST", f"{media_id}/comments", data={"message": text})

    def metrics_for(self, publication: Publication) -> tuple[str, ...]:
        fields = {"fields": "media_product_type"}
        media = self.graph(publication.account, "GET", publication.remote_id, params=fields).json()
        return REELS_METRICS if media.get("media_product_type") == "REELS" else FEED_METRICS

    # Instagram's Graph API has no delete for media, and a post cannot answer another: a correction is a new post
    # (developers.facebook.com/docs/instagram-platform/instagram-graph-api/reference/ig-media: no DELETE listed).
    supports_reply = False
    supports_delete = False

    def delete(self, publication: Publication) -> None:
        raise Permanent(
            "Instagram's API cannot delete a post; remove it in the Instagram app, or correct it with a new post"
        )


def caption_text(variant: Variant) -> str:
    """The caption: the variant's text, and its link on a line of its own (captions do not make links clickable)."""
    if variant.link and variant.link not in variant.text:
        return f"{variant.text.rstrip()}\n\n{variant.link}"
    return variant.text
