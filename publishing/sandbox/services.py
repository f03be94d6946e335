"""What the sandbox platform does: accounts, posts stored once per idempotency key, faults, metrics.

Tokens are refreshed in `oauth.py`, uploads measured in `media.py`. The HTTP dialect that calls
these is described in `publishing/sandbox/__init__.py`.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
import time
from collections.abc import Collection
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F, Prefetch, Q, QuerySet
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from publishing.platform_rules import rules_for
from publishing.sandbox.models import (
    FaultKind,
    FaultScope,
    RevokedToken,
    SandboxAccount,
    SandboxFault,
    SandboxMedia,
    SandboxPost,
)

# X's snowflake epoch: remote ids look like X's (milliseconds since it, then 22 random bits).
SNOWFLAKE_EPOCH_MS = 1_288_834_974_657
IDEMPOTENCY_KEY_MAX_LENGTH = 255
LIST_LIMIT = 100  # posts per answer of GET /posts; page on with ?since=
TIMELINE_POSTS_PER_ACCOUNT = 50
DEFAULT_RETRY_AFTER_S = 60
DEFAULT_LATENCY_MS = 1_000
INTEGER_MAX = 2**31 - 1  # PositiveIntegerField on PostgreSQL
# Half of a post's eventual reach has seen it this long after it arrived: curves within a demo.
METRICS_HALF_LIFE = dt.timedelta(minutes=20)
# Where a kind of fault means something: a lost reply is about a stored post, a rejection about content.
KIND_SCOPES = {
    FaultKind.DROP_REPLY: {FaultScope.CREATE},
    FaultKind.REJECT: {FaultScope.CREATE, FaultScope.MEDIA},
}
ACTIVE = Q(remaining__isnull=True) | Q(remaining__gt=0)

# When the request being answered reached the sandbox (publishing/sandbox/middleware.py): a post's `received_at`.
# The time the sandbox then takes to store it (Django and the database, in one process, on a loaded machine) is
# the sandbox's own, not the sender's; a platform's fleet of servers takes a burst in parallel.
request_arrived_at: ContextVar[dt.datetime | None] = ContextVar("sandbox_request_arrived_at", default=None)


class Refusal(Exception):
    """A request the sandbox refuses: the HTTP status and the JSON body to answer with."""

    def __init__(self, status: int, error: str, *, headers: dict[str, str] | None = None, **detail: Any) -> None:
        super().__init__(error)
        self.status = status
        self.body = {"error": error, **detail}
        self.headers = headers


@dataclass(frozen=True)
class NewPost:
    text: str
    link: str
    media: list[dict[str, str]]
    reply_to: str
    payload: dict[str, Any]


def account_for(platform: str, token: str) -> SandboxAccount:
    """The account of a bearer token on a platform, made on the token's first use there, unless expired or revoked."""
    account = SandboxAccount.objects.filter(platform=platform, token=token).first()
    if account is None:
        revoked = RevokedToken.objects.filter(account__platform=platform, kind=RevokedToken.Kind.ACCESS, token=token)
        if revoked.exists():
            raise invalid_token("The access token was revoked")
        # get_or_create recovers from the IntegrityError of two first uses at once.
        account, _ = SandboxAccount.objects.get_or_create(platform=platform, token=token)
    if account.token_expires_at is not None and account.token_expires_at <= timezone.now():
        raise invalid_token("The access token expired")
    return account


def invalid_token(description: str) -> Refusal:
    """401 for a token that was valid once, said in the body and as RFC 6750 §3 says, in WWW-Authenticate."""
    challenge = f'Bearer realm="sandbox", error="invalid_token", error_description="{description}"'
    return Refusal(401, "invalid_token", error_description=description, headers={"WWW-Authenticate": challenge})


