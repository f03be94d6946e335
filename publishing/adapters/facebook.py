"""Facebook Pages, through the Graph API (developers.facebook.com/docs/pages-api/posts).

Text and link: POST /{page-id}/feed. One photo: POST /{page-id}/photos with its public `url` (Meta
downloads it: publishing/media_urls.py) and the text as `caption`. Several photos (up to 10): each
uploaded unpublished, then one feed post naming them in `attached_media`
(developers.facebook.com/docs/graph-api/reference/page/photos#multi). One video: POST
/{page-id}/videos with `file_url`. Photos and video never mixed. A Page access token (credentials
`access_token`, and `page_id`, else "me": the Page itself) obtained from a long-lived user token does
not expire (developers.facebook.com/docs/facebook-login/guides/access-tokens/get-long-lived), so there
is nothing to refresh. No idempotency key: a lost reply is reconciled from the Page's published posts.
"""

from __future__ import annotations

import json
import logging
from typing import TYPE_CHECKING, Any

import httpx
from django.utils.dateparse import parse_datetime

from campaigns.checks import ERROR, Problem
from publishing import media_urls
from publishing.adapters import graph_api
from publishing.adapters.base import (
    Adapter,
    Permanent,
    Published,
    PublishError,
    Transient,
    UnknownOutcome,
    has_rival_in_doubt,
)
from publishing.adapters.graph import CLOCK_SKEW, RECENT_POSTS_LIMIT, normalised
from publishing.platform_rules import rules_for

if TYPE_CHECKING:
    from campaigns.models import MediaAsset, Variant
    from publishing.models import Publication, SocialAccount

logger = logging.getLogger(__name__)

# developers.facebook.com/docs/graph-api/reference/page/photos: JPEG, BMP, PNG, GIF, TIFF; "keep under 4 MB".
IMAGE_TYPES = ("image/jpeg", "image/png", "image/gif", "image/bmp", "image/tiff")
IMAGE_MAX_BYTES = 4 * 1024 * 1024
VIDEO_TYPES = ("video/mp4", "video/quicktime")
# developers.facebook.com/docs/graph-api/reference/insights#page-posts
METRICS = ("post_impressions", "post_clicks", "post_reactions_like_total")


class FacebookAdapter(Adapter):
    platform = "facebook"
    name = "Facebook"
    version = "v21.0"

    def validate(self, variant: Variant, account: SocialAccount | None = None) -> list[Problem]:
        """What the Page would refuse in this variant, found before any request."""
        rules, text = rules_for(self.platform), message(variant, with_link=False)
        assets = [a.asset for a in variant.attachments.select_related("asset")]
        videos = [a for a in assets if (a.mime_type or "").lower() in VIDEO_TYPES]
        problems = []
        if len(text) > rules.text_limit:
            problems.append(
                _problem("text", "length", f"{len(text)} characters; Facebook takes {rules.text_limit}", variant)
            )
        if videos and (len(videos) > 1 or len(assets) > 1):
            problems.append(_problem("media", "mixing", "a Facebook post has 1 video, or photos, never both", variant))
        if len(assets) > rules.max_images:
            problems.append(
                _problem("media", "media_count", f"Facebook takes at most {rules.max_images} photos", variant)
            )
        for asset in (a for a in assets if a not in videos):
            if (asset.mime_type or "").lower() not in IMAGE_TYPES:
                problems.append(_problem("media", "file_type", f"{asset.title!r}: not a type Facebook takes", variant))
            elif asset.size_bytes > IMAGE_MAX_BYTES:
                problems.append(_problem("media", "file_size", f"{asset.title!r} is over 4 MB", variant))
        return problems

    def publish(self, publication: Publication) -> Published:
        variant, account = publication.variant, publication.account
        if problems := self.validate(variant, account):
            raise Permanent("Facebook would refuse this post: " + "; ".join(p.message for p in problems))
        assets = [a.asset for a in variant.attachments.select_related("asset").order_by("position")]
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
        return Published(remote_id=str(post_id), url=self._permalink(account, str(post_id)))

    def find_existing(self, publication: Publication) -> Published | None:
        if has_rival_in_doubt(publication):
            return None
        # No lookup by key: the Page's own post with our text, made since the first attempt.
        from publishing.models import Publication

        account, variant = publication.account, publication.variant
        first = publication.attempt_log.order_by("number").values_list("started_at", flat=True).first()
        since = (first or publication.created_at) - CLOCK_SKEW
        params = {"fields": "id,message,created_time,permalink_url", "limit": RECENT_POSTS_LIMIT}
        recent = self._page(account, "GET", "published_posts", params=params).json().get("data", [])
        texts = {normalised(message(variant)), normalised(message(variant, with_link=False))}
        found = [
            post for post in recent
            if normalised(post.get("message") or "") in texts
            and (made := parse_datetime(post.get("created_time") or "")) is not None and made >= since
        ]  # fmt: skip
        others = Publication.objects.filter(account=account, remote_id__in=[p["id"] for p in found])
        claimed = set(others.exclude(pk=publication.pk).values_list("remote_id", flat=True))
        mine = [post for post in found if post["id"] not in claimed]
        if len(mine) != 1:
            return None  # none, or the same text twice since: which one is ours cannot be told
        return Published(remote_id=str(mine[0]["id"]), url=mine[0].get("permalink_url", ""))

    def delete(self, publication: Publication) -> None:
        # developers.facebook.com/docs/graph-api/reference/post#deleting
        self._graph(publication.account, "DELETE", publication.remote_id)

    def fetch_metrics(self, publication: Publication) -> dict[str, int]:
        params = {"metric": ",".join(METRICS)}
        data = self._graph(publication.account, "GET", f"{publication.remote_id}/insights", params=params).json()
        return {m["name"]: int((m.get("values") or [{}])[-1].get("value") or 0) for m in data.get("data", [])}

    def check(self, response: httpx.Response) -> httpx.Response:
        if response.status_code >= 400 and (error := graph_api.error_of(response)) is not None:
            graph_api.raise_for(self.name, response, error)
        return super().check(response)

    def _unpublished_photo(self, account: SocialAccount, asset: MediaAsset, language: str) -> str:
        try:
            fields = _photo(asset, language) | {"published": "false"}
            return str(self._page(account, "POST", "photos", data=fields).json()["id"])
        except UnknownOutcome as error:
            raise Transient(f"the photo upload got no answer: {error}") from error  # unpublished: shown nowhere

    def _permalink(self, account: SocialAccount, post_id: str) -> str:
        try:
            return (
                self._graph(account, "GET", post_id, params={"fields": "permalink_url"}).json().get("permalink_url", "")
            )
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
    fields = {"url": media_urls.signed_url(asset)}
    # alt_text_custom: Page photos' own alt text (Page.json, POST photos).
    return fields | ({"alt_text_custom": alt} if (alt := asset.alt_text.get(language, "")) else {})


def _problem(field: str, rule: str, text: str, variant: Variant) -> Problem:
    return Problem(field, rule, text, ERROR, variant.pk)
