"""The base of every platform adapter: HTTP with explicit timeouts and one error model.

Every reply is mapped to one outcome the engine knows what to do with:
- `Transient`: not accepted, safe to retry later (connection refused, 5xx, 429 with its Retry-After);
- `Permanent`: refused for good (content rejected; `AuthFailed` when the token is revoked or expired);
- `UnknownOutcome`: the request may have been accepted (the reply was lost or timed out after
  sending): never retried blindly, reconciled with `find_existing` first.

OAuth 2 accounts keep `access_token` and `refresh_token` in their credentials; `refresh_access_token`
trades the refresh token for new ones (RFC 6749 §6), the same way on every OAuth 2 platform.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar

import httpx
from django.conf import settings
from django.utils import timezone

from planner.addresses import AddressRefused
from planner.outbound import guarded_client
from publishing.adapters.shapes import ImageShape

if TYPE_CHECKING:
    from campaigns.checks import Problem
    from campaigns.models import MediaAsset, Variant
    from publishing.models import Publication, SocialAccount

logger = logging.getLogger(__name__)

RETRY_AFTER_MAX_S = 3600.0
# A platform's clock against ours, when comparing the time it gives a post with our first attempt.
CLOCK_SKEW = dt.timedelta(seconds=5)
# Refresh this long before the expiry: a request started just before it must not arrive just after.
TOKEN_REFRESH_AHEAD = dt.timedelta(minutes=5)
# RFC 6749 §5.2: the refresh token or the app is not accepted (any more); only reconnecting helps.
REFRESH_REFUSALS = {"invalid_grant", "invalid_client", "unauthorized_client"}
OAUTH_ERROR = re.compile(r'\berror="([^"]*)"')


class PublishError(Exception):
    def __init__(self, message: str, *, status: int | None = None) -> None:
        super().__init__(message)
        self.status = status


class Transient(PublishError):
    def __init__(self, message: str, *, status: int | None = None, retry_after_s: float | None = None) -> None:
        super().__init__(message, status=status)
        self.retry_after_s = retry_after_s


class Permanent(PublishError):
    pass


class AuthFailed(Permanent):
    pass


class TokenInvalid(AuthFailed):
    """The access token was refused as expired or revoked (RFC 6750 `invalid_token`): a refresh may fix it."""


class UnknownOutcome(PublishError):
    pass


class AddressNotAllowed(Permanent, AddressRefused):
    """The outbound guard refused to connect (planner/outbound.py): a private address nothing allowed."""

    def __init__(self, refused: AddressRefused) -> None:
        Permanent.__init__(self, str(refused))
        self.code = refused.code


class PlatformClient(httpx.Client):
    """An httpx client whose refused connections raise `AddressNotAllowed`, a `Permanent` failure."""

    def send(self, request: httpx.Request, **kwargs: Any) -> httpx.Response:
        try:
            return super().send(request, **kwargs)
        except AddressNotAllowed:
            raise
        except AddressRefused as refused:
            raise AddressNotAllowed(refused) from refused


def platform_timeout() -> httpx.Timeout:
    """Connecting is quick on a healthy platform; a reply may take longer (media processing)."""
    return httpx.Timeout(settings.PLANNER_PLATFORM_READ_TIMEOUT_S, connect=settings.PLANNER_PLATFORM_CONNECT_TIMEOUT_S)


# Keep-alive connections for every thread of a worker: a new client per send costs an SSL context
# (~20 ms of CPU) and a TCP handshake. Sized above the publish pool's threads (64 in the benchmarks).
# A release keeps one open connection per post until its instant (publishing/release_sending.py): all are kept alive.
CLIENT_LIMITS = httpx.Limits(max_connections=256, max_keepalive_connections=256)
_clients: dict[int, httpx.Client] = {}


def shared_client() -> httpx.Client:
    """This process's HTTP client (thread-safe); a forked child makes its own."""
    pid = os.getpid()
    if pid not in _clients:
        # Every connection is checked against the outbound guard, on the address actually connected (SSRF).
        _clients[pid] = guarded_client(client_class=PlatformClient, timeout=platform_timeout(), limits=CLIENT_LIMITS)
    return _clients[pid]


@dataclass(frozen=True)
class Connection:
    """An account being connected, right after the authorization code was traded for tokens."""

    handle: str  # as the person typed it, until the platform says better
    api_base_url: str
    credentials: dict[str, Any]
    expires_in_s: int | None
    display_name: str = ""


