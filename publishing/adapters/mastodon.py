"""Mastodon, through its REST API (https://docs.joinmastodon.org/methods/).

Each image is uploaded first with its alt text, then the status is posted with the publication's
Idempotency-Key; a first comment follows as a reply. The server's limits are read from
GET /api/v2/instance and cached per account. Mastodon cannot look a status up by idempotency key, so
a lost reply is reconciled by reading the account's recent statuses.
"""

from __future__ import annotations

import datetime as dt
import html
import logging
import re
import time
from dataclasses import dataclass
from pathlib import PurePath
from typing import TYPE_CHECKING, Any, ClassVar

import httpx
from django.core.cache import cache
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from campaigns.checks import ERROR, Problem
from publishing.adapters.base import (
    RETRY_AFTER_MAX_S,
    Adapter,
    Permanent,
    Published,
    PublishError,
    TokenInvalid,
    Transient,
    UnknownOutcome,
    has_rival_in_doubt,
    oauth_error,
    retry_after,
)
from publishing.platform_rules import count_mastodon, rules_for

if TYPE_CHECKING:
    from campaigns.models import MediaAsset, Variant
    from publishing.models import Publication, SocialAccount

logger = logging.getLogger(__name__)

# Servers change their limits rarely; an editor's session sees at most one stale figure.
LIMITS_CACHE_TTL_S = 6 * 3600
# Mastodon's own default (app/models/media_attachment.rb IMAGE_LIMIT), used when the server cannot be asked.
DEFAULT_IMAGE_SIZE_LIMIT = 16 * 1024 * 1024
# Video and large media are processed after the upload answered; images are ready at once.
MEDIA_POLL_INTERVAL_S = 0.25
MEDIA_POLL_TIMEOUT_S = 10.0
STATUSES_PAGE = 40  # the most GET /api/v1/accounts/:id/statuses returns at once
STATUSES_PAGES_MAX = 10
# The server's clock against ours, when comparing a status's created_at with our first attempt.
CLOCK_SKEW = dt.timedelta(seconds=5)


@dataclass(frozen=True)
class ServerLimits:
    max_characters: int
    characters_reserved_per_url: int
    max_media_attachments: int
    image_size_limit: int


