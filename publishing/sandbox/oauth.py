"""The sandbox's OAuth 2 server: app registration, the authorization step, and the token endpoint.

- Apps register as on Mastodon (POST /api/v1/apps): the client id is signed by the sandbox, so it
  recognises its own apps (their redirect URIs and scopes) without storing them; the secret is derived
  from the id. Other platforms' clients (configured in the planner's settings) are taken as given.
- The authorization step (RFC 6749 §4.1) requires PKCE with S256 (RFC 7636), as OAuth 2.1 does; the
  code is signed, lasts AUTHORIZATION_CODE_LIFETIME and is taken once.
- The token endpoint grants `authorization_code` (the code, its redirect URI and the PKCE verifier
  checked) and `refresh_token` (RFC 6749 §6), rotating both tokens.
An account may also get its first refresh token on its row (the tests, the demo or the admin set it),
as if a person had connected it. The dialect is in `__init__.py`.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.core import signing
from django.core.cache import cache
from django.db import transaction
from django.utils import timezone
from django.utils.crypto import salted_hmac

from publishing.sandbox.models import RevokedToken, SandboxAccount
from publishing.sandbox.services import Refusal

# X's OAuth 2 access tokens last two hours (docs.x.com "OAuth 2.0 Authorization Code Flow with PKCE").
ISSUED_TOKEN_LIFETIME = dt.timedelta(hours=2)
# Mastodon's default scopes for an app (docs.joinmastodon.org/api/oauth-scopes/).
GRANTED_SCOPES = ("read", "write")
# Doorkeeper's default (config/initializers/doorkeeper.rb: authorization_code_expires_in 10 minutes).
AUTHORIZATION_CODE_LIFETIME = dt.timedelta(minutes=10)
APP_SALT, CODE_SALT = "publishing.sandbox.oauth.app", "publishing.sandbox.oauth.code"
# Mastodon's scopes (docs.joinmastodon.org/api/oauth-scopes/), top level and granular.
KNOWN_SCOPES = {"read", "write", "follow", "push", "profile", "admin:read", "admin:write"}


@dataclass(frozen=True)
class Client:
    """An OAuth client the authorization step knows: registered here (Mastodon) or configured in the planner."""

    client_id: str
    name: str
    redirect_uris: tuple[str, ...]  # empty: any (a client the sandbox did not register)
    scopes: tuple[str, ...]


@dataclass(frozen=True)
class Authorization:
    """What an authorization code was issued for."""

    client_id: str
    redirect_uri: str
    code_challenge: str
    scope: str
    account_pk: int | None


def register_app(platform: str, body: Mapping[str, Any]) -> dict[str, Any]:
    """POST /api/v1/apps: a CredentialApplication (docs.joinmastodon.org/methods/apps/#create)."""
    name, uris, scopes = body.get("client_name"), body.get("redirect_uris"), body.get("scopes") or "read"
    if isinstance(uris, str):
        uris = uris.split()  # a string of URIs separated by white space, before Mastodon 4.3
    if not isinstance(name, str) or not name.strip():
        raise Refusal(422, "invalid_request", detail="client_name is required")
    if not isinstance(uris, list) or not uris or not all(isinstance(u, str) and "://" in u for u in uris):
        raise Refusal(422, "invalid_request", detail="redirect_uris is a list of absolute URIs")
    if not isinstance(scopes, str) or (unknown := set(scopes.split()) - KNOWN_SCOPES):
        raise Refusal(422, "invalid_request", detail=f"unknown scopes: {' '.join(sorted(unknown or {scopes}))}")
    client_id = signing.dumps({"p": platform, "n": name, "r": uris, "s": scopes.split()}, salt=APP_SALT, compress=True)
    return {
        "id": hashlib.sha256(client_id.encode()).hexdigest()[:12], "name": name, "website": body.get("website") or None,
        "scopes": scopes.split(), "redirect_uri": "\n".join(uris), "redirect_uris": uris,
        "client_id": client_id, "client_secret": client_secret(client_id), "client_secret_expires_at": 0,
        "vapid_key": "",
    }  # fmt: skip


def client_secret(client_id: str) -> str:
    return salted_hmac(APP_SALT, client_id).hexdigest()


def check_client(platform: str, client_id: str, redirect_uri: str) -> Client:
    """The client of an authorization request; refused (shown, never redirected: RFC 6749 §4.1.2.1) if the
    client or its redirect URI is not known."""
    if not client_id or "://" not in redirect_uri:
        raise Refusal(400, "invalid_request", error_description="client_id and an absolute redirect_uri are required")
    try:
        app = signing.loads(client_id, salt=APP_SALT)
    except signing.BadSignature:
        if platform == "mastodon":  # Mastodon knows only the apps registered on it
            raise Refusal(401, "invalid_client", error_description="unknown client_id") from None
        return Client(client_id, client_id, (), ())
    if app["p"] != platform:
        raise Refusal(401, "invalid_client", error_description="the app is registered on another platform")
    if redirect_uri not in app["r"]:
        raise Refusal(400, "invalid_request", error_description="redirect_uri is not one the app registered")
    return Client(client_id, app["n"], tuple(app["r"]), tuple(app["s"]))


def authorize(client: Client, params: Mapping[str, str], account_pk: int | None) -> str:
    """An authorization code for a consenting person, after the request's checks (RFC 6749 §4.1.1, RFC 7636 §4.3)."""
    if params.get("response_type") != "code":
        raise Refusal(400, "unsupported_response_type", error_description="response_type must be code")
    challenge, method = params.get("code_challenge", ""), params.get("code_challenge_method", "")
    if not challenge or method != "S256":
        # Mastodon: "Must be S256, the only code challenge method supported" (methods/oauth/#authorize).
        raise Refusal(400, "invalid_request", error_description="PKCE is required: code_challenge with S256")
    scope = params.get("scope") or "read"
    if client.scopes and (wider := set(scope.split()) - set(client.scopes)):
        raise Refusal(400, "invalid_scope", error_description=f"not registered: {' '.join(sorted(wider))}")
    grant = {"c": client.client_id, "r": params["redirect_uri"], "x": challenge, "s": scope, "a": account_pk}
    return signing.dumps(grant | {"n": secrets.token_urlsafe(8)}, salt=CODE_SALT, compress=True)


def check_code_grant(platform: str, form: Mapping[str, str], basic_secret: str = "") -> Authorization:
    """The authorization a code grant is for, its redirect URI, client and PKCE verifier checked (RFC 6749 §4.1.3)."""
    code, verifier = form.get("code", ""), form.get("code_verifier", "")
    if not code:
        raise Refusal(400, "invalid_request", error_description="code is required")
    try:
        grant = signing.loads(code, salt=CODE_SALT, max_age=AUTHORIZATION_CODE_LIFETIME)
    except signing.SignatureExpired:
        raise _invalid_grant("The authorization code expired") from None
    except signing.BadSignature:
        raise _invalid_grant("The authorization code is unknown") from None
    client_id = form.get("client_id", "")
    if client_id and client_id != grant["c"]:
        raise _invalid_grant("The authorization code was issued to another client")
    if platform == "mastodon":
        sent = form.get("client_secret", "") or basic_secret
        if not hmac.compare_digest(sent, client_secret(grant["c"])):
            raise Refusal(401, "invalid_client", error_description="client authentication failed")
    if form.get("redirect_uri", "") != grant["r"]:
        raise _invalid_grant("redirect_uri does not match the authorization request")
    # RFC 7636 §4.6: BASE64URL(SHA256(code_verifier)) must equal the challenge.
    if not verifier or not hmac.compare_digest(pkce_challenge(verifier), grant["x"]):
        raise _invalid_grant("The PKCE code_verifier does not match the code_challenge")
    # Taken once (RFC 6749 §4.1.2): the first exchange wins.
    if not cache.add(f"sandbox:oauth-code:{hashlib.sha256(code.encode()).hexdigest()}", True, 2 * 600):
        raise _invalid_grant("The authorization code was already used")
    return Authorization(grant["c"], grant["r"], grant["x"], grant["s"], grant["a"])


def pkce_challenge(verifier: str) -> str:
    return base64.urlsafe_b64encode(hashlib.sha256(verifier.encode("ascii")).digest()).decode().rstrip("=")


def exchange_code(platform: str, authorization: Authorization) -> dict[str, Any]:
    """Tokens for the authorized account (the person chose one, or a new one), its previous tokens revoked."""
    now = timezone.now()
    access_token, refresh_token = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
    fields = {"token": access_token, "refresh_token": refresh_token, "token_expires_at": now + ISSUED_TOKEN_LIFETIME}
    with transaction.atomic():
        account = (
            SandboxAccount.objects.select_for_update().filter(platform=platform, pk=authorization.account_pk).first()
        )
        if account is None:
            account = SandboxAccount.objects.create(platform=platform, **fields)
        else:
            revoked = [(RevokedToken.Kind.ACCESS, account.token), (RevokedToken.Kind.REFRESH, account.refresh_token)]
            RevokedToken.objects.bulk_create(
                RevokedToken(account=account, kind=kind, token=token, revoked_at=now)
                for kind, token in revoked
                if token
            )
            SandboxAccount.objects.filter(pk=account.pk).update(**fields)
    return token_answer(access_token, refresh_token, authorization.scope, now)


def token_answer(access_token: str, refresh_token: str, scope: str, now: dt.datetime) -> dict[str, Any]:
    """RFC 6749 §5.1's answer, with Mastodon's created_at (docs.joinmastodon.org/entities/Token/)."""
    return {
        "access_token": access_token,
        "token_type": "Bearer",
        "expires_in": int(ISSUED_TOKEN_LIFETIME.total_seconds()),
        "refresh_token": refresh_token,
        "scope": scope,
        "created_at": int(now.timestamp()),  # epoch seconds, as Mastodon's Token entity
    }


def check_refresh_grant(platform: str, form: Mapping[str, str]) -> tuple[SandboxAccount, str]:
    """The account a refresh request is for and the scope it asks, checked as RFC 6749 §5.2 says."""
    grant_type = form.get("grant_type", "")
    if not grant_type:
        raise Refusal(400, "invalid_request", error_description="grant_type is required")
    if grant_type != "refresh_token":
        raise Refusal(
            400, "unsupported_grant_type", error_description="the sandbox grants authorization_code and refresh_token"
        )
    refresh_token = form.get("refresh_token", "").strip()
    if not refresh_token:
        raise Refusal(400, "invalid_request", error_description="refresh_token is required")
    requested = form.get("scope", "").split()
    if unknown := sorted(set(requested) - set(GRANTED_SCOPES)):
        # A refresh may narrow the scope, never widen it (§6).
        raise Refusal(400, "invalid_scope", error_description=f"not granted: {' '.join(unknown)}")
    account = SandboxAccount.objects.filter(platform=platform, refresh_token=refresh_token).first()
    if account is None:
        revoked = RevokedToken.objects.filter(
            account__platform=platform, kind=RevokedToken.Kind.REFRESH, token=refresh_token
        ).exists()
        raise _invalid_grant(
            "The refresh token was revoked by a refresh" if revoked else "The refresh token is unknown"
        )
    return account, " ".join(requested or GRANTED_SCOPES)


def refresh(account: SandboxAccount, scope: str) -> dict[str, Any]:
    """New access and refresh tokens for the account, the old ones revoked: the answer of RFC 6749 §5.1."""
    now = timezone.now()
    access_token, refresh_token = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
    with transaction.atomic():
        # Conditional on the refresh token read: of two refreshes with it at once, one wins, the other
        # is refused as a reuse would be.
        rotated = SandboxAccount.objects.filter(pk=account.pk, refresh_token=account.refresh_token).update(
            token=access_token, refresh_token=refresh_token, token_expires_at=now + ISSUED_TOKEN_LIFETIME
        )
        if not rotated:
            raise _invalid_grant("The refresh token was revoked by a refresh")
        RevokedToken.objects.bulk_create([
            RevokedToken(account=account, kind=RevokedToken.Kind.ACCESS, token=account.token, revoked_at=now),
            RevokedToken(account=account, kind=RevokedToken.Kind.REFRESH, token=account.refresh_token, revoked_at=now),
        ])  # fmt: skip
    return token_answer(access_token, refresh_token, scope, now)


def _invalid_grant(description: str) -> Refusal:
    return Refusal(400, "invalid_grant", error_description=description)
