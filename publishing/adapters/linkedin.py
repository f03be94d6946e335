"""LinkedIn (Posts API, versioned REST): images or a video uploaded first (linkedin_media.py), then one post.

https://learn.microsoft.com/en-us/linkedin/marketing/community-management/shares/posts-api: every call carries
`LinkedIn-Version` (YYYYMM) and `X-Restli-Protocol-Version: 2.0.0`; the post's URN comes back in `x-restli-id`.
Credentials: `access_token`, `refresh_token` (for apps LinkedIn allows programmatic refresh), `client_id`,
`client_secret`, and `author`, the URN posted as (`urn:li:organization:…` for a page, `urn:li:person:…`);
`token_uri` where the token endpoint is not LinkedIn's (the sandbox). The API base URL is `https://api.linkedin.com/`.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

import httpx
from django.conf import settings
from django.utils.translation import gettext as _

from campaigns.checks import ERROR, Problem
from publishing.adapters import linkedin_social
from publishing.adapters.base import (
    Adapter,
    AuthFailed,
    Connection,
    Permanent,
    Published,
    TokenInvalid,
    Transient,
    UnknownOutcome,
    attached_assets,
    first_attempt_at,
    has_rival_in_doubt,
    seconds_until_midnight,
    sole_unclaimed,
)
from publishing.adapters.linkedin_media import upload_image, upload_video, video_refusals
from publishing.adapters.shapes import MB, ImageShape
from publishing.platform_rules import rules_for

if TYPE_CHECKING:
    from campaigns.models import Variant
    from publishing.models import Publication, SocialAccount

# https://learn.microsoft.com/en-us/linkedin/shared/authentication/programmatic-refresh-tokens (a form).
LINKEDIN_TOKEN_URL = "https://www.linkedin.com/oauth/v2/accessToken"  # noqa: S105 (an address, not a secret)
# A version is served for at least a year (…/marketing/versioning); override with PLANNER_LINKEDIN_VERSION.
LINKEDIN_VERSION = "202510"
# "little" text format: these characters are markup unless escaped with a backslash
# (https://learn.microsoft.com/en-us/linkedin/marketing/community-management/shares/little-text-format).
LITTLE_TEXT = re.compile(r"(?<![\w#])#(\w+)|([\\|{}@\[\]()<>*_~#])")
RESERVED = re.compile(r"([\\|{}@\[\]()<>*_~#])")
POSTS_PAGE = 20


class LinkedInAdapter(Adapter):
    platform = "linkedin"
    # Images API: JPG, PNG, GIF (~5 MB); 1.91:1 and square in the feed (~).
    image_shapes = (
        ImageShape("landscape", 1200, 627, ("JPEG", "PNG"), 5 * MB),
        ImageShape("square", 1200, 1200, ("JPEG", "PNG"), 5 * MB),
        ImageShape("gif", 4096, 4096, ("GIF",), 5 * MB, crop=False, animated=True),
    )
    # The Posts API has no idempotency key: a lost reply is looked for among the author's recent posts.
    metric_names = linkedin_social.METRIC_NAMES
    # A post cannot answer another (a comment is no post): a correction is a new post. Deleting:
    # learn.microsoft.com/en-us/linkedin/marketing/community-management/shares/posts-api#delete-posts
    supports_delete = True

    def validate(self, variant: Variant, account: SocialAccount | None = None) -> list[Problem]:
        """What LinkedIn would refuse here: 3,000 characters; several images, or one video alone."""
        rules, assets = rules_for(self.platform), attached_assets(variant)
        problems = video_refusals(variant, assets)
        if (length := len(variant.text)) > rules.text_limit:
            message = _("LinkedIn takes at most %(limit)s characters; this post has %(count)s.")
            problems.append(Problem("text", "length", message % {"limit": rules.text_limit, "count": length}, ERROR))
        videos = sum(asset.kind == asset.Kind.VIDEO for asset in assets)
        if videos and len(assets) > 1:
            message = _("LinkedIn takes one video alone, or images: not both, nor several videos.")
            problems.append(Problem("media", "media_mixed", message, ERROR))
        problems += linkedin_social.comment_problems(variant)
        if len(assets) > rules.max_images:
            message = _("LinkedIn takes at most %(limit)s images; this post has %(count)s.")
            problems.append(
                Problem("media", "media_count", message % {"limit": rules.max_images, "count": len(assets)}, ERROR)
            )
        return [Problem(p.field, p.rule, p.message, p.severity, variant.pk) for p in problems]

    def publish(self, publication: Publication) -> Published:
        variant, account = publication.variant, publication.account
        if problems := self.validate(variant):
            raise Permanent("LinkedIn would refuse this post: " + "; ".join(p.message for p in problems))
        assets = attached_assets(variant)
        body: dict[str, Any] = {
            "author": _author(account), "commentary": commentary(variant), "visibility": "PUBLIC",
            "distribution": {"feedDistribution": "MAIN_FEED", "targetEntities": [], "thirdPartyDistributionChannels": []},
            "lifecycleState": "PUBLISHED", "isReshareDisabledByAuthor": False,
        }  # fmt: skip
        if videos := [asset for asset in assets if asset.kind == asset.Kind.VIDEO]:
            # .../shares/videos-api: a post's media is one video, titled.
            body["content"] = {
                "media": {"id": upload_video(self, account, _author(account), videos[0]), "title": videos[0].title}
            }
        elif images := [{"id": upload_image(self, account, _author(account), asset), "altText": asset.alt_text.get(variant.language, "")}
                        for asset in assets]:  # fmt: skip
            # .../shares/multiimage-post-api for two images or more.
            body["content"] = {"media": images[0]} if len(images) == 1 else {"multiImage": {"images": images}}
        # LinkedIn ignores Idempotency-Key; the sandbox files the post under it, as for every platform.
        headers = {"Idempotency-Key": str(publication.idempotency_key)}
        urn = self._call(account, "POST", "rest/posts", json=body, headers=headers).headers.get("x-restli-id", "")
        if not urn:
            raise UnknownOutcome("LinkedIn accepted the post without saying its URN (x-restli-id)")
        published = Published(remote_id=urn, url=post_url(urn))
        if variant.first_comment.strip():
            return linkedin_social.post_first_comment(self, publication, published, _author(account))
        return published

    def find_existing(self, publication: Publication) -> Published | None:
        """The author's one post with this commentary made since the first attempt; None if none or several."""
        if has_rival_in_doubt(publication):
            return None
        since_ms = first_attempt_at(publication).timestamp() * 1000
        # .../posts-api#find-posts-by-authors
        params = {"q": "author", "author": _author(publication.account), "count": POSTS_PAGE, "sortBy": "CREATED"}
        posts = self._call(publication.account, "GET", "rest/posts", params=params).json().get("elements", [])
        text = commentary(publication.variant)
        urn = sole_unclaimed(
            publication, [p["id"] for p in posts if p.get("commentary") == text and p.get("createdAt", 0) >= since_ms]
        )
        return Published(remote_id=urn, url=post_url(urn)) if urn else None

    def delete(self, publication: Publication) -> None:
        # .../posts-api#delete-posts: the URN URL-encoded in the path, X-RestLi-Method DELETE; 204.
        path = f"rest/posts/{quote(publication.remote_id, safe='')}"
        self._call(publication.account, "DELETE", path, headers={"X-RestLi-Method": "DELETE"})

    def fetch_metrics(self, publication: Publication) -> dict[str, int]:
        return linkedin_social.post_metrics(self, publication, _author(publication.account))

    def complete_connection(self, connection: Connection) -> Connection:
        """The member who authorized the app, as the account and the author it posts as."""
        return linkedin_social.member_connection(self, connection)

    def check(self, response: httpx.Response) -> httpx.Response:
        status = response.status_code
        if status < 400:
            return response
        message = _error_message(response)
        if status == 401:
            # serviceErrorCode 65600 invalid, 65601 revoked, 65602 expired: a refresh may fix the first and last.
            raise TokenInvalid(f"LinkedIn refused the access token (401): {message}", status=401)
        if status == 403:
            raise AuthFailed(f"LinkedIn refused the account's permissions (403): {message}", status=403)
        if status == 429:
            # .../shared/api-guide/concepts/rate-limits: daily limits, reset at midnight UTC.
            wait_s = seconds_until_midnight(dt.UTC)
            raise Transient(f"LinkedIn rate limit (429): {message}", status=429, retry_after_s=wait_s)
        if 400 <= status < 500:
            raise Permanent(f"LinkedIn refused the request ({status}): {message}", status=status)
        return super().check(response)

    def _call(self, account: SocialAccount, method: str, path: str, **kwargs: Any) -> httpx.Response:
        url = path if path.startswith(("https://", "http://")) else f"{account.api_base_url.rstrip('/')}/{path}"
        version = getattr(settings, "PLANNER_LINKEDIN_VERSION", LINKEDIN_VERSION)
        headers = {"LinkedIn-Version": version, "X-Restli-Protocol-Version": "2.0.0", **kwargs.pop("headers", {})}
        token_url = account.credentials.get("token_uri") or LINKEDIN_TOKEN_URL
        return self.authorized_request(account, method, url, token_url=token_url, headers=headers, **kwargs)