def check_new_post(platform: str, body: object) -> NewPost:
    """A create request's body checked as the platform would: its fields, then its text limit."""
    if not isinstance(body, dict):
        raise Refusal(400, "invalid_request", detail="the body must be a JSON object")
    text, link, reply_to = body.get("text"), body.get("link") or "", body.get("reply_to") or ""
    if not isinstance(text, str) or not isinstance(link, str) or not isinstance(reply_to, str):
        raise Refusal(400, "invalid_request", detail="text is required; text, link and reply_to are strings")
    media = body.get("media") or []
    if not isinstance(media, list) or not all(_is_media(m) for m in media):
        raise Refusal(400, "invalid_request", detail='media is a list of {"url" or "id": str, "alt": str}')
    if not text.strip() and not media:
        raise Refusal(400, "invalid_request", detail="a post needs text or media")
    rules = rules_for(platform)
    if len(media) > rules.max_media:
        raise Refusal(422, "too_many_media", limit=rules.max_media)
    if rules.count(text) > rules.text_limit:
        raise Refusal(422, "text_too_long", limit=rules.text_limit)
    if rules.byte_limit and len(text.encode()) > rules.byte_limit:
        raise Refusal(422, "text_too_long", limit=rules.byte_limit, unit="bytes")
    return NewPost(text=text, link=link, media=media, reply_to=reply_to, payload=body)


def _is_media(item: object) -> bool:
    return (
        isinstance(item, dict)
        and any(isinstance(item.get(k), str) and item[k] for k in ("url", "id"))
        and isinstance(item.get("alt", ""), str)
    )


def check_idempotency_key(value: str | None) -> str | None:
    """The Idempotency-Key header's value, None when absent or blank."""
    key = (value or "").strip()
    if len(key) > IDEMPOTENCY_KEY_MAX_LENGTH:
        raise Refusal(
            400, "invalid_request", detail=f"Idempotency-Key is at most {IDEMPOTENCY_KEY_MAX_LENGTH} characters"
        )
    return key or None


def store_post(account: SandboxAccount, new: NewPost, idempotency_key: str | None) -> tuple[SandboxPost, bool]:
    """Store a post once per idempotency key, attaching its uploaded media: the post, and whether this call created it."""
    # The replay comes first, as in Mastodon's PostStatusService: a retry's media are already attached.
    if idempotency_key and (stored := _replay(account, idempotency_key)):
        return stored, False
    media_ids = {m["id"] for m in new.media if m.get("id")}
    _check_attachable(account, media_ids)
    try:
        with transaction.atomic():
            post = SandboxPost.objects.create(
                account=account, remote_id=new_remote_id(), idempotency_key=idempotency_key,
                text=new.text, link=new.link, media=new.media, reply_to=new.reply_to, payload=new.payload,
                received_at=request_arrived_at.get() or timezone.now(),
            )  # fmt: skip
            # Conditional: of two posts racing for the same upload, one attaches it, the other is refused.
            attached = _attachable(account, media_ids).update(post=post)
            if attached != len(media_ids):
                raise Refusal(422, "media_not_found", detail="a media was attached to another post meanwhile")
    except IntegrityError:
        # A request with the same key stored its post in between: the unique constraint decided.
        if idempotency_key and (stored := _replay(account, idempotency_key)):
            return stored, False
        raise
    return post, True


def _attachable(account: SandboxAccount, media_ids: set[str]) -> QuerySet[SandboxMedia]:
    return account.media.filter(remote_id__in=media_ids, post__isnull=True)


def _check_attachable(account: SandboxAccount, media_ids: set[str]) -> None:
    # As Mastodon: only the account's own uploads not yet attached (else "media not found", 422).
    found = set(_attachable(account, media_ids).values_list("remote_id", flat=True))
    if missing := sorted(media_ids - found):
        raise Refusal(422, "media_not_found", ids=missing, detail="upload with POST media first; each upload once")


def _replay(account: SandboxAccount, idempotency_key: str) -> SandboxPost | None:
    stored = account.posts.filter(idempotency_key=idempotency_key).first()
    if stored and stored.deleted_at:
        # Handing back a deleted post would let the client believe it is online.
        raise Refusal(409, "post_deleted", id=stored.remote_id)
    return stored