class MastodonAdapter(Adapter):
    platform = "mastodon"
    # "Idempotency keys are stored for up to 1 hour."
    # https://docs.joinmastodon.org/methods/statuses/#create (header Idempotency-Key)
    idempotency_window = dt.timedelta(hours=1)
    # The token endpoint's parameters are documented as a JSON body: https://docs.joinmastodon.org/methods/oauth/#token
    refresh_sends_json: ClassVar[bool] = True

    def publish(self, publication: Publication) -> Published:
        variant, account = publication.variant, publication.account
        attachments = variant.attachments.select_related("asset").order_by("position")
        body: dict[str, Any] = {"status": status_text(variant), "language": variant.language, "visibility": "public"}
        if media_ids := [self._upload(account, a.asset, variant.language) for a in attachments]:
            body["media_ids"] = media_ids
        headers = {"Idempotency-Key": str(publication.idempotency_key)}
        status = self._call(account, "POST", "api/v1/statuses", json=body, headers=headers).json()
        published = Published(remote_id=str(status["id"]), url=status.get("url") or status.get("uri", ""))
        if variant.first_comment.strip():
            return self._reply(publication, published)
        return published

    def find_existing(self, publication: Publication) -> Published | None:
        if has_rival_in_doubt(publication):
            return None
        # No lookup by idempotency key exists: the status is the account's one with the variant's text,
        # posted since the first attempt. https://docs.joinmastodon.org/methods/accounts/#statuses
        from publishing.models import Publication

        account, variant = publication.account, publication.variant
        first = publication.attempt_log.order_by("number").values_list("started_at", flat=True).first()
        since = (first or publication.created_at) - CLOCK_SKEW
        me = self._call(account, "GET", "api/v1/accounts/verify_credentials").json()
        text, media_count = _normalised(status_text(variant)), variant.attachments.count()
        found = [
            status
            for status in self._statuses_since(account, str(me["id"]), since)
            if status.get("in_reply_to_id") is None
            and len(status.get("media_attachments") or []) == media_count
            and _normalised(plain_text(status.get("content", ""))) == text
        ]
        # A status another publication of the account recorded as its own is not this one's.
        others = Publication.objects.filter(account=account, remote_id__in=[s["id"] for s in found])
        claimed = set(others.exclude(pk=publication.pk).values_list("remote_id", flat=True))
        mine = [status for status in found if status["id"] not in claimed]
        if len(mine) > 1:
            # Same text posted more than once since: which one is ours cannot be told. Within the key's
            # hour the engine may resend under the same key, and Mastodon answers with the one it made.
            logger.warning("publication %s: %d statuses could be its post; none chosen", publication.pk, len(mine))
        if len(mine) != 1:
            return None
        return Published(remote_id=str(mine[0]["id"]), url=mine[0].get("url") or mine[0].get("uri", ""))

    def delete(self, publication: Publication) -> None:
        # https://docs.joinmastodon.org/methods/statuses/#delete
        self._call(publication.account, "DELETE", f"api/v1/statuses/{publication.remote_id}")

    def fetch_metrics(self, publication: Publication) -> dict[str, int]:
        # https://docs.joinmastodon.org/entities/Status/#replies_count (and reblogs_count, favourites_count)
        status = self._call(publication.account, "GET", f"api/v1/statuses/{publication.remote_id}").json()
        return {name: int(status.get(f"{name}_count") or 0) for name in ("replies", "reblogs", "favourites")}

    def limits(self, account: SocialAccount | None) -> ServerLimits:
        """The account's server's limits, cached; the documented defaults when it cannot be asked."""
        if account is None:
            return default_limits()
        key = f"mastodon:limits:{account.pk}:{account.api_base_url}"
        if (cached := cache.get(key)) is not None:
            return cached
        try:
            # https://docs.joinmastodon.org/entities/Instance/#configuration
            config = self._call(account, "GET", "api/v2/instance").json()["configuration"]
            statuses, media = config["statuses"], config["media_attachments"]
            limits = ServerLimits(
                max_characters=int(statuses["max_characters"]),
                characters_reserved_per_url=int(statuses["characters_reserved_per_url"]),
                max_media_attachments=int(statuses["max_media_attachments"]),
                image_size_limit=int(media["image_size_limit"]),
            )
        except (PublishError, ValueError, KeyError, TypeError) as error:
            logger.warning("Mastodon limits of account %s not readable, using defaults: %s", account.pk, error)
            return default_limits()
        cache.set(key, limits, LIMITS_CACHE_TTL_S)
        return limits

    def validate(self, variant: Variant, account: SocialAccount | None = None) -> list[Problem]:
        """What the account's server would refuse in this variant, counted as the server counts."""
        limits = self.limits(account)
        problems = []
        if (length := count_mastodon(status_text(variant), limits.characters_reserved_per_url)) > limits.max_characters:
            message = _("Mastodon takes at most %(limit)s characters on this server; this post has %(count)s.")
            problems.append(
                Problem("text", "length", message % {"limit": limits.max_characters, "count": length}, ERROR)
            )
        assets = [a.asset for a in variant.attachments.select_related("asset")]
        if len(assets) > limits.max_media_attachments:
            message = _("Mastodon takes at most %(limit)s attachments on this server; this post has %(count)s.")
            numbers = {"limit": limits.max_media_attachments, "count": len(assets)}
            problems.append(Problem("media", "media_count", message % numbers, ERROR))
        for asset in assets:
            if asset.kind != "video" and asset.size_bytes > limits.image_size_limit:
                message = _("%(title)s is larger than this Mastodon server takes (%(limit)s bytes).")
                numbers = {"title": asset.title, "limit": limits.image_size_limit}
                problems.append(Problem("media", "file_size", message % numbers, ERROR))
        return problems

    def check(self, response: httpx.Response) -> httpx.Response:
        status = response.status_code
        # RFC 6750 §3, as Doorkeeper answers an expired or revoked token: a refresh may fix it.
        if status == 401 and oauth_error(response) == "invalid_token":
            raise TokenInvalid(f"Mastodon refused the access token (401): {_server_message(response)}", status=401)
        if status == 422:
            # https://docs.joinmastodon.org/methods/statuses/#422-unprocessable-entity: {"error": "Validation failed: …"}
            raise Permanent(f"Mastodon refused the post: {_server_message(response)}", status=422)
        if status == 429:
            # https://docs.joinmastodon.org/api/rate-limits/: X-RateLimit-Reset is an ISO 8601 time.
            wait_s = _rate_limit_reset(response)
            wait_s = retry_after(response) if wait_s is None else wait_s
            raise Transient(f"rate limited: {_server_message(response)}", status=429, retry_after_s=wait_s)
        return super().check(response)

    def _upload(self, account: SocialAccount, asset: MediaAsset, language: str) -> str:
        """Upload one file with its alt text in the variant's language; its id once the server has processed it."""
        try:
            with asset.file.open("rb") as file:
                content = file.read()
        except OSError as error:
            raise Permanent(f"the attached file {asset.title!r} cannot be read: {error}") from error
        files = {"file": (PurePath(asset.file.name).name, content, asset.mime_type or "application/octet-stream")}
        data = {"description": alt} if (alt := asset.alt_text.get(language, "")) else {}
        try:
            # https://docs.joinmastodon.org/methods/media/#v2
            response = self._call(account, "POST", "api/v2/media", files=files, data=data)
        except UnknownOutcome as error:
            # Nothing was posted yet: at worst the server keeps an upload no status uses. Safe to retry.
            raise Transient(f"the media upload got no answer: {error}", status=error.status) from error
        media = response.json()
        if response.status_code == 202 or not media.get("url"):
            self._wait_until_processed(account, str(media["id"]))
        return str(media["id"])

    def _wait_until_processed(self, account: SocialAccount, media_id: str) -> None:
        # 202: "url will be null while the media is still being processed"; GET answers 206 until it is
        # done. https://docs.joinmastodon.org/methods/media/#get
        deadline = time.monotonic() + MEDIA_POLL_TIMEOUT_S
        while time.monotonic() < deadline:
            response = self._call(account, "GET", f"api/v1/media/{media_id}")
            if response.status_code == 200 and response.json().get("url"):
                return
            time.sleep(MEDIA_POLL_INTERVAL_S)
        raise Transient(f"the server was still processing media {media_id} after {MEDIA_POLL_TIMEOUT_S:g} s")

    def _reply(self, publication: Publication, published: Published) -> Published:
        """Post the first comment as a reply; its failure is logged, never the publication's."""
        variant = publication.variant
        body = {
            "status": variant.first_comment, "in_reply_to_id": published.remote_id,
            "language": variant.language, "visibility": "public",
        }  # fmt: skip
        # A key of its own, so that a second run of this step cannot double the reply.
        headers = {"Idempotency-Key": f"{publication.idempotency_key}-first-comment"}
        try:
            self._call(publication.account, "POST", "api/v1/statuses", json=body, headers=headers)
        except PublishError as error:
            logger.warning("publication %s: the first comment was not posted: %s", publication.pk, error)
            return Published(published.remote_id, published.url, notes=(f"First comment not posted: {error}",))
        return published

    def _statuses_since(self, account: SocialAccount, account_id: str, since: dt.datetime) -> list[dict[str, Any]]:
        """The account's statuses created at or after `since`, newest first, a few pages at most."""
        found, params = [], {"limit": STATUSES_PAGE}
        for _page in range(STATUSES_PAGES_MAX):
            page = self._call(account, "GET", f"api/v1/accounts/{account_id}/statuses", params=params).json()
            for status in page:
                created = parse_datetime(status["created_at"])
                if created is None or created < since:
                    return found
                found.append(status)
            if len(page) < STATUSES_PAGE:
                break
            params = {"limit": STATUSES_PAGE, "max_id": page[-1]["id"]}
        return found

    def _call(self, account: SocialAccount, method: str, path: str, **kwargs: Any) -> httpx.Response:
        base = account.api_base_url.rstrip("/")
        return self.authorized_request(account, method, f"{base}/{path}", token_url=f"{base}/oauth/token", **kwargs)