def commentary(variant: Variant) -> str:
    """The post's text in LinkedIn's little text format: markup escaped, hashtags as hashtag templates."""
    text = (
        variant.text
        if not variant.link or variant.link in variant.text
        else f"{variant.text.rstrip()}\n\n{variant.link}"
    )
    return LITTLE_TEXT.sub(
        lambda m: "{hashtag|\\#|" + RESERVED.sub(r"\\\1", m.group(1)) + "}" if m.group(1) else "\\" + m.group(2), text
    )


def post_url(urn: str) -> str:
    return f"https://www.linkedin.com/feed/update/{urn}/"


def _author(account: SocialAccount) -> str:
    if not (author := account.credentials.get("author")):
        raise AuthFailed(
            "the LinkedIn account has no author URN (urn:li:organization:… or urn:li:person:…): reconnect it"
        )
    return author


def _error_message(response: httpx.Response) -> str:
    # {"status": 422, "serviceErrorCode": 100, "code": "…", "message": "…"} (…/shared/api-guide/concepts/error-handling)
    try:
        body = response.json()
    except ValueError:
        return response.text[:300]
    if isinstance(body, dict) and "message" in body:
        return f"{body.get('serviceErrorCode', '')} {body.get('code', '')} {body['message']}".strip()[:300]
    return response.text[:300]
