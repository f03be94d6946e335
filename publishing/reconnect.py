"""Accounts that need reconnecting, and warning the owners of their scheduled posts 24 hours ahead.

An account needs reconnecting when its token has expired (or will have, by a given time) with no
refresh token to renew it, when it holds no credentials at all, or when the platform refused it since
it was last connected (the engine fails such publications with "Reconnect the account: …").
"""

from __future__ import annotations

import datetime as dt
import math
from collections import defaultdict
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from campaigns.models import Notification
from campaigns.notifications import managers_of, notify
from publishing.models import Publication, ReconnectWarning, SocialAccount

P = Publication.State
WARN_AHEAD = dt.timedelta(hours=24)
# What the engine writes on a publication the platform refused the credentials of (publishing/sending.py).
REFUSED_PREFIX = "Reconnect the account"
# Not among campaigns' Notification.Kind choices yet (that needs a campaigns migration): shown as is until then.
NOTIFICATION_KIND = Notification.Kind.ACCOUNT_RECONNECT
WAITING = [P.SCHEDULED, P.RETRYING, P.QUEUED]
# Any of these in the credentials lets an adapter act (Bluesky: a session, or the app password to open one).
USABLE_CREDENTIALS = ("access_token", "refresh_token", "app_password", "access_jwt", "refresh_jwt")


@dataclass(frozen=True)
class ConnectionState:
    code: str  # "connected", "expires_soon", "needs_reconnecting", "inactive"
    label: str
    reason: str = ""

    @property
    def needs_reconnecting(self) -> bool:
        return self.code == "needs_reconnecting"


def connection_state(account: SocialAccount, at: dt.datetime | None = None) -> ConnectionState:
    """How the account stands at `at` (default now), with the reason when it needs reconnecting."""
    now = timezone.now()
    at = at or now
    if not account.is_active:
        return ConnectionState("inactive", "inactive")
    if reason := _refusal(account) or _unusable(account, at):
        return ConnectionState("needs_reconnecting", "needs reconnecting", reason)
    expires_at = account.token_expires_at
    if expires_at is not None and not account.credentials.get("refresh_token"):
        days = max(math.ceil((expires_at - now) / dt.timedelta(days=1)), 1)
        return ConnectionState("expires_soon", f"expires in {days} day{'s' if days != 1 else ''}")
    return ConnectionState("connected", "connected")


def _unusable(account: SocialAccount, at: dt.datetime) -> str:
    credentials = account.credentials
    if not any(credentials.get(key) for key in USABLE_CREDENTIALS):
        return "No credentials are stored for it."
    expires_at = account.token_expires_at
    # Bluesky renews its session with the app password; the others only with a refresh token.
    renewable = credentials.get("refresh_token") or credentials.get("app_password")
    if expires_at is not None and expires_at <= at and not renewable:
        return f"Its token expires on {expires_at:%Y-%m-%d %H:%M} UTC and cannot be renewed."
    return ""


def _refusal(account: SocialAccount) -> str:
    since = account.connected_at or account.created_at
    refused = (
        Publication.objects.filter(account=account, state=P.FAILED, last_error__startswith=REFUSED_PREFIX)
        .filter(Q(updated_at__gte=since) if since else Q())
        .order_by("-updated_at")
        .values_list("last_error", flat=True)
        .first()
    )
    return f"The platform refused it: {refused.removeprefix(REFUSED_PREFIX + ': ')[:200]}" if refused else ""


def warn_ahead(now: dt.datetime | None = None) -> int:
    """Warn, once per account per UTC day, the authors and managers of publications due within 24 hours on
    an account that needs reconnecting by then; returns how many accounts were warned about."""
    now = now or timezone.now()
    due = (
        Publication.objects.filter(state__in=WAITING, scheduled_at__gt=now, scheduled_at__lte=now + WARN_AHEAD)
        .filter(account__is_active=True)
        .select_related("account__organisation", "variant__item__campaign__organisation", "variant__item__author")
        .order_by("scheduled_at")
    )
    by_account: dict[int, list[Publication]] = defaultdict(list)
    for publication in due:
        by_account[publication.account_id].append(publication)
    warned = 0
    for publications in by_account.values():
        account = publications[0].account
        # A refusal blocks every post; an expiry only those after it. One query per account, not per post.
        if reason := _refusal(account):
            blocked = publications
        else:
            blocked = [p for p in publications if _unusable(account, p.scheduled_at)]
            reason = _unusable(account, blocked[0].scheduled_at) if blocked else ""
        if blocked and _claim(account, now.date(), len(blocked)):
            _warn(account, blocked, reason)
            warned += 1
    return warned


def _claim(account: SocialAccount, day: dt.date, count: int) -> bool:
    """Whether this run is the one to warn about the account today (the unique constraint decides)."""
    try:
        with transaction.atomic():
            ReconnectWarning.objects.create(account=account, day=day, publications=count)
    except IntegrityError:
        return False
    return True


def _warn(account: SocialAccount, publications: list[Publication], reason: str) -> None:
    first = publications[0]
    titles = sorted({f"“{p.variant.item.title}”" for p in publications})
    message = (
        f"Reconnect {account.handle} ({account.get_platform_display()}) "
        f"before {first.scheduled_at:%Y-%m-%d %H:%M} UTC: "
        f"{len(publications)} scheduled publication(s) ({', '.join(titles[:3])}) cannot go out otherwise. {reason}"
    )
    authors = [p.variant.item.author for p in publications]
    notify([*authors, *managers_of(account.organisation)], first.variant.item, NOTIFICATION_KIND, message)
