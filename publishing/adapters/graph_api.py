"""Meta's Graph API on the wire, shared by Instagram and Threads: errors, long-lived tokens, the user id.

Every error answers `{"error": {"message", "type", "code", "error_subcode", "fbtrace_id"}}`
(developers.facebook.com/docs/graph-api/guides/error-handling), mostly with HTTP 400 whatever the
cause: the code says what happened, not the status. Tokens are long-lived (60 days) and have no
refresh token: one still valid is traded for a new one ahead of its end.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import httpx
from django.utils import timezone

from publishing.adapters.base import (
    RETRY_AFTER_MAX_S,
    AuthFailed,
    Permanent,
    TokenInvalid,
    Transient,
)

if TYPE_CHECKING:
    from publishing.models import SocialAccount

# developers.facebook.com/docs/graph-api/overview/rate-limiting: app, user and business-use-case limits.
RATE_LIMIT_CODES = {4, 17, 32, 613}
TRANSIENT_CODES = {1, 2}  # "API Unknown", "API Service": retry later
TOKEN_CODES = {102, 190}  # session expired, invalidated or malformed: a long-lived token cannot be revived
# developers.facebook.com/docs/instagram-platform/instagram-graph-api/reference/error-codes
PUBLISHING_LIMIT = (9, 2207042)  # the maximum number of posts in 24 hours was reached
NOT_READY = (9007, 2207027)  # the container is not finished yet
# Without a usage header: Meta's windows are one hour long; five minutes is a fair first wait.
RATE_LIMIT_DEFAULT_WAIT_S = 300.0
# Long-lived tokens last 60 days and may be refreshed once a day old: refresh well before the end.
# developers.facebook.com/docs/instagram-platform/reference/refresh_access_token,
# developers.facebook.com/docs/threads/get-started/long-lived-tokens
TOKEN_REFRESH_AHEAD = dt.timedelta(days=7)
LONG_LIVED = dt.timedelta(days=60)  # when an answer does not say


def error_of(response: httpx.Response) -> dict[str, Any] | None:
    """The reply's Meta error object, None if it has none."""
    try:
        body = response.json()
    except ValueError:
        return None
    error = body.get("error") if isinstance(body, dict) else None
    return error if isinstance(error, dict) and "code" in error else None


def raise_for(platform: str, response: httpx.Response, error: dict[str, Any]) -> None:
    """Raise what a Meta error means; return (None) for a server error left to the base mapping."""
    code, subcode, status = error.get("code"), error.get("error_subcode"), response.status_code
    message = f"{platform} error {code}/{subcode}: {str(error.get('message', ''))[:300]} (fbtrace_id {error.get('fbtrace_id', '?')})"
    if code in TOKEN_CODES:
        raise TokenInvalid(f"the access token was refused, reconnect the account: {message}", status=status)
    if code == 10 or (isinstance(code, int) and 200 <= code < 300):
        raise AuthFailed(f"a permission is missing, reconnect with it: {message}", status=status)
    if code in RATE_LIMIT_CODES:
        raise Transient(message, status=status, retry_after_s=regain_access_s(response))
    if (code, subcode) == PUBLISHING_LIMIT:
        # The window slides: a slot frees when the oldest of the day's posts is a day old.
        raise Transient(message, status=status, retry_after_s=RETRY_AFTER_MAX_S)
    if code in TRANSIENT_CODES or error.get("is_transient") or (code, subcode) == NOT_READY:
        raise Transient(message, status=status)
    if status >= 500:
        return None
    raise Permanent(message, status=status)


def regain_access_s(response: httpx.Response) -> float:
    """Seconds until Meta serves the app again: X-Business-Use-Case-Usage's estimated_time_to_regain_access
    (minutes; developers.facebook.com/docs/graph-api/overview/rate-limiting#headers), else a default."""
    try:
        usage = json.loads(response.headers.get("X-Business-Use-Case-Usage", "{}"))
        minutes = max(
            (int(e.get("estimated_time_to_regain_access") or 0) for v in usage.values() for e in v), default=0
        )
    except (ValueError, TypeError, AttributeError):
        minutes = 0
    return min(minutes * 60.0, RETRY_AFTER_MAX_S) if minutes else RATE_LIMIT_DEFAULT_WAIT_S


@dataclass(frozen=True)
class Quota:
    """A publishing limit: posts made in the window, posts allowed, the window's length."""

    used: int
    total: int
    duration_s: int

    @classmethod
    def read(cls, body: dict[str, Any]) -> Quota:
        """From `{"data": [{"quota_usage", "config": {"quota_total", "quota_duration"}}]}` (content_publishing_limit
        and threads_publishing_limit alike)."""
        entry = body["data"][0]
        config = entry["config"]
        return cls(int(entry["quota_usage"]), int(config["quota_total"]), int(config["quota_duration"]))


def user_id(account: SocialAccount) -> str:
    """The account's Instagram or Threads user id; "me" (the token's user) when it was not stored."""
    return str(account.credentials.get("user_id") or "me")


def refresh_long_lived_token(client: httpx.Client, account: SocialAccount, grant_type: str) -> None:
    """Trade the account's long-lived token, still valid, for a new one: GET refresh_access_token."""
    params = {"grant_type": grant_type, "access_token": account.credentials.get("access_token", "")}
    try:
        response = client.get(f"{account.api_base_url.rstrip('/')}/refresh_access_token", params=params)
    except httpx.TransportError as error:
        raise Transient(f"could not refresh the access token: {error!r}") from error
    if (status := response.status_code) >= 400:
        if (error := error_of(response)) is not None:
            raise_for("Meta", response, error)
        # Nothing was changed by a refused or failed refresh: the old token still holds until it ends.
        raise Transient(f"the token refresh failed ({status}): {response.text[:300]}", status=status)
    token, valid_for = long_lived_token(response)
    account.credentials = {**account.credentials, "access_token": token}
    account.token_expires_at = timezone.now() + valid_for
    account.save(update_fields=["credentials", "token_expires_at"])


def long_lived_token(response: httpx.Response) -> tuple[str, dt.timedelta]:
    """The token of an exchange or refresh answer `{"access_token", "token_type", "expires_in"}` and how long it
    lasts; never an empty one (the stored token would be lost for nothing)."""
    try:
        data = response.json()
    except ValueError:
        data = None
    token = data.get("access_token") if isinstance(data, dict) else None
    if not isinstance(token, str) or not token:
        raise Permanent(f"Meta answered without an access token: {response.text[:300]}")
    expires_in = data.get("expires_in")
    return token, dt.timedelta(seconds=expires_in) if isinstance(expires_in, int) and expires_in > 0 else LONG_LIVED


def insight_counts(body: dict[str, Any]) -> dict[str, int]:
    """An insights answer's counts by metric name. Each metric is {"name", "period", "values": [{"value"}]} or, for
    totals, {"total_value": {"value"}}; a breakdown (a dict of values) is not a count and is left out."""
    counts = {}
    for metric in body.get("data", []):
        value = (metric.get("total_value") or (metric.get("values") or [{}])[-1]).get("value") or 0
        if isinstance(value, int | float):
            counts[metric["name"]] = int(value)
    return counts
