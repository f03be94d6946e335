"""X (Twitter), through the X API v2 (https://docs.x.com/x-api/introduction).

Media go up first through the chunked upload (`x_media.py`), then the post is made with
POST /2/tweets; a first comment follows as a reply. X has no idempotency key: a lost reply is reconciled
by reading the account's posts since the first attempt and matching the text, never guessing.
Credentials: `access_token` (OAuth 2.0 user context, scopes tweet.read tweet.write users.read
media.write offline.access), and for refreshing `refresh_token`, `client_id`, `client_secret` if the app
is a confidential client; `user_id`, read at connection, saves asking whose posts to read. A bare
`access_token`, as the benchmarks' sandbox accounts have, is enough.
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import TYPE_CHECKING, Any, ClassVar

import httpx

from campaigns.checks import ERROR, Problem
from publishing.adapters import x_answers, x_media
from publishing.adapters.base import (
    Adapter,
    AuthFailed,
    Connection,
    Permanent,
    Published,
    PublishError,
    TokenInvalid,
    Transient,
    attached_assets,
    has_rival_in_doubt,
    oauth_error,
    retry_after,
    sole_unclaimed,
)
from publishing.adapters.shapes import MB, STILLS, ImageShape
from publishing.adapters.x_answers import post_text
from publishing.platform_rules import rules_for

if TYPE_CHECKING:
    from campaigns.models import Variant
    from publishing.models import Publication, SocialAccount

logger = logging.getLogger(__name__)

PAGE_SIZE = 100  # GET /2/users/{id}/tweets max_results: 5 to 100
PAGES_MAX = 5
# X's clock against ours, when asking for posts since our first attempt.
CLOCK_SKEW = dt.timedelta(seconds=30)
# https://docs.x.com/x-api/posts/manage-tweets/introduction: "duplicate content" is X's refusal of a text
# the account posted recently; a resend of the same text can never succeed.
DUPLICATE = "duplicate content"


class XAdapter(Adapter):
    platform = "x"
    # docs.x.com/x-api/media: JPG, PNG, GIF, WEBP up to 5 MB; an animated GIF up to 15 MB.
    image_shapes = (
        ImageShape("landscape", 1600, 900, STILLS, 5 * MB),
        ImageShape("square", 1200, 1200, STILLS, 5 * MB),
        ImageShape("gif", 4096, 4096, ("GIF",), 15 * MB, crop=False, animated=True),
    )
    # No idempotency key on POST /2/tweets (https://docs.x.com/x-api/posts/create-post): a post whose
    # reply was lost is never sent again on its own; find_existing or a person decides.
    idempotency_window = None
    # https://help.x.com/en/rules-and-policies/x-automation: no identical or substantially similar posts
    # across several accounts.
    same_text_elsewhere_window = dt.timedelta(hours=24)
    # https://docs.x.com/resources/fundamentals/authentication/oauth-2-0/user-access-token: a confidential
    # client sends its id and secret as HTTP Basic; a public client sends client_id in the form.
    refresh_client_basic_auth: ClassVar[bool] = True
    metric_names = x_answers.METRIC_NAMES
    # A post answers another by reply.in_reply_to_tweet_id: https://docs.x.com/x-api/posts/create-post
    supports_reply = True
    # DELETE /2/tweets/:id: https://docs.x.com/x-api/posts/delete-post
    supports_delete = True

    def complete_connection(self, connection: Connection) -> Connection:
        """The account as X names it (GET /2/users/me: @username and name), its user id kept for find_existing."""
        return x_answers.named_connection(connection, self.request)

    def validate(self, variant: Variant, account: SocialAccount | None = None) -> list[Problem]:
        """What X would refuse in this variant, found before any request: weighted length, media mix and sizes."""
        rules, text = rules_for(self.platform), post_text(variant)
        problems = []
        if (length := rules.count(text)) > rules.text_limit:
            message = f"X counts {length} of {rules.text_limit} characters (emoji and CJK count 2, links 23)"
            problems.append(Problem("text", "length", message, ERROR, variant.pk))
        assets = attached_assets(variant)
        problems += [Problem("media", rule, message, ERROR, variant.pk) for rule, message in x_media.refusals(assets)]
        problems += [
            Problem("alt_text", "alt_text_missing", f"{a.title!r} has no alt text", ERROR, variant.pk)
            for a in assets
            if a.kind != a.Kind.VIDEO and not a.alt_text.get(variant.language, "").strip()
        ]
        return problems

    def publish(self, publication: Publication) -> Published:
        variant, account = publication.variant, publication.account
        if problems := self.validate(variant):
            raise Permanent("X would refuse this post: " + "; ".join(p.message for p in problems))
        attachments = variant.attachments.select_related("asset").order_by("position")
        body: dict[str, Any] = {"text": post_text(variant)}
        if media_ids := [x_media.upload(self, account, a.asset, variant.language) for a in attachments]:
            body["media"] = {"media_ids": media_ids}
        if answered := self.answered_post(publication):
            body["reply"] = {"in_reply_to_tweet_id": answered.remote_id}  # a correction answers the original
        # X ignores Idempotency-Key; the sandbox files the post under it, as for every platform.
        headers = {"Idempotency-Key": str(publication.idempotency_key)}
        data = self.call(account, "POST", "2/tweets", json=body, headers=headers).json()["data"]
        published = Published(remote_id=str(data["id"]), url=post_url(account, str(data["id"])))
        if not variant.first_comment.strip():
            return published
        # https://docs.x.com/x-api/posts/create-post: a reply names the post in reply.in_reply_to_tweet_id.
        reply = {"text": variant.first_comment, "reply": {"in_reply_to_tweet_id": published.remote_id}}
        try:
            headers = {"Idempotency-Key": f"{publication.idempotency_key}-first-comment"}
            self.call(account, "POST", "2/tweets", json=reply, headers=headers)
        except PublishError as error:
            logger.warning("publication %s: the first comment was not posted: %s", publication.pk, error)
            return Published(published.remote_id, published.url, notes=(f"First comment not posted: {error}",))
        return published

    def find_existing(self, publication: Publication) -> Published | None:
        if has_rival_in_doubt(publication):
            return None
        # No lookup by key exists: the post is the account's one with exactly the variant's text since the
        # first attempt. https://docs.x.com/x-api/users/get-my-user, https://docs.x.com/x-api/users/get-posts
        account, variant = publication.account, publication.variant
        first = publication.attempt_log.order_by("number").values_list("started_at", flat=True).first()
        since = (first or publication.created_at) - CLOCK_SKEW
        me = account.credentials.get("user_id") or self.call(account, "GET", "2/users/me").json()["data"]["id"]
        text, media_count = x_answers.comparable(post_text(variant)), variant.attachments.count()
        # A correction posted as a reply is among the replies, which the lookup otherwise leaves out.
        replies = self.answered_post(publication) is not None
        found = [
            post["id"]
            for post in self._posts_since(account, str(me), since, with_replies=replies)
            if x_answers.comparable(x_answers.shown_text(post)) == text
            and len((post.get("attachments") or {}).get("media_keys") or []) == media_count
        ]
        # Same text posted more than once since, or the one found is another publication's: none is chosen.
        mine = sole_unclaimed(publication, found)
        return Published(remote_id=mine, url=post_url(account, mine)) if mine else None

    def delete(self, publication: Publication) -> None:
        # https://docs.x.com/x-api/posts/delete-post
        self.call(publication.account, "DELETE", f"2/tweets/{publication.remote_id}")

    def fetch_metrics(self, publication: Publication) -> dict[str, int]:
        # https://docs.x.com/x-api/fundamentals/metrics: public_metrics, under X's own names.
        params = {"tweet.fields": "public_metrics"}
        post = self.call(publication.account, "GET", f"2/tweets/{publication.remote_id}", params=params).json()
        if "data" not in post:  # a deleted post is 200 with only `errors` (resource-not-found)
            raise Permanent(f"X has no such post: {x_answers.problem_text(post)}")
        return {name: int(value) for name, value in (post["data"].get("public_metrics") or {}).items()}

    def check(self, response: httpx.Response) -> httpx.Response:
        status = response.status_code
        if status < 400:
            return response
        message = x_answers.problem_text(x_answers.body_of(response)) or response.text[:300]
        if status == 401:
            # X's 401 says little ("Unauthorized"); a refresh is worth it only when we are told the token expired.
            if oauth_error(response) == "invalid_token" or "expired" in message.lower():
                raise TokenInvalid(f"X refused the access token (401): {message}", status=401)
            raise AuthFailed(f"X refused the account's credentials (401): {message}", status=401)
        if status == 403 and DUPLICATE in message.lower():
            raise Permanent(
                f"X refused a duplicate: the account posted this same text recently ({message})", status=403
            )
        if status == 429:
            # https://docs.x.com/x-api/fundamentals/rate-limits: x-rate-limit-reset is an epoch second; the
            # 24-hour posting cap says its own reset in x-user-limit-24hour-reset.
            wait_s = retry_after(response)
            if response.headers.get("x-user-limit-24hour-remaining") == "0":
                wait_s = max(wait_s or 0.0, x_answers.wait_until(response.headers.get("x-user-limit-24hour-reset", "")))
            raise Transient(f"X rate limit: {message}", status=429, retry_after_s=wait_s)
        if 400 <= status < 500 and status != 408:
            raise Permanent(f"X refused the request ({status}): {message}", status=status)
        return super().check(response)

    def call(self, account: SocialAccount, method: str, path: str, **kwargs: Any) -> httpx.Response:
        """One request to the account's X API with its token, refreshed at POST /2/oauth2/token when due."""
        base = account.api_base_url.rstrip("/")
        return self.authorized_request(account, method, f"{base}/{path}", token_url=f"{base}/2/oauth2/token", **kwargs)

    def _posts_since(
        self, account: SocialAccount, user_id: str, since: dt.datetime, *, with_replies: bool = False
    ) -> list[dict[str, Any]]:
        """The account's own posts (not reposts, nor replies unless asked) since `since`, a few pages at most."""
        start = since.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        params: dict[str, Any] = {
            "start_time": start, "max_results": PAGE_SIZE, "exclude": "retweets" if with_replies else "replies,retweets",
            "tweet.fields": "created_at,attachments,entities",
        }  # fmt: skip
        found: list[dict[str, Any]] = []
        for _page in range(PAGES_MAX):
            page = self.call(account, "GET", f"2/users/{user_id}/tweets", params=params).json()
            found += page.get("data") or []
            if not (token := (page.get("meta") or {}).get("next_token")):
                break
            params = {**params, "pagination_token": token}
        return found


def post_url(account: SocialAccount, remote_id: str) -> str:
    handle = account.handle.removeprefix("@")
    return f"https://x.com/{handle}/status/{remote_id}" if handle else f"https://x.com/i/web/status/{remote_id}"
