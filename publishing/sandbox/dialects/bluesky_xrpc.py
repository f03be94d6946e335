"""What the sandbox's Bluesky dialect shares: XRPC views and errors, sessions as the PDS issues them, faults.

Access JWTs last 2 hours, refresh JWTs 90 days, as the PDS's; an expired one is 400 `ExpiredToken`, one
that is not ours 400 `InvalidToken` (the PDS's auth-verifier answers both with 400). A plain bearer token
(the demo's and benchmarks' accounts) is taken as an access JWT of the account it names, as on the
generic dialect. Errors are `{"error", "message"}` (atproto.com/specs/xrpc#error-responses).
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import json
import time
from collections.abc import Callable
from typing import Any

from django.core import signing
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils import timezone

from publishing.sandbox import answers, services
from publishing.sandbox.models import FaultKind, FaultScope, SandboxAccount, SandboxFault
from publishing.sandbox.services import Refusal

PLATFORM = "bluesky"
# packages/pds/src/account-manager/helpers/auth.ts: access 120 minutes, refresh 90 days.
ACCESS_JWT_LIFETIME = dt.timedelta(minutes=120)
REFRESH_JWT_LIFETIME = dt.timedelta(days=90)
SESSION_SALT = "publishing.sandbox.bluesky.session"
RATE_LIMIT_PER_HOUR = 5_000  # the PDS's repo-write-hour points, for ratelimit-limit


class XrpcError(Exception):
    def __init__(self, status: int, error: str, message: str, headers: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.status, self.error, self.message, self.headers = status, error, message, headers


def session_account_token(identifier: str, password: str) -> str:
    """The sandbox account token an identifier and password log in to (tests use it to inject faults)."""
    return "bsky-" + hashlib.sha256(f"{identifier}\n{password}".encode()).hexdigest()[:40]


def did_for(handle: str) -> str:
    """The sandbox's DID of a handle: every handle resolves, always to the same DID."""
    digest = base64.b32encode(hashlib.sha256(handle.encode()).digest()).decode().lower()
    return f"did:plc:{digest[:24]}"


def issue_session(token: str, handle: str, *, now: dt.datetime | None = None) -> dict[str, Any]:
    """A session answer of createSession and refreshSession; `now` may be set to issue one already expired."""
    issued = (now or timezone.now()).timestamp()
    claims = {"sub": token, "handle": handle}

    def jwt(scope: str, lifetime: dt.timedelta) -> str:
        return signing.dumps(claims | {"scope": scope, "exp": issued + lifetime.total_seconds()}, salt=SESSION_SALT)

    return {
        "accessJwt": jwt("access", ACCESS_JWT_LIFETIME), "refreshJwt": jwt("refresh", REFRESH_JWT_LIFETIME),
        "handle": handle, "did": did_for(handle), "active": True,
    }  # fmt: skip


def xrpc(method: str, *, auth: str | None = "access", fault: FaultScope | None = None) -> Callable[..., Any]:
    """A view of one XRPC method: HTTP method, bearer session ("access" or "refresh", or None), faults, errors."""

    def decorate(view: Callable[..., HttpResponse]) -> Callable[[HttpRequest], HttpResponse]:
        def answer(request: HttpRequest) -> HttpResponse:
            if request.method != method:
                raise XrpcError(400, "InvalidRequest", f"Incorrect HTTP method ({request.method}) expected {method}")
            account = session(request, auth) if auth else None
            held = services.take_fault(account, fault) if account else None
            inject(held)
            return view(request, account, held) if auth else view(request)

        return answer

    return decorate


def session(request: HttpRequest, scope: str) -> SandboxAccount:
    """The account of the request's bearer JWT of this scope; its handle kept on the request."""
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise XrpcError(401, "AuthenticationRequired", "Authentication Required")
    try:
        claims = signing.loads(token.strip(), salt=SESSION_SALT)
    except signing.BadSignature:
        if scope == "refresh":
            raise XrpcError(400, "InvalidToken", "Token could not be verified") from None
        claims = {"sub": token.strip(), "scope": "access", "handle": "", "exp": float("inf")}
    if claims["scope"] != scope:
        raise XrpcError(400, "InvalidToken", "Bad token scope")
    if claims["exp"] <= time.time():
        raise XrpcError(400, "ExpiredToken", "Token has expired")
    request.session_handle = claims["handle"]
    return account_of(claims["sub"])


def account_of(token: str) -> SandboxAccount:
    try:
        return services.account_for(PLATFORM, token)
    except Refusal as refusal:
        description = str(refusal.body.get("error_description", "Token is invalid"))
        raise XrpcError(400, "ExpiredToken" if "expired" in description else "InvalidToken", description) from None


def inject(fault: SandboxFault | None) -> None:
    """Raise the answer a fault imposes now, or return to go on (after its latency)."""
    if (imposed := answers.imposed(fault)) is None:
        return
    if imposed.kind == FaultKind.TIMEOUT:
        raise XrpcError(504, "UpstreamTimeout", "Gateway Timeout")
    if imposed.kind == FaultKind.RATE_LIMIT:
        # docs.bsky.app/docs/advanced-guides/rate-limits: the IETF draft's RateLimit headers, reset in epoch s.
        headers = {"ratelimit-limit": str(RATE_LIMIT_PER_HOUR), "ratelimit-remaining": "0",
                   "ratelimit-reset": str(imposed.reset_epoch_s), "ratelimit-policy": f"{RATE_LIMIT_PER_HOUR};w=3600"}  # fmt: skip
        raise XrpcError(429, "RateLimitExceeded", "Rate Limit Exceeded", headers)
    if imposed.kind == FaultKind.SERVER_ERROR:
        raise XrpcError(500, "InternalServerError", "Internal Server Error")
    if imposed.kind == FaultKind.UNAUTHORIZED:
        raise XrpcError(401, "AuthenticationRequired", "Token has been revoked (sandbox fault)")
    raise XrpcError(400, "InvalidRequest", "the platform refused this content (sandbox fault)")


def body(request: HttpRequest, *required: str) -> dict[str, Any]:
    try:
        values = json.loads(request.body or b"null")
    except (ValueError, UnicodeDecodeError):
        raise XrpcError(400, "InvalidRequest", "Request body is not valid JSON") from None
    if not isinstance(values, dict):
        raise XrpcError(400, "InvalidRequest", "Input must be an object")
    return _required(values, required, "Input")


def params(request: HttpRequest, *required: str) -> dict[str, Any]:
    return _required(request.GET.dict(), required, "Params")


def _required(values: dict[str, Any], required: tuple[str, ...], what: str) -> dict[str, Any]:
    for name in required:
        if values.get(name) in (None, ""):
            raise XrpcError(400, "InvalidRequest", f'{what} must have the property "{name}"')
    return values


def error_reply(error: XrpcError) -> JsonResponse:
    return JsonResponse({"error": error.error, "message": error.message}, status=error.status, headers=error.headers)
