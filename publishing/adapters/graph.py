"""Meta's Graph API as Instagram and Threads share it: errors, long-lived tokens, and the container protocol.

A post is made in three steps (developers.facebook.com/docs/instagram-platform/content-publishing and
developers.facebook.com/docs/threads/posts): create a container from a public media URL (Meta
downloads the file itself: publishing/media_urls.py signs one per asset), poll the container until it
is FINISHED, then publish it. Neither platform has an idempotency key: the `Idempotency-Key` header is
sent anyway (Meta ignores an unknown header; the sandbox files the post under it), a lost reply is
reconciled by reading the account's recent posts, and a resend is never blind (`idempotency_window`
None). The account's `credentials`: `access_token` and, ideally, `user_id` (else "me").
"""

from __future__ import annotations

import logging
import re
import time
from typing import TYPE_CHECKING, Any, ClassVar

import httpx
from django.core.cache import cache
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from publishing.adapters import first_comment, graph_api
from publishing.adapters.base import (
    RETRY_AFTER_MAX_S,
    Adapter,
    AuthFailed,
    Permanent,
    Published,
    PublishError,
    Transient,
    UnknownOutcome,
    first_attempt_at,
    has_rival_in_doubt,
    sole_unclaimed,
)
from publishing.adapters.graph_api import Quota, user_id

if TYPE_CHECKING:
    from publishing.models import Publication, SocialAccount

logger = logging.getLogger(__name__)

# Images are ready within seconds; the poll must end well inside the engine's send lease (60 s).
CONTAINER_POLL_INTERVAL_S = 0.25
CONTAINER_WAIT_S = 20.0
QUOTA_CACHE_TTL_S = 60  # the usage moves with every post: read again soon, invalidated by our own posts
RECENT_POSTS_LIMIT = 50


