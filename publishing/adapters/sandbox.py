"""The adapter for the project's sandbox platform dialect (publishing/sandbox/).

Every platform speaks this dialect until its own adapter (issue 5) speaks the platform's real
API. Attached files are uploaded first (as Mastodon's POST /api/v2/media, alt text as
`description`) and the post refers to them by id. The Idempotency-Key header (as Mastodon documents
for POST /api/v1/statuses) makes a retry of an accepted post return the same post instead of a
second one. An access token about to expire, or refused as `invalid_token`, is refreshed first.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import httpx

from publishing import media_urls
from publishing.adapters.base import (
    Adapter,
    Published,
    TokenInvalid,
    Transient,
    UnknownOutcome,
    oauth_error,
    should_refresh,
)

if TYPE_CHECKING:
    from campaigns.models import MediaAsset
    from publishing.models import Publication, SocialAccount


class SandboxAdapter(Adapter):
    platform = "sandbox"
    # The sandbox replays the first post for a repeated Idempotency-Key, however old (Mastodon: 1 hour).
    idempotency_window = dt.timedelta(days=7)
    # GET posts/<id>/metrics answers under our own names (publishing/sandbox/__init__.py).
    metric_names = {name: name for name in ("impressions", "likes", "shares", "replies", "clicks")}
    # POST posts takes `reply_to`; DELETE posts/<id> (publishing/sandbox/__init__.py).
    supports_reply = True
    supports_delete = True

    # The body is built and its media uploaded before a release's instant: at the instant, only the POST is left.
    ready_calls_skip_database = True

    def publish(self, publication: Publication) -> Published:
        return self.ready(publication)()

    def ready(self, publication: Publication) -> Callable[[], Published]:
        variant, account = publication.variant, publication.account
        attachments = variant.attachments.select_related("asset").order_by("position")
        body = {
            "text": variant.text,
            "link": variant.link,
            "media": [{"id": self._upload(account, a.asset, variant.language)} for a in attachments],
        }
        if answered := self.answered_post(publication):
            body["reply_to"] = answered.remote_id
        if should_refresh(account):
            self.refresh_access_token(account, _url(account.api_base_url, "oauth/token"))
        headers = {"Idempotency-Key": str(publication.idempotency_key)}

        def post() -> Published:
            data = self._call(account, "POST", "posts", json=body, headers=headers).json()
            return Published(remote_id=str(data["id"]), url=data.get("url", ""))

        return post

    def warm_up_url(self, account: SocialAccount) -> str | None:
        # Asked without a token: the 401 comes back at once, and the connection stays open.
        return _url(account.api_base_url, "posts")

    def find_existing(self, publication: Publication) -> Published | None:
        params = {"idempotency_key": str(publication.idempotency_key)}
        results = self._call(publication.account, "GET", "posts", params=params).json().get("results", [])
        return Published(remote_id=str(results[0]["id"]), url=results[0].get("url", "")) if results else None

    def delete(self, publication: Publication) -> None:
        self._call(publication.account, "DELETE", f"posts/{publication.remote_id}")

    def fetch_metrics(self, publication: Publication) -> dict[str, int]:
        return self._call(publication.account, "GET", f"posts/{publication.remote_id}/metrics").json()

    def check(self, response: httpx.Response) -> httpx.Response:
        # RFC 6750 §3: an expired or revoked token says `invalid_token`; a refresh may fix it.
        if response.status_code == 401 and oauth_error(response) == "invalid_token":
            raise TokenInvalid(f"the platform refused the access token (401): {response.text[:300]}", status=401)
        return super().check(response)

    def _upload(self, account: SocialAccount, asset: MediaAsset, language: str) -> str:
        """Upload one attached file with its alt text in the variant's language; the id to post it by."""
        files = {"file": media_urls.upload_part(asset, account.platform)}
        try:
            response = self._call(
                account, "POST", "media", files=files, data={"description": asset.alt_text.get(language, "")}
            )
        except UnknownOutcome as error:
            # Nothing was posted yet: at worst the platform keeps an upload no post uses. Safe to retry.
            raise Transient(f"the media upload got no answer: {error}", status=error.status) from error
        return str(response.json()["id"])

    def _call(self, account: SocialAccount, method: str, path: str, **kwargs: Any) -> httpx.Response:
        """One authenticated request: the token refreshed first if it expires soon, or once after `invalid_token`."""
        if should_refresh(account):
            self.refresh_access_token(account, _url(account.api_base_url, "oauth/token"))
        try:
            return self.request(method, _url(account.api_base_url, path), token=_token(account), **kwargs)
        except TokenInvalid:
            if not account.credentials.get("refresh_token"):
                raise
            self.refresh_access_token(account, _url(account.api_base_url, "oauth/token"))
            return self.request(method, _url(account.api_base_url, path), token=_token(account), **kwargs)


def _url(base: str, path: str) -> str:
    return base.rstrip("/") + "/" + path


def _token(account: SocialAccount) -> str:
    return account.credentials.get("access_token", "")