@dataclass(frozen=True)
class Published:
    remote_id: str
    url: str
    notes: tuple[str, ...] = ()  # what went wrong beside the post without failing it (a first comment)


class Adapter:
    """One platform: its rules, how to publish, and how to find a post it may already have made."""

    platform: ClassVar[str]
    # How long the platform itself refuses to make a second post for the same idempotency key (or
    # record key); None if it never does. Within it, a post the platform says it does not have may
    # be sent again without doubling; past it, only a person may decide.
    idempotency_window: ClassVar[dt.timedelta | None] = None
    # Where the platform's rules forbid the same text on several of one's accounts, how near in time two such
    # posts draw a warning when scheduling; None where the platform allows it.
    same_text_elsewhere_window: ClassVar[dt.timedelta | None] = None
    # The token endpoint's parameters as a JSON body, where the platform documents one; else a form (RFC 6749 §6).
    refresh_sends_json: ClassVar[bool] = False
    # A confidential client (one with a client_secret) authenticates to the token endpoint with HTTP Basic
    # instead of form fields, where the platform requires it (RFC 6749 §2.3.1 allows both).
    refresh_client_basic_auth: ClassVar[bool] = False
    # The image shapes renditions are made to for the platform (campaigns/renditions.py); none: the original is sent.
    image_shapes: ClassVar[tuple[ImageShape, ...]] = ()
    # The platform's own names in `fetch_metrics` → our columns (publishing/metrics.py: several names summed into one
    # column; "watch_time_ms" is converted to seconds). A name not listed is kept only in the raw answer.
    metric_names: ClassVar[dict[str, str]] = {}

    # Whether a post can answer another of the account's posts, so that a correction goes out as a reply to the
    # original (publishing/corrections.py); and whether the platform's API deletes a post, for a retraction
    # (publishing/retractions.py). Each adapter that says yes links the platform's documentation.
    supports_reply: ClassVar[bool] = False
    supports_delete: ClassVar[bool] = False

    def may_resend(self, first_attempt_at: dt.datetime) -> bool:
        """Whether a resend under the same key, for a post first attempted then, cannot make a second post."""
        window = self.idempotency_window
        return window is not None and timezone.now() - first_attempt_at < window

    def answered_post(self, publication: Publication) -> Publication | None:
        """The post this publication answers as a reply (a correction's original on the account), where replies
        are supported; None for a new post."""
        if not self.supports_reply:
            return None
        from publishing.corrections import original_post

        return original_post(publication)

    def __init__(self, client: httpx.Client | None = None) -> None:
        self.client = client or shared_client()

    def complete_connection(self, connection: Connection) -> Connection:
        """The account as the platform names it, with any credentials to keep instead (a long-lived token, a
        Page's token), asked of the platform with the new tokens. Raise `PublishError` if it refuses them.
        The default keeps the handle the person typed."""
        return connection

    def read_limits(self, account: SocialAccount) -> None:
        """Ask the platform for the account's own limits now and cache them, where it has any (a Mastodon server's).
        Called outside any transaction (scheduling); `validate` never waits on the network, it uses what was read."""

    def validate(self, variant: Variant, account: SocialAccount | None = None) -> list[Problem]:
        """What the platform would refuse in this variant, found before any request (the account's own limits
        where the platform has them and they were read)."""
        return []

    # Whether the calls `ready` leaves for the instant read or write nothing in the database (a token refused at
    # the instant is still refreshed and saved): a release fires many of them at once without a connection each.
    ready_calls_skip_database: ClassVar[bool] = False

    def publish(self, publication: Publication) -> Published:
        raise NotImplementedError

    def warm_up_url(self, account: SocialAccount) -> str | None:
        """A cheap public address of the account's platform, asked just before a release's instant so that the
        post then goes out on a connection already open (TCP and TLS handshakes done); None: nothing to ask."""
        return None

    def ready(self, publication: Publication) -> Callable[[], Published]:
        """Do now what can be done before the post's instant (read the database, upload media, build the request)
        and return the call that makes the post. Its attempt is already recorded. The default does it all later."""
        return lambda: self.publish(publication)

    def find_existing(self, publication: Publication) -> Published | None:
        """The post this publication already made, if the platform has it (for unknown outcomes)."""
        raise NotImplementedError

    def delete(self, publication: Publication) -> None:
        """Remove the publication's post from the platform (only where `supports_delete`)."""
        raise NotImplementedError

    def fetch_metrics(self, publication: Publication) -> dict[str, int]:
        """The post's engagement counts as the platform reports them, under the platform's own names."""
        raise NotImplementedError

    def request(self, method: str, url: str, *, token: str, **kwargs: Any) -> httpx.Response:
        """Send one request and return a successful reply, or raise the error it means."""
        headers = {"Authorization": f"Bearer {token}", **kwargs.pop("headers", {})}
        try:
            response = self.client.request(method, url, headers=headers, **kwargs)
        except (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout) as error:
            # Nothing reached the platform: safe to try again.
            raise Transient(f"could not connect: {error}") from error
        except httpx.TransportError as error:
            # Sent, but no usable reply (read timeout, connection dropped): it may have been accepted.
            raise UnknownOutcome(f"no reply after sending: {error!r}") from error
        return self.check(response)

    def check(self, response: httpx.Response) -> httpx.Response:
        status = response.status_code
        if status < 400:
            return response
        detail = response.text[:300]
        if status == 429:
            raise Transient(f"rate limited: {detail}", status=status, retry_after_s=retry_after(response))
        if status in (401, 403):
            raise AuthFailed(f"the platform refused the account's credentials ({status}): {detail}", status=status)
        if status in (408, 502, 503, 504) or status >= 500:
            # A gateway timeout may hide an accepted post; the other 5xx mean it was not taken.
            if status == 504:
                raise UnknownOutcome(f"gateway timeout: {detail}", status=status)
            raise Transient(f"platform error {status}: {detail}", status=status, retry_after_s=retry_after(response))
        raise Permanent(f"the platform refused the post ({status}): {detail}", status=status)

    def authorized_request(
        self, account: SocialAccount, method: str, url: str, *, token_url: str, **kwargs: Any
    ) -> httpx.Response:
        """`request` with the account's token, refreshed first if it expires soon, or once after `TokenInvalid`."""
        if should_refresh(account):
            self.refresh_access_token(account, token_url)
        try:
            return self.request(method, url, token=account.credentials.get("access_token", ""), **kwargs)
        except TokenInvalid:
            if not account.credentials.get("refresh_token"):
                raise
            self.refresh_access_token(account, token_url)
            return self.request(method, url, token=account.credentials.get("access_token", ""), **kwargs)

    def refresh_access_token(self, account: SocialAccount, token_url: str) -> None:
        """Trade the account's refresh token for new tokens (RFC 6749 §6) and save them on the account."""
        sent = account.credentials.get("refresh_token", "")
        form = {"grant_type": "refresh_token", "refresh_token": sent}
        client_id, secret = account.credentials.get("client_id", ""), account.credentials.get("client_secret", "")
        auth = (client_id, secret) if self.refresh_client_basic_auth and secret else None
        if auth is None:
            form |= {k: v for k, v in (("client_id", client_id), ("client_secret", secret)) if v}
        try:
            body = {"json": form} if self.refresh_sends_json else {"data": form}
            response = self.client.post(token_url, **body, **({"auth": auth} if auth else {}))
        except httpx.TransportError as error:
            # Nothing was posted; if the platform rotated the tokens anyway, the next refresh will say so.
            raise Transient(f"could not refresh the access token: {error!r}") from error
        status, error = response.status_code, oauth_error(response)
        if status == 401 or error in REFRESH_REFUSALS:
            account.refresh_from_db(fields=["credentials", "token_expires_at"])
            if account.credentials.get("refresh_token", sent) != sent:
                return  # another worker refreshed it meanwhile: its new tokens are the account's now
            detail = f"({status} {error}): {response.text[:300]}"
            raise AuthFailed(f"the platform refused the refresh token {detail}", status=status)
        if 400 <= status < 500 and status != 429:
            raise Permanent(f"the platform refused the token refresh ({status}): {response.text[:300]}", status=status)
        try:
            self.check(response)
        except UnknownOutcome as lost:
            raise Transient(f"the token refresh got no answer: {lost}", status=status) from lost
        data = response.json()
        if not isinstance(data, dict) or not isinstance(data.get("access_token"), str) or not data["access_token"]:
            raise Permanent(f"the token endpoint answered without an access token: {response.text[:300]}")
        # Never overwrite a stored refresh token with an empty one: platforms that do not rotate send none.
        fresh = {k: data[k] for k in ("access_token", "refresh_token") if isinstance(data.get(k), str) and data[k]}
        account.credentials = {**account.credentials, **fresh}
        expires_in = data.get("expires_in")
        valid_for = dt.timedelta(seconds=expires_in) if isinstance(expires_in, int | float) else None
        account.token_expires_at = timezone.now() + valid_for if valid_for is not None else None
        account.save(update_fields=["credentials", "token_expires_at"])