class GraphAdapter(Adapter):
    """The container protocol; a platform names its edges and fields and builds its containers."""

    name: ClassVar[str]
    version: ClassVar[str]
    container_edge: ClassVar[str]
    publish_edge: ClassVar[str]
    limit_edge: ClassVar[str]
    status_field: ClassVar[str]
    status_fields: ClassVar[str]  # the status and what explains an ERROR
    text_field: ClassVar[str]
    refresh_grant: ClassVar[str]
    metrics: ClassVar[tuple[str, ...]]

    def create_container(self, publication: Publication) -> str:
        """The id of the container to publish (for a carousel: the carousel's, its items made first)."""
        raise NotImplementedError

    def post_text(self, publication: Publication) -> str:
        raise NotImplementedError

    def comment(self, publication: Publication, media_id: str, text: str) -> None:
        """Post `text` under the post `media_id` (the variant's first comment)."""
        raise NotImplementedError

    def metrics_for(self, publication: Publication) -> tuple[str, ...]:
        """The insights metrics valid for this publication's post."""
        return self.metrics

    def publish(self, publication: Publication) -> Published:
        account = publication.account
        if problems := self.validate(publication.variant, account):
            raise Permanent(f"{self.name} would refuse this post: " + "; ".join(p.message for p in problems))
        if (quota := self.publishing_limit(account)) and quota.used >= quota.total:
            used = f"{quota.used} of {quota.total} per {quota.duration_s} s"
            # A slot frees as the day's first post ages.
            raise Transient(f"{self.name}'s publishing limit is reached ({used})", retry_after_s=RETRY_AFTER_MAX_S)
        creation_id = self.create_container(publication)
        self.wait_until_finished(account, creation_id)
        headers = {"Idempotency-Key": str(publication.idempotency_key)}
        data = self.edge(account, "POST", self.publish_edge, data={"creation_id": creation_id}, headers=headers).json()
        cache.delete(self._quota_key(account))
        published = self.published(account, str(data["id"]))
        return first_comment.post_first_comment(
            publication, published, lambda media_id, text: self.comment(publication, media_id, text)
        )

    def published(self, account: SocialAccount, media_id: str) -> Published:
        try:
            permalink = self.graph(account, "GET", media_id, params={"fields": "permalink"}).json().get("permalink", "")
        except PublishError as error:  # the post is made; its address is only nice to have
            logger.warning("%s media %s: permalink not read: %s", self.name, media_id, error)
            permalink = ""
        return Published(remote_id=media_id, url=permalink)

    def container(self, account: SocialAccount, fields: dict[str, Any]) -> str:
        """Create one container; a lost reply is safe to retry (an unpublished container expires in 24 h)."""
        try:
            return str(self.edge(account, "POST", self.container_edge, data=fields).json()["id"])
        except UnknownOutcome as error:
            raise Transient(f"the container got no answer: {error}", status=error.status) from error

    def wait_until_finished(self, account: SocialAccount, creation_id: str) -> None:
        deadline = time.monotonic() + CONTAINER_WAIT_S
        fields = {"fields": self.status_fields}
        while True:
            try:
                data = self.graph(account, "GET", creation_id, params=fields).json()
            except UnknownOutcome as error:
                raise Transient(f"the container's status got no answer: {error}") from error
            state = str(data.get(self.status_field, ""))
            if state == "FINISHED":
                return
            if state == "ERROR":
                detail = data.get("error_message") or data.get("status") or state
                raise Permanent(f"{self.name} could not process the media (ERROR): {detail}")
            if state == "EXPIRED":  # not published within 24 hours: the next attempt makes a new container
                raise Transient(f"{self.name}'s container {creation_id} expired before it was published")
            if time.monotonic() >= deadline:
                raise Transient(
                    f"{self.name} was still processing container {creation_id} after {CONTAINER_WAIT_S:g} s"
                )
            time.sleep(CONTAINER_POLL_INTERVAL_S)

    def publishing_limit(self, account: SocialAccount) -> Quota | None:
        """The account's publishing quota and its use, read at run time and cached briefly; None if unreadable."""
        if (cached := cache.get(key := self._quota_key(account))) is not None:
            return cached
        params = {"fields": "quota_usage,config"}
        try:
            quota = Quota.read(self.edge(account, "GET", self.limit_edge, params=params).json())
        except AuthFailed:
            raise
        except (PublishError, ValueError, KeyError, IndexError, TypeError) as error:
            logger.warning("%s publishing limit of account %s not readable: %s", self.name, account.pk, error)
            return None  # the platform still refuses a post over its quota, and says so
        cache.set(key, quota, QUOTA_CACHE_TTL_S)
        return quota

    def find_existing(self, publication: Publication) -> Published | None:
        if has_rival_in_doubt(publication):
            return None
        # No lookup by key: the post is the account's one with our text, made since the first attempt.
        since = first_attempt_at(publication)
        params = {
            "fields": f"id,{self.text_field},timestamp,permalink",
            "since": int(since.timestamp()),
            "limit": RECENT_POSTS_LIMIT,
        }
        recent = self.edge(publication.account, "GET", self.container_edge, params=params).json().get("data", [])
        text = normalised(self.post_text(publication))
        found = {
            str(item["id"]): item for item in recent
            if normalised(item.get(self.text_field) or "") == text
            and (made := parse_datetime(item.get("timestamp") or "")) is not None and made >= since
        }  # fmt: skip
        if (mine := sole_unclaimed(publication, list(found))) is None:
            return None
        return first_comment.noted_if_unsure(publication, Published(mine, found[mine].get("permalink", "")))

    def fetch_metrics(self, publication: Publication) -> dict[str, int]:
        params = {"metric": ",".join(self.metrics_for(publication))}
        data = self.graph(publication.account, "GET", f"{publication.remote_id}/insights", params=params).json()
        return graph_api.insight_counts(data)

    def check(self, response: httpx.Response) -> httpx.Response:
        if response.status_code >= 400 and (error := graph_api.error_of(response)) is not None:
            graph_api.raise_for(self.name, response, error)
        return super().check(response)

    def graph(self, account: SocialAccount, method: str, path: str, **kwargs: Any) -> httpx.Response:
        """One Graph call with the account's token, a long-lived token refreshed first when it ends soon."""
        expires = account.token_expires_at
        if expires is not None and expires - timezone.now() <= graph_api.TOKEN_REFRESH_AHEAD:
            graph_api.refresh_long_lived_token(self.client, account, self.refresh_grant)
        url = f"{account.api_base_url.rstrip('/')}/{self.version}/{path}"
        return self.request(method, url, token=account.credentials.get("access_token", ""), **kwargs)

    def edge(self, account: SocialAccount, method: str, edge: str, **kwargs: Any) -> httpx.Response:
        """One Graph call on an edge of the account's user (its media, its publishing limit…)."""
        return self.graph(account, method, f"{user_id(account)}/{edge}", **kwargs)

    def _quota_key(self, account: SocialAccount) -> str:
        return f"{self.platform}:publishing_limit:{account.pk}:{account.api_base_url}"


def normalised(text: str) -> str:
    """A post's text as compared when reconciling: whitespace runs as one space, none at the ends."""
    return re.sub(r"\s+", " ", text).strip()