def new_remote_id() -> str:
    """An id as X's look: milliseconds since X's epoch, then 22 random bits."""
    return str((time.time_ns() // 1_000_000 - SNOWFLAKE_EPOCH_MS) << 22 | secrets.randbits(22))


def parse_since(value: str | None) -> dt.datetime | None:
    """The ?since= instant (ISO 8601; no offset means UTC), None when absent."""
    if not value:
        return None
    # An unescaped "+" of an offset arrives as a space.
    instant = parse_datetime(value) or parse_datetime(value[:19] + value[19:].replace(" ", "+"))
    if instant is None:
        raise Refusal(400, "invalid_request", detail="since is an ISO 8601 date and time")
    return instant if timezone.is_aware(instant) else instant.replace(tzinfo=dt.UTC)


def find_posts(account: SandboxAccount, *, idempotency_key: str | None, since: dt.datetime | None) -> list[SandboxPost]:
    """The account's posts not deleted, oldest first, by idempotency key and received at or after `since`."""
    posts = account.posts.filter(deleted_at__isnull=True)
    if idempotency_key is not None:
        posts = posts.filter(idempotency_key=idempotency_key)
    if since is not None:
        posts = posts.filter(received_at__gte=since)
    return list(posts.order_by("received_at", "pk")[:LIST_LIMIT])


def get_post(account: SandboxAccount, remote_id: str) -> SandboxPost:
    """One post of the account, unless deleted."""
    post = account.posts.filter(remote_id=remote_id, deleted_at__isnull=True).first()
    if post is None:
        raise Refusal(404, "not_found")
    return post


def delete_post(account: SandboxAccount, remote_id: str) -> None:
    """Mark a post deleted (it stays on the timeline page); a second delete finds nothing."""
    if not account.posts.filter(remote_id=remote_id, deleted_at__isnull=True).update(deleted_at=timezone.now()):
        raise Refusal(404, "not_found")


def metrics_for(post: SandboxPost, at: dt.datetime | None = None) -> dict[str, int]:
    """Engagement growing with the post's age: the same figures for the same post at the same age."""
    age_s = max(((at or timezone.now()) - post.received_at).total_seconds(), 0.0)
    # A post stored with its own pace (the demo's history, campaigns/demo_history.py) reaches half its audience then.
    half_life_s = post.payload.get("half_life_s") if isinstance(post.payload, dict) else None
    if isinstance(half_life_s, bool) or not isinstance(half_life_s, int) or half_life_s <= 0:
        half_life_s = int(METRICS_HALF_LIFE.total_seconds())
    return counts_reached(post, age_s / (age_s + half_life_s))


def counts_reached(post: SandboxPost, share: float) -> dict[str, int]:
    """The post's figures once `share` (0 to 1) of its eventual audience has seen it; they never go down as it grows."""
    seed = hashlib.sha256(post.remote_id.encode()).digest()
    # A post stored with its audience (the demo's history, campaigns/demo_history.py) reaches that many.
    audience = post.payload.get("audience") if isinstance(post.payload, dict) else None
    if isinstance(audience, bool) or not isinstance(audience, int) or audience <= 0:
        audience = 500 + int.from_bytes(seed[:4]) % 4_500
    impressions = int(audience * min(max(share, 0.0), 1.0))
    # Rates in per mille, fixed per post; floors of a growing count never go down.
    return {
        "impressions": impressions,
        "likes": impressions * (20 + seed[4] % 40) // 1000,
        "shares": impressions * (3 + seed[5] % 12) // 1000,
        "replies": impressions * (1 + seed[6] % 6) // 1000,
        "clicks": impressions * (10 + seed[7] % 30) // 1000 if post.link else 0,
    }


def add_fault(account: SandboxAccount, body: object) -> SandboxFault:
    """Queue a fault for the account's next requests, from a POST /faults body."""
    if not isinstance(body, dict):
        raise Refusal(400, "invalid_request", detail="the body must be a JSON object")
    kind, scope = body.get("kind"), body.get("applies_to", FaultScope.CREATE)
    if kind not in FaultKind.values:
        raise Refusal(400, "unknown_fault_kind", kinds=FaultKind.values)
    if scope not in FaultScope.values:
        raise Refusal(400, "invalid_request", detail=f"applies_to is one of {', '.join(FaultScope.values)}")
    if kind in KIND_SCOPES and scope not in KIND_SCOPES[kind]:
        raise Refusal(400, "invalid_request", detail=f"{kind} only applies to {', '.join(sorted(KIND_SCOPES[kind]))}")
    return SandboxFault.objects.create(
        account=account, kind=kind, applies_to=scope,
        remaining=_whole_number(body, "remaining", minimum=1),
        retry_after_s=_whole_number(body, "retry_after_s", minimum=0),
        latency_ms=_whole_number(body, "latency_ms", minimum=0),
    )  # fmt: skip


def _whole_number(body: dict[str, Any], name: str, *, minimum: int) -> int | None:
    value = body.get(name)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or not minimum <= value <= INTEGER_MAX:
        raise Refusal(400, "invalid_request", detail=f"{name} is a whole number from {minimum}")
    return value


def active_faults(account: SandboxAccount) -> QuerySet[SandboxFault]:
    """The account's faults still to inject, in the order they will be."""
    return account.faults.filter(ACTIVE).order_by("created_at", "pk")


def clear_faults(account: SandboxAccount) -> int:
    """Remove all of the account's faults; how many there were."""
    deleted, _ = account.faults.all().delete()
    return deleted


def take_fault(
    account: SandboxAccount, endpoint: FaultScope | None = None, kinds: Collection[str] | None = None
) -> SandboxFault | None:
    """The oldest active fault for this request, one use of it consumed; None if none.

    `endpoint`: the scope naming this request's endpoint; None for one that only "all" reaches (lookups).
    `kinds`: only faults of these kinds, where a dialect spreads one endpoint's faults over several requests
    (a resumable upload: a lost reply belongs to its last request, a refusal to its first).
    """
    candidates = active_faults(account).filter(Q(applies_to=FaultScope.ALL) | Q(applies_to=endpoint))
    if kinds is not None:
        candidates = candidates.filter(kind__in=kinds)
    for fault in candidates:
        if fault.remaining is None:
            return fault
        # A conditional decrement: of two requests racing for the last use, one updates no row and
        # moves on to the next fault (or none).
        if SandboxFault.objects.filter(pk=fault.pk, remaining__gt=0).update(remaining=F("remaining") - 1):
            fault.remaining -= 1
            return fault
    return None


def fault_sleep_s(fault: SandboxFault) -> float:
    """How long a fault holds the request: its latency_ms, or the timeout sleep for the waiting kinds."""
    if fault.latency_ms is not None:
        return fault.latency_ms / 1000
    if fault.kind in (FaultKind.TIMEOUT, FaultKind.DROP_REPLY):
        return float(settings.SANDBOX_TIMEOUT_SLEEP_S)
    return DEFAULT_LATENCY_MS / 1000 if fault.kind == FaultKind.LATENCY else 0.0


def timeline() -> list[SandboxAccount]:
    """Every sandbox account with its latest posts (deleted ones too, with their media) and its active faults."""
    latest = SandboxPost.objects.order_by("-received_at", "-pk").prefetch_related("attachments")
    return list(
        SandboxAccount.objects.order_by("platform", "pk").prefetch_related(
            Prefetch("posts", queryset=latest[:TIMELINE_POSTS_PER_ACCOUNT], to_attr="latest_posts"),
            Prefetch("faults", queryset=SandboxFault.objects.filter(ACTIVE), to_attr="active_faults"),
        )
    )