def attached_assets(variant: Variant) -> list[MediaAsset]:
    """The variant's media in their order; from its prefetched attachments when the caller prefetched them (the
    checks of a whole item), so that validating many variants costs no query each."""
    # Read from the cache itself rather than through `variant.attachments`, which refuses an unsaved variant: the
    # CSV import checks its rows' variants before saving them, their attachments set in memory.
    if (prefetched := getattr(variant, "_prefetched_objects_cache", {}).get("attachments")) is not None:
        return [a.asset for a in sorted(prefetched, key=lambda attachment: attachment.position)]
    return [a.asset for a in variant.attachments.select_related("asset").order_by("position")]


def retry_after(response: httpx.Response) -> float | None:
    """Seconds to wait, from Retry-After (seconds form) or x-rate-limit-reset (epoch seconds)."""
    value = response.headers.get("Retry-After")
    if value and value.strip().isdigit():
        return min(float(value), RETRY_AFTER_MAX_S)
    reset = response.headers.get("x-rate-limit-reset")
    if reset and reset.strip().isdigit():
        import time

        return min(max(float(reset) - time.time(), 0.0), RETRY_AFTER_MAX_S)
    return None


def should_refresh(account: SocialAccount) -> bool:
    """Whether the account's access token expires within TOKEN_REFRESH_AHEAD and can be refreshed."""
    expires_at = account.token_expires_at
    can_refresh = bool(account.credentials.get("refresh_token"))
    return can_refresh and expires_at is not None and expires_at - timezone.now() <= TOKEN_REFRESH_AHEAD


