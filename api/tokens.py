"""Issuing, checking and revoking API tokens."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets

from django.contrib.auth.models import AbstractBaseUser
from django.utils import timezone

from api.models import TOKEN_PREFIX_CHARS, ApiToken

SECRET_BYTES = 32
# Writing last_used_at on every request would make every read a write; once a minute is precise enough.
LAST_USED_RESOLUTION = dt.timedelta(minutes=1)


def hash_secret(secret: str) -> str:
    """The SHA-256 of a secret, in hex (what the database keeps)."""
    return hashlib.sha256(secret.encode()).hexdigest()


def issue_token(user: AbstractBaseUser, name: str) -> tuple[ApiToken, str]:
    """Create a token for `user`; returns it with its secret, which is not stored and cannot be shown again."""
    while True:
        prefix = secrets.token_hex(TOKEN_PREFIX_CHARS // 2)
        if not ApiToken.objects.filter(prefix=prefix).exists():
            break
    secret = f"{prefix}.{secrets.token_urlsafe(SECRET_BYTES)}"
    token = ApiToken.objects.create(user=user, name=name, prefix=prefix, key_hash=hash_secret(secret))
    return token, secret


def token_for_secret(secret: str) -> ApiToken | None:
    """The live token whose secret this is, or None (unknown, wrong or revoked)."""
    prefix, _, rest = secret.partition(".")
    if not rest or len(prefix) != TOKEN_PREFIX_CHARS:
        return None
    # The prefix is unique: no ORDER BY (first() would sort by the model's ordering on every request).
    token = next(iter(ApiToken.objects.select_related("user").filter(prefix=prefix).order_by()[:1]), None)
    if token is None or not hmac.compare_digest(token.key_hash, hash_secret(secret)):
        return None
    if token.revoked_at is not None:
        return None
    return token


def note_use(token: ApiToken, now: dt.datetime | None = None) -> None:
    """Record that the token was used (at most once per LAST_USED_RESOLUTION)."""
    now = now or timezone.now()
    if token.last_used_at is None or now - token.last_used_at >= LAST_USED_RESOLUTION:
        # A plain update: the token is not a tracked model, and two requests at once must not conflict.
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now


def revoke(token: ApiToken, now: dt.datetime | None = None) -> None:
    """Revoke a token for good (a revoked token is never valid again)."""
    ApiToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(revoked_at=now or timezone.now())