def default_limits() -> ServerLimits:
    """platform-rules.md's defaults (and any settings override), for a server that cannot be asked."""
    rules = rules_for("mastodon")
    return ServerLimits(rules.text_limit, rules.url_length or 23, rules.max_media, DEFAULT_IMAGE_SIZE_LIMIT)


def status_text(variant: Variant) -> str:
    """The status as posted: the variant's text, and its link on a line of its own unless the text has it."""
    if variant.link and variant.link not in variant.text:
        return f"{variant.text.rstrip()}\n\n{variant.link}"
    return variant.text


def plain_text(content: str) -> str:
    """A status's HTML `content` as plain text: paragraphs and line breaks kept, tags dropped."""
    # https://docs.joinmastodon.org/entities/Status/#content: "HTML-encoded status content".
    text = re.sub(r"<br\s*/?>", "\n", content)
    text = re.sub(r"</p>\s*<p>", "\n\n", text)
    return html.unescape(re.sub(r"<[^>]+>", "", text))


def _normalised(text: str) -> str:
    return re.sub(r"\n{3,}", "\n\n", text.replace("\r\n", "\n")).strip()


def _server_message(response: httpx.Response) -> str:
    # https://docs.joinmastodon.org/entities/Error/: {"error": "…", "error_description"?: "…"}
    try:
        body = response.json()
    except ValueError:
        return response.text[:300]
    if isinstance(body, dict) and isinstance(body.get("error"), str):
        return body["error"][:300]
    return response.text[:300]


def _rate_limit_reset(response: httpx.Response) -> float | None:
    reset = parse_datetime(response.headers.get("X-RateLimit-Reset", "").strip())
    if reset is None:
        return None
    if timezone.is_naive(reset):
        reset = reset.replace(tzinfo=dt.UTC)
    return min(max((reset - timezone.now()).total_seconds(), 0.0), RETRY_AFTER_MAX_S)
