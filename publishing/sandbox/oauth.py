"""The sandbox's OAuth 2 token endpoint: the refresh grant (RFC 6749 §6), rotating both tokens.

There is no authorization step: an account gets its first refresh token on its row (the tests, the
demo or the admin set it), as if a person had connected it. The dialect is in `__init__.py`.
"""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Mapping
from typing import Any

from django.db import transaction
from django.utils import timezone

from publishing.sandbox.models import RevokedToken, SandboxAccount
from publishing.sandbox.services import Refusal

# X's OAuth 2 access tokens last two hours (docs.x.com "OAuth 2.0 Authorization Code Flow with PKCE").
ISSUED_TOKEN_LIFETIME = dt.timedelta(hours=2)
# Mastodon's default scopes for an app (docs.joinmastodon.org/api/oauth-scopes/).
GRANTED_SCOPES = ("read", "write")


def check_refresh_grant(platform: str, form: Mapping[str, str]) -> tuple[SandboxAccount, str]:
    """The account a refresh request is for and the scope it asks, checked as RFC 6749 §5.2 says."""
    grant_type = form.get("grant_type", "")
    if not grant_type:
        raise Refusal(400, "invalid_request", error_description="grant_type is required")
    if grant_type != "refresh_token":
        raise Refusal(400, "unsupported_grant_type", error_description="the sandbox only grants refresh_token")
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
    return {
        "access_token": access_token,
        "token_type": "Bearer",
        "expires_in": int(ISSUED_TOKEN_LIFETIME.total_seconds()),
        "refresh_token": refresh_token,
        "scope": scope,
        "created_at": int(now.timestamp()),  # epoch seconds, as Mastodon's Token entity
    }


def _invalid_grant(description: str) -> Refusal:
    return Refusal(400, "invalid_grant", error_description=description)