def oauth_error(response: httpx.Response) -> str:
    """The OAuth error code of a reply: `error=` in WWW-Authenticate (RFC 6750 §3), else the JSON body's `error`."""
    if match := OAUTH_ERROR.search(response.headers.get("WWW-Authenticate", "")):
        return match.group(1)
    try:
        body = response.json()
    except ValueError:
        return ""
    return body["error"] if isinstance(body, dict) and isinstance(body.get("error"), str) else ""


def seconds_until_midnight(zone: dt.tzinfo, now: dt.datetime | None = None) -> float:
    """Seconds from now to the next midnight in `zone`, when platforms with daily quotas reset them."""
    local = (now or timezone.now()).astimezone(zone)
    midnight = dt.datetime.combine(local.date() + dt.timedelta(days=1), dt.time(), tzinfo=zone)
    return (midnight - local).total_seconds()


def first_attempt_at(publication: Publication) -> dt.datetime:
    """The earliest its post can date from on the platform: its first attempt (else its creation), less clock skew."""
    first = publication.attempt_log.order_by("number").values_list("started_at", flat=True).first()
    return (first or publication.created_at) - CLOCK_SKEW


def has_rival_in_doubt(publication: Publication) -> bool:
    """Whether another publication of the account, with the same text, may have posted without our knowing.

    A lookup by text cannot tell such a pair's posts apart (a burst of one message, a lost reply in each):
    whichever post it found could be the other's. The engine then resends under the key, or asks a person.
    """
    from publishing.models import Publication

    S = Publication.State
    return (
        Publication.objects.filter(account=publication.account, variant__text=publication.variant.text, remote_id="")
        .filter(state__in=(S.QUEUED, S.PUBLISHING, S.RETRYING, S.UNCONFIRMED), attempts__gt=0)
        .exclude(pk=publication.pk)
        .exists()
    )


def sole_unclaimed(publication: Publication, remote_ids: list[str]) -> str | None:
    """The one of these posts no other publication of the account recorded as its own; None if none or several."""
    from publishing.models import Publication

    others = Publication.objects.filter(account=publication.account, remote_id__in=remote_ids).exclude(
        pk=publication.pk
    )
    claimed = set(others.values_list("remote_id", flat=True))
    mine = [remote_id for remote_id in remote_ids if remote_id not in claimed]
    if len(mine) > 1:
        # The same post made more than once since: which one is this publication's cannot be told.
        logger.warning("publication %s: %d posts could be its own; none chosen", publication.pk, len(mine))
    return mine[0] if len(mine) == 1 else None
