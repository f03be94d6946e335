"""Instagram, through the Graph API's content publishing (professional accounts).

developers.facebook.com/docs/instagram-platform/content-publishing: a container per image, made from
a public `image_url` Meta downloads, then `media_publish`; a carousel (up to 10) is a container per
item (`is_carousel_item`), then a CAROUSEL container naming them. The publishing quota is read from
`content_publishing_limit`. The API cannot delete a post (platform-rules.md): corrections are new posts.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, ClassVar

from PIL import Image, UnidentifiedImageError

from campaigns.checks import ERROR, Problem
from publishing import media_urls
from publishing.adapters.base import Permanent
from publishing.adapters.graph import GraphAdapter
from publishing.platform_rules import rules_for

if TYPE_CHECKING:
    from campaigns.models import MediaAsset, Variant
    from publishing.models import Publication, SocialAccount

# developers.facebook.com/docs/instagram-platform/instagram-graph-api/reference/ig-user/media#image-specifications:
# JPEG only, aspect ratio 4:5 to 1.91:1, width 320 to 1440 px. Our signed address serves PNG and WebP
# converted, so those are accepted too.
CONVERTIBLE_TO_JPEG = ("image/jpeg", "image/jpg", "image/png", "image/webp")
ASPECT_MIN, ASPECT_MAX = 4 / 5, 1.91
WIDTH_MIN_PX, WIDTH_MAX_PX = 320, 1440
HASHTAG = re.compile(r"(?<![\w&])#\w+")


class InstagramAdapter(GraphAdapter):
    platform = "instagram"
    name = "Instagram"
    version = "v21.0"
    container_edge, publish_edge, limit_edge = "media", "media_publish", "content_publishing_limit"
    status_field, status_fields, text_field = "status_code", "status_code,status", "caption"
    refresh_grant = "ig_refresh_token"  # Instagram Login tokens; Facebook Login Page tokens do not expire
    # developers.facebook.com/docs/instagram-platform/reference/instagram-media/insights
    metrics: ClassVar[tuple[str, ...]] = ("reach", "likes", "comments", "shares", "saved")

    def validate(self, variant: Variant, account: SocialAccount | None = None) -> list[Problem]:
        """What Instagram would refuse in this variant, found before any request."""
        rules, caption = rules_for(self.platform), caption_text(variant)
        problems = []
        if (length := rules.count(caption)) > rules.text_limit:
            problems.append(
                _problem(
                    "text",
                    "length",
                    f"the caption has {length} characters; Instagram takes {rules.text_limit}",
                    variant,
                )
            )
        # The cap is configurable (PLATFORM_RULES = {"instagram": {"max_hashtags": 5}}): it is changing.
        if (
            rules.max_hashtags is not None
            and (tags := len(set(HASHTAG.findall(caption.casefold())))) > rules.max_hashtags
        ):
            problems.append(
                _problem("text", "hashtag_count", f"{tags} hashtags; Instagram takes {rules.max_hashtags}", variant)
            )
        assets = [a.asset for a in variant.attachments.select_related("asset")]
        if not 1 <= len(assets) <= rules.max_images:
            problems.append(
                _problem("media", "media_count", f"Instagram needs 1 to {rules.max_images} images", variant)
            )
        return problems + [p for asset in assets for p in _image_problems(asset, variant)]

    def create_container(self, publication: Publication) -> str:
        variant, account = publication.variant, publication.account
        attachments = [a.asset for a in variant.attachments.select_related("asset").order_by("position")]
        caption = caption_text(variant)
        if len(attachments) == 1:
            return self.container(account, _image(attachments[0], variant.language) | {"caption": caption})
        children = [
            self.container(account, _image(a, variant.language) | {"is_carousel_item": "true"}) for a in attachments
        ]
        for child in children:
            self.wait_until_finished(account, child)
        return self.container(account, {"media_type": "CAROUSEL", "children": ",".join(children), "caption": caption})

    def post_text(self, publication: Publication) -> str:
        return caption_text(publication.variant)

    def delete(self, publication: Publication) -> None:
        raise Permanent(
            "Instagram's API cannot delete a post; remove it in the Instagram app, or correct it with a new post"
        )


def caption_text(variant: Variant) -> str:
    """The caption: the variant's text, and its link on a line of its own (captions do not make links clickable)."""
    if variant.link and variant.link not in variant.text:
        return f"{variant.text.rstrip()}\n\n{variant.link}"
    return variant.text


def _image(asset: MediaAsset, language: str) -> dict[str, str]:
    # alt_text: "for image posts" (ig-user/media reference, since 2025); Meta fetches image_url itself.
    fields = {"image_url": media_urls.signed_url(asset, as_jpeg=True)}  # a PNG or WebP is served as a JPEG
    return fields | ({"alt_text": alt} if (alt := asset.alt_text.get(language, "")) else {})


def _image_problems(asset: MediaAsset, variant: Variant) -> list[Problem]:
    if asset.kind != asset.Kind.IMAGE:
        return [
            _problem(
                "media", "media_kind", f"{asset.title!r}: only still images are supported on Instagram yet", variant
            )
        ]
    if (asset.mime_type or "").lower() not in CONVERTIBLE_TO_JPEG:
        message = f"{asset.title!r} is {asset.mime_type}: Instagram takes JPEG (PNG and WebP are sent as JPEG)"
        return [_problem("media", "file_type", message, variant)]
    width, height = asset.width, asset.height
    if not width or not height:
        try:
            with asset.file.open("rb") as file, Image.open(file) as image:
                width, height = image.size
        except (OSError, UnidentifiedImageError):
            return [_problem("media", "file", f"{asset.title!r} cannot be read", variant)]
    problems = []
    if not ASPECT_MIN <= width / height <= ASPECT_MAX:
        problems.append(
            _problem(
                "media", "aspect_ratio", f"{asset.title!r} is {width}×{height}: Instagram takes 4:5 to 1.91:1", variant
            )
        )
    if not WIDTH_MIN_PX <= width <= WIDTH_MAX_PX:
        problems.append(
            _problem("media", "width", f"{asset.title!r} is {width} px wide: Instagram takes 320 to 1440", variant)
        )
    return problems


def _problem(field: str, rule: str, message: str, variant: Variant) -> Problem:
    return Problem(field, rule, message, ERROR, variant.pk)
