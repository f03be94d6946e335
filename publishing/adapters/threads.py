"""Threads, through its Graph API (graph.threads.net; developers.facebook.com/docs/threads/posts).

Text, one image or video, or a carousel (up to 20 items): a container per item from a public URL
Meta downloads, then `threads_publish`. Text is counted as Threads counts it: emoji as their UTF-8
byte length (publishing/platform_rules.py `count_threads`). The quota is read from
`threads_publishing_limit` (250 posts a day). Posts can be deleted (docs/threads/posts/delete-posts).
The first comment is a reply: a TEXT container naming `reply_to_id`, then `threads_publish`
(docs/threads/retrieve-and-manage-replies/create-replies). Connecting trades the short-lived token for a
60-day one (publishing/adapters/meta_connect.py).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from campaigns.checks import ERROR, Problem
from publishing import media_urls
from publishing.adapters import first_comment, meta_connect
from publishing.adapters.base import Connection, attached_assets
from publishing.adapters.graph import GraphAdapter
from publishing.adapters.shapes import MB, ImageShape
from publishing.adapters.video_limits import GB, MINUTE_MS, video_problems
from publishing.platform_rules import rules_for

if TYPE_CHECKING:
    from campaigns.models import MediaAsset, Variant
    from publishing.models import Publication, SocialAccount

# developers.facebook.com/docs/threads/overview#image-specifications: JPEG and PNG; video MP4 or MOV.
IMAGE_TYPES = ("image/jpeg", "image/jpg", "image/png")
VIDEO_TYPES = ("video/mp4", "video/quicktime")
# platform-rules.md, Threads row: video "~5 min, ~1 GB" (secondary sources only: unverified).
VIDEO_MAX_MS, VIDEO_MAX_BYTES = 5 * MINUTE_MS, 1 * GB


class ThreadsAdapter(GraphAdapter):
    platform = "threads"
    # JPEG, PNG, ~8 MB (Threads posts reference; sizes as Instagram's, ~).
    image_shapes = (
        ImageShape("square", 1080, 1080, ("JPEG", "PNG"), 8 * MB),
        ImageShape("portrait", 1080, 1350, ("JPEG", "PNG"), 8 * MB),
        ImageShape("landscape", 1080, 566, ("JPEG", "PNG"), 8 * MB),
    )
    name = "Threads"
    version = "v1.0"
    container_edge, publish_edge, limit_edge = "threads", "threads_publish", "threads_publishing_limit"
    status_field, status_fields, text_field = "status", "status,error_message", "text"
    refresh_grant = "th_refresh_token"  # docs/threads/get-started/long-lived-tokens
    # A post answers one of the account's own by `reply_to_id` on its container
    # (developers.facebook.com/docs/threads/retrieve-and-manage-replies/create-replies).
    supports_reply = True
    # DELETE /{threads-media-id} (developers.facebook.com/docs/threads/posts/delete-posts).
    supports_delete = True
    # developers.facebook.com/docs/threads/insights#media-insights
    metrics: ClassVar[tuple[str, ...]] = ("views", "likes", "replies", "reposts", "quotes", "shares")
    # Reposts and shares (sent on) both count as shares; quotes stay in the raw answer.
    metric_names = {
        "views": "impressions", "likes": "likes", "replies": "replies", "reposts": "shares", "shares": "shares"
    }  # fmt: skip

    def complete_connection(self, connection: Connection) -> Connection:
        return meta_connect.threads(self.client, connection, self.version)

    def validate(self, variant: Variant, account: SocialAccount | None = None) -> list[Problem]:
        """What Threads would refuse in this variant, counted as Threads counts, before any request."""
        rules, text = rules_for(self.platform), post_text(variant)
        problems = []
        if (length := rules.count(text)) > rules.text_limit:
            message = f"{length} characters (emoji count as their UTF-8 bytes); Threads takes {rules.text_limit}"
            problems.append(Problem("text", "length", message, ERROR, variant.pk))
        assets = attached_assets(variant)
        if len(assets) > rules.max_media:
            problems.append(
                Problem("media", "media_count", f"Threads takes at most {rules.max_media} items", ERROR, variant.pk)
            )
        if not text.strip() and not assets:
            problems.append(Problem("text", "empty", "a Threads post needs text or media", ERROR, variant.pk))
        problems += [
            Problem("media", "file_type", f"{a.title!r}: Threads takes JPEG, PNG, MP4 or MOV", ERROR, variant.pk)
            for a in assets
            if (a.mime_type or "").lower() not in IMAGE_TYPES + VIDEO_TYPES
        ]
        return problems + video_problems(
            variant, assets, "Threads", max_duration_ms=VIDEO_MAX_MS, max_bytes=VIDEO_MAX_BYTES
        )

    def create_container(self, publication: Publication) -> str:
        variant, account = publication.variant, publication.account
        assets = attached_assets(variant)
        # A correction answers the original's post: the post's own container names it, never a carousel's item.
        answered = self.answered_post(publication)
        text = {"text": post_text(variant)} | ({"reply_to_id": answered.remote_id} if answered else {})
        if not assets:
            return self.container(account, {"media_type": "TEXT"} | text)
        if len(assets) == 1:
            return self.container(account, _item(assets[0], variant.language) | text)
        children = [self.container(account, _item(a, variant.language) | {"is_carousel_item": "true"}) for a in assets]
        for child in children:
            self.wait_until_finished(account, child)
        return self.container(account, {"media_type": "CAROUSEL", "children": ",".join(children)} | text)

    def post_text(self, publication: Publication) -> str:
        return post_text(publication.variant)

    def comment(self, publication: Publication, media_id: str, text: str) -> None:
        account = publication.account
        reply = self.container(account, {"media_type": "TEXT", "text": text, "reply_to_id": media_id})
        self.wait_until_finished(account, reply)
        headers = {"Idempotency-Key": first_comment.key_of(publication)}
        self.edge(account, "POST", self.publish_edge, data={"creation_id": reply}, headers=headers)

    def delete(self, publication: Publication) -> None:
        # DELETE /{threads-media-id} (docs/threads/posts/delete-posts; the threads_delete permission).
        self.graph(publication.account, "DELETE", publication.remote_id)


def post_text(variant: Variant) -> str:
    """The post's text: the variant's, with its link on a line of its own unless the text has it."""
    if variant.link and variant.link not in variant.text:
        return f"{variant.text.rstrip()}\n\n{variant.link}"
    return variant.text


def _item(asset: MediaAsset, language: str) -> dict[str, str]:
    is_video = (asset.mime_type or "").lower() in VIDEO_TYPES
    url_field = "video_url" if is_video else "image_url"
    fields = {
        "media_type": "VIDEO" if is_video else "IMAGE",
        url_field: media_urls.signed_url(asset, platform="threads"),
    }
    # alt_text on image and video posts: docs/threads/posts#alt-text
    return fields | ({"alt_text": alt} if (alt := asset.alt_text.get(language, "")) else {})
