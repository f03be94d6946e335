"""Mastodon, through its REST API (https://docs.joinmastodon.org/methods/).

Each image is uploaded first with its alt text (`mastodon_media.py`), then the status is posted with the
publication's Idempotency-Key; a first comment follows as a reply. The server's limits are read from
GET /api/v2/instance and cached per account (`mastodon_limits.py`). Mastodon cannot look a status up by
idempotency key, so a lost reply is reconciled by reading the account's recent statuses.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, ClassVar

import httpx
from django.utils.dateparse import parse_datetime

from publishing.adapters import mastodon_media
from publishing.adapters.base import (
    Adapter,
    Permanent,
    Published,
    PublishError,
    TokenInvalid,
    Transient,
    first_attempt_at,
    has_rival_in_doubt,
    oauth_error,
    retry_after,
    should_refresh,
    sole_unclaimed,
)
from publishing.adapters.mastodon_answers import (
    normalised,
    plain_text,
    rate_limit_reset_s,
    server_message,
    status_text,
)
from publishing.adapters.mastodon_limits import ServerLimits, default_limits, refusals, server_limits
from publishing.adapters.shapes import MB, STILLS, ImageShape

if TYPE_CHECKING:
    from campaigns.checks import Problem
    from campaigns.models import Variant
    from publishing.models import Publication, SocialAccount

logger = logging.getLogger(__name__)

STATUSES_PAGE = 40  # the most GET /api/v1/accounts/:id/statuses returns at once
STATUSES_PAGES_MAX = 10


class MastodonAdapter(Adapter):
    platform = "mastodon"
    # 16 MB images by default (app/models/media_attachment.rb); the server shrinks past 8.3 megapixels itself.
    # 2560 px is sharper than its apps show, and lets a camera's photo decode at half its size.
    image_shapes = (
        ImageShape("original", 2560, 2560, STILLS, 16 * MB, crop=False),
        ImageShape("gif", 4096, 4096, ("GIF",), 16 * MB, crop=False, animated=True),
    )
    # "Idempotency keys are stored for up to 1 hour."
    # https://docs.joinmastodon.org/methods/statuses/#create (header Idempotency-Key)
    idempotency_window = dt.timedelta(hours=1)
    # The token endpoint's parameters are documented as a JSON body: https://docs.joinmastodon.org/methods/oauth/#token
    refresh_sends_json: ClassVar[bool] = True
    # fetch_metrics' names (Status entity: replies_count, reblogs_count, favourites_count); no impressions or clicks.
    metric_names = {"replies": "replies", "reblogs": "shares", "favourites": "likes"}
    # A status answers another by `in_reply_to_id`: https://docs.joinmastodon.org/methods/statuses/#create
    supports_reply = True
    # DELETE /api/v1/statuses/:id: https://docs.joinmastodon.org/methods/statuses/#delete
    supports_delete = True

    # The status's body is built and its media uploaded before the instant: at the instant, only the POST is left.
    ready_calls_skip_database = True

    def publish(self, publication: Publication) -> Published:
        return self.ready(publication)()

    def ready(self, publication: Publication) -> Callable[[], Published]:
        variant, account = publication.variant, publication.account
        attachments = variant.attachments.select_related("asset").order_by("position")
        body: dict[str, Any] = {"status": status_text(variant), "language": variant.language, "visibility": "public"}
        if media_ids := [mastodon_media.upload(self, account, a.asset, variant.language) for a in attachments]:
            body["media_ids"] = media_ids
        if answered := self.answered_post(publication):
            body["in_reply_to_id"] = answered.remote_id  # a correction answers the original's status
        if should_refresh(account):
            self.refresh_access_token(account, f"{account.api_base_url.rstrip('/')}/oauth/token")
        headers = {"Idempotency-Key": str(publication.idempotency_key)}
        with_reply = bool(variant.first_comment.strip())

        def post() -> Published:
            status = self.call(account, "POST", "api/v1/statuses", json=body, headers=headers).json()
            published = Published(remote_id=str(status["id"]), url=status.get("url") or status.get("uri", ""))
            return self._reply(publication, published) if with_reply else published

        return post

    def warm_up_url(self, account: SocialAccount) -> str | None:
        # Public, without a token: https://docs.joinmastodon.org/methods/instance/#v2
        return f"{account.api_base_url.rstrip('/')}/api/v2/instance"

    def find_existing(self, publication: Publication) -> Published | None:
        if has_rival_in_doubt(publication):
            return None
        # No lookup by idempotency key exists: the status is the account's one with the variant's text,
        # posted since the first attempt. https://docs.joinmastodon.org/methods/accounts/#statuses
        account, variant = publication.account, publication.variant
        me = self.call(account, "GET", "api/v1/accounts/verify_credentials").json()
        text, media_count = normalised(status_text(variant)), variant.attachments.count()
        answered = self.answered_post(publication)
        in_reply_to = answered.remote_id if answered else None
        found = {
            str(status["id"]): status
            for status in self._statuses_since(account, str(me["id"]), first_attempt_at(publication))
            if status.get("in_reply_to_id") == in_reply_to
            and len(status.get("media_attachments") or []) == media_count
            and normalised(plain_text(status.get("content", ""))) == text
        }
        # Same text posted more than once since: which one is ours cannot be told. Within the key's hour
        # the engine may resend under the same key, and Mastodon answers with the one it made.
        if (mine := sole_unclaimed(publication, list(found))) is None:
            return None
        return Published(remote_id=mine, url=found[mine].get("url") or found[mine].get("uri", ""))

    def delete(self, publication: Publication) -> None:
        # https://docs.joinmastodon.org/methods/statuses/#delete
        self.call(publication.account, "DELETE", f"api/v1/statuses/{publication.remote_id}")

    def fetch_metrics(self, publication: Publication) -> dict[str, int]:
        # https://docs.joinmastodon.org/entities/Status/#replies_count (and reblogs_count, favourites_count)
        status = self.call(publication.account, "GET", f"api/v1/statuses/{publication.remote_id}").json()
        return {name: int(status.get(f"{name}_count") or 0) for name in ("replies", "reblogs", "favourites")}

    def limits(self, account: SocialAccount | None, *, ask: bool = True) -> ServerLimits:
        """The account's server's limits, cached; the documented defaults when it cannot (or may not) be asked."""
        if account is None:
            return default_limits()
        return server_limits(account, lambda path: self.call(account, "GET", path), ask=ask)

    def read_limits(self, account: SocialAccount) -> None:
        self.limits(account)

    def validate(self, variant: Variant, account: SocialAccount | None = None) -> list[Problem]:
        """What the account's server would refuse in this variant (its limits as last read), counted as it counts."""
        return refusals(variant, self.limits(account, ask=False))

    def check(self, response: httpx.Response) -> httpx.Response:
        status = response.status_code
        # RFC 6750 §3, as Doorkeeper answers an expired or revoked token: a refresh may fix it.
        if status == 401 and oauth_error(response) == "invalid_token":
            raise TokenInvalid(f"Mastodon refused the access token (401): {server_message(response)}", status=401)
        if status == 422:
            # https://docs.joinmastodon.org/methods/statuses/#422-unprocessable-entity: {"error": "Validation failed: …"}
            raise Permanent(f"Mastodon refused the post: {server_message(response)}", status=422)
        if status == 429:
            # https://docs.joinmastodon.org/api/rate-limits/: X-RateLimit-Reset is an ISO 8601 time.
            wait_s = rate_limit_reset_s(response)
            wait_s = retry_after(response) if wait_s is None else wait_s
            raise Transient(f"rate limited: {server_message(response)}", status=429, retry_after_s=wait_s)
        return super().check(response)

    def call(self, account: SocialAccount, method: str, path: str, **kwargs: Any) -> httpx.Response:
        """One request to the account's server with its token, refreshed at POST /oauth/token when due."""
        base = account.api_base_url.rstrip("/")
        return self.authorized_request(account, method, f"{base}/{path}", token_url=f"{base}/oauth/token", **kwargs)

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
            self.call(publication.account, "POST", "api/v1/statuses", json=body, headers=headers)
        except PublishError as error:
            logger.warning("publication %s: the first comment was not posted: %s", publication.pk, error)
            return Published(published.remote_id, published.url, notes=(f"First comment not posted: {error}",))
        return published

    def _statuses_since(self, account: SocialAccount, account_id: str, since: dt.datetime) -> list[dict[str, Any]]:
        """The account's statuses created at or after `since`, newest first, a few pages at most."""
        found, params = [], {"limit": STATUSES_PAGE}
        for _page in range(STATUSES_PAGES_MAX):
            page = self.call(account, "GET", f"api/v1/accounts/{account_id}/statuses", params=params).json()
            for status in page:
                created = parse_datetime(status["created_at"])
                if created is None or created < since:
                    return found
                found.append(status)
            if len(page) < STATUSES_PAGE:
                break
            params = {"limit": STATUSES_PAGE, "max_id": page[-1]["id"]}
        return found
