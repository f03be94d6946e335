"""Webhooks: an organisation's URLs receive signed events (item approved, publication published or failed).

`notify` records one delivery per subscribed hook inside the caller's transaction and hands each to a
worker after commit; `deliver` makes one attempt and says when to try again. The receiver checks
`X-Planner-Signature: sha256=<hex HMAC-SHA256 of the raw body with the hook's secret>` and uses
`X-Planner-Delivery` (the same for every attempt) to act on an event once.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import secrets
from dataclasses import dataclass
from typing import Any

import httpx
from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from api.models import Webhook, WebhookDelivery, WebhookEvent
from campaigns.models import ContentItem, Organisation, Role
from campaigns.scoping import role_in
from publishing.models import Publication

SECRET_BYTES = 32
# Six attempts a minute, 2, 4, 8 and 16 minutes apart: a receiver down for half an hour (a deploy, a
# restart) still gets the event; one down longer has a problem a person should look at.
MAX_ATTEMPTS = 6
FIRST_RETRY_AFTER = dt.timedelta(minutes=1)
# A receiver should answer at once and do its work later; a slow one must not hold a worker.
CONNECT_TIMEOUT_S = 3.0
READ_TIMEOUT_S = 10.0
USER_AGENT = "campaign-planner-webhooks/1"


def create_webhook(
    organisation: Organisation, actor: AbstractBaseUser, url: str, events: list[str]
) -> tuple[Webhook, str]:
    """Register `url` for `events` (the organisation's admins); returns the hook and its secret, shown once."""
    _require_admin(organisation, actor)
    secret = secrets.token_hex(SECRET_BYTES)
    hook = Webhook(organisation=organisation, url=url, events=sorted(set(events)), secret=secret, created_by=actor)
    hook.full_clean()
    hook.save()
    return hook, secret


def delete_webhook(hook: Webhook, actor: AbstractBaseUser) -> None:
    """Remove a hook and its deliveries (the organisation's admins)."""
    _require_admin(hook.organisation, actor)
    hook.delete()


def notify(organisation: Organisation, event: str, payload: dict[str, Any]) -> list[WebhookDelivery]:
    """Record `event` for every active hook of `organisation` subscribed to it; each is sent after commit."""
    from api.tasks import deliver_webhook

    # Few hooks per organisation: filtering the event list here works on every database (SQLite has no
    # JSON `contains`).
    hooks = [hook for hook in Webhook.objects.filter(organisation=organisation, is_active=True) if event in hook.events]
    deliveries = []
    for hook in hooks:
        delivery = WebhookDelivery.objects.create(webhook=hook, event=event, payload=payload)
        deliver_webhook.delay_on_commit(delivery.pk)
        deliveries.append(delivery)
    return deliveries


def item_approved(item: ContentItem) -> None:
    """Tell the item's organisation that it was approved."""
    payload = {"item": _item(item), "approved_at": _iso(timezone.now())}
    notify(item.campaign.organisation, WebhookEvent.ITEM_APPROVED, payload)


def publication_settled(publication_id: int, event: str) -> None:
    """Tell the publication's organisation that it was published or failed (as it is now in the database)."""
    publication = Publication.objects.select_related("account__organisation", "variant__item__campaign").get(
        pk=publication_id
    )
    payload = {
        "publication": {
            "id": publication.pk,
            "platform": publication.account.platform,
            "account": publication.account.handle,
            "language": publication.variant.language,
            "scheduled_at": _iso(publication.scheduled_at),
            "published_at": _iso(publication.published_at),
            "remote_url": publication.remote_url,
            "error": publication.last_error if event == WebhookEvent.PUBLICATION_FAILED else "",
        },
        "item": _item(publication.variant.item),
    }
    notify(publication.account.organisation, event, payload)


@dataclass(frozen=True)
class Outcome:
    """What one attempt did: `retry_in` is set when the task should try again after it."""

    result: str
    retry_in: dt.timedelta | None = None


def deliver(delivery_id: int, now: dt.datetime | None = None) -> Outcome:
    """Make one attempt at a delivery (a delivered or abandoned one, or one another worker holds, is left alone)."""
    now = now or timezone.now()
    delivery = WebhookDelivery.objects.select_related("webhook").filter(pk=delivery_id).first()
    if delivery is None or delivery.delivered_at or delivery.gave_up_at:
        return Outcome("settled")
    if not delivery.webhook.is_active:
        _update(delivery, gave_up_at=now, last_error="The webhook was deactivated.")
        return Outcome("inactive")
    # Claim the attempt: a duplicate message for the same attempt updates 0 rows and does nothing.
    claimed = WebhookDelivery.objects.filter(
        pk=delivery.pk, attempts=delivery.attempts, delivered_at__isnull=True, gave_up_at__isnull=True
    ).update(attempts=delivery.attempts + 1, next_attempt_at=None)
    if not claimed:
        return Outcome("taken")
    attempt = delivery.attempts + 1
    status, error = _post(delivery, now)
    if error is None:
        _update(delivery, delivered_at=timezone.now(), last_status=status, last_error="")
        return Outcome("delivered")
    if attempt >= MAX_ATTEMPTS:
        _update(delivery, gave_up_at=timezone.now(), last_status=status, last_error=f"Gave up: {error}"[:2000])
        return Outcome("gave_up")
    retry_in = FIRST_RETRY_AFTER * 2 ** (attempt - 1)
    _update(delivery, next_attempt_at=now + retry_in, last_status=status, last_error=error[:2000])
    return Outcome("retrying", retry_in)


def body_of(delivery: WebhookDelivery) -> bytes:
    """The exact bytes sent (and signed): the same for every attempt."""
    envelope = {
        "id": str(delivery.event_id),
        "event": delivery.event,
        "created_at": _iso(delivery.created_at),
        "data": delivery.payload,
    }
    return json.dumps(envelope, separators=(",", ":"), sort_keys=True).encode()


def signature(secret: str, body: bytes) -> str:
    """The `X-Planner-Signature` value of `body`."""
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def _post(delivery: WebhookDelivery, now: dt.datetime) -> tuple[int | None, str | None]:
    body = body_of(delivery)
    headers = {
        "Content-Type": "application/json",
        "User-Agent": USER_AGENT,
        "X-Planner-Event": delivery.event,
        "X-Planner-Delivery": str(delivery.event_id),
        "X-Planner-Signature": signature(delivery.webhook.secret, body),
        "X-Planner-Timestamp": str(int(now.timestamp())),
    }
    timeout = httpx.Timeout(READ_TIMEOUT_S, connect=CONNECT_TIMEOUT_S)
    try:
        # No redirects: the registered URL is the one that gets the event.
        response = httpx.post(delivery.webhook.url, content=body, headers=headers, timeout=timeout)
    except httpx.HTTPError as error:
        return None, f"{type(error).__name__}: {error}"
    if 200 <= response.status_code < 300:
        return response.status_code, None
    return response.status_code, f"HTTP {response.status_code}: {response.text[:200]}"


def _update(delivery: WebhookDelivery, **fields: object) -> None:
    # An untracked operational row: a plain update, as the claim is.
    WebhookDelivery.objects.filter(pk=delivery.pk).update(**fields)


def _item(item: ContentItem) -> dict[str, Any]:
    return {"id": item.pk, "title": item.title, "campaign": {"id": item.campaign_id, "name": item.campaign.name}}


def _iso(moment: dt.datetime | None) -> str | None:
    return moment.astimezone(dt.UTC).isoformat() if moment else None


def _require_admin(organisation: Organisation, actor: AbstractBaseUser) -> None:
    if role_in(actor, organisation) != Role.ADMIN:
        raise PermissionDenied("Only the organisation's admins manage its webhooks.")
