"""Bluesky's XRPC with an app-password session (atproto.com/specs/xrpc): the calls, the session, the errors.

Credentials: `identifier` (else the handle) and `app_password`; the session adds `access_jwt`,
`refresh_jwt` and `did` (a bare `access_token`, as the demo's and benchmarks' sandbox accounts have, is
used as the access JWT).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import httpx
from django.utils import timezone

from publishing.adapters.base import (
    Adapter,
    AuthFailed,
    Permanent,
    TokenInvalid,
    Transient,
    UnknownOutcome,
    oauth_error,
)

if TYPE_CHECKING:
    from publishing.models import SocialAccount


class XrpcRefusal(Permanent):
    """A 400 with the XRPC error body (atproto.com/specs/xrpc#error-responses): its `error` name kept."""

    def __init__(self, message: str, *, status: int, error: str) -> None:
        super().__init__(message, status=status)
        self.error = error


class XrpcAdapter(Adapter):
    """An adapter that speaks XRPC to the account's PDS with the account's session."""

    def check(self, response: httpx.Response) -> httpx.Response:
        status, error = response.status_code, oauth_error(response)  # the XRPC body's `error`
        # The PDS says 400 ExpiredToken for an expired access JWT (packages/pds/src/auth-verifier.ts).
        if status in (400, 401) and error in ("ExpiredToken", "InvalidToken"):
            raise TokenInvalid(f"the session was refused ({status} {error}): {response.text[:300]}", status=status)
        if status == 429 and (reset := response.headers.get("ratelimit-reset", "")).isdigit():
            # docs.bsky.app/docs/advanced-guides/rate-limits: ratelimit-reset is an epoch second.
            wait_s = max(float(reset) - timezone.now().timestamp(), 0.0)
            raise Transient(f"rate limited: {response.text[:300]}", status=429, retry_after_s=wait_s)
        if status == 400 and error:
            raise XrpcRefusal(f"Bluesky refused the request ({error}): {response.text[:300]}", status=400, error=error)
        return super().check(response)

    def call(self, account: SocialAccount, method: str, nsid: str, **kwargs: Any) -> httpx.Response:
        """One XRPC call with the account's session: made first if there is none, renewed once if refused."""
        if not access(account):
            self._start_session(account)
        try:
            return self.request(method, xrpc_url(account.api_base_url, nsid), token=access(account), **kwargs)
        except TokenInvalid:
            refresh_jwt = account.credentials.get("refresh_jwt")
            try:
                self._start_session(account, refresh_jwt)
            except AuthFailed:
                if not refresh_jwt:
                    raise
                self._start_session(account)  # the refresh JWT expired or was revoked: log in again
            return self.request(method, xrpc_url(account.api_base_url, nsid), token=access(account), **kwargs)

    def _start_session(self, account: SocialAccount, refresh_jwt: str | None = None) -> None:
        """A session by the refresh JWT (refreshSession.json: it is the bearer), else by the app password."""
        credentials = account.credentials
        if refresh_jwt:
            nsid, kwargs = "refreshSession", {"headers": {"Authorization": f"Bearer {refresh_jwt}"}}
        elif password := credentials.get("app_password"):
            login = {"identifier": credentials.get("identifier") or handle(account), "password": password}
            nsid, kwargs = "createSession", {"json": login}
        else:
            raise AuthFailed("the Bluesky session ended and the account has no app password: reconnect it")
        url = xrpc_url(account.api_base_url, f"com.atproto.server.{nsid}")
        try:
            response = self.check(self.client.post(url, **kwargs))
        except (httpx.TransportError, UnknownOutcome) as error:
            raise Transient(f"could not start a Bluesky session: {error!r}") from error  # nothing was posted
        except XrpcRefusal as error:
            raise AuthFailed(f"Bluesky refused the session: {error}", status=error.status) from error
        data = response.json()
        session = {"access_jwt": data["accessJwt"], "refresh_jwt": data["refreshJwt"], "did": data["did"]}
        account.credentials = {**credentials, **session}
        account.save(update_fields=["credentials"])


def handle(account: SocialAccount) -> str:
    return account.handle.removeprefix("@")


def repo(account: SocialAccount) -> str:
    """The account's repository: its DID once a session said it, else its handle."""
    return account.credentials.get("did") or handle(account)


def access(account: SocialAccount) -> str:
    return account.credentials.get("access_jwt") or account.credentials.get("access_token", "")


def xrpc_url(base_url: str, nsid: str) -> str:
    return f"{base_url.rstrip('/')}/xrpc/{nsid}"  # atproto.com/specs/xrpc#lexicon-http-endpoints
