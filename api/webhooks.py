"""Webhooks: an organisation's URLs receive signed events (item approved, publication published or failed).

`notify` records one delivery per subscribed hook inside the caller's transaction and hands each to a
worker after commit; `deliver` makes one attempt and says when to try again; `resend_lost` sends again
an attempt whose message the broker lost. The receiver checks `X-Planner-Signature: t=<unix
seconds>,sha256=<hex HMAC-SHA256 of "<t>.<raw body>" with the hook's secret>`, refuses an old `t` (a
replay) and uses `X-Planner-Delivery` (the same for every attempt) to act on an event once. A hook's URL
is https on a public address (planner/addresses.py), checked when it is registered and before each
request; the request itself goes through a guarded client (planner/outbound.py), which resolves the name
once, checks those addresses and connects to exactly them (a name pointed elsewhere between the check and
the connection, DNS rebinding, is refused), and ends by `PLANNER_WEBHOOK_DEADLINE_S` whatever the receiver does.

A delivery is made in rounds: the first of up to `MAX_ATTEMPTS` attempts; when it gives up, an admin can
`redeliver` it, which starts a new round of as many (the attempts are numbered across rounds).
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
from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from api.models import Webhook, WebhookDelivery, WebhookEvent
from audit import events as audit
from campaigns.models import ContentItem, Organisation, Role
from campaigns.scoping import role_in
from planner.addresses import AddressRefused, check_address
from planner.outbound import Guard, guarded_client
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
# Only the status matters, and a little of an error's text: a receiver cannot make us read more.
RESPONSE_MAX_BYTES = 1024
# An attempt in progress is due again after this (its worker may die): longer than it can take.
ATTEMPT_LEASE = dt.timedelta(minutes=1)
# An attempt due for this long had its message lost (a broker restart): `resend_lost` sends it again.
LOST_AFTER = dt.timedelta(minutes=2)
RESEND_BATCH = 500


def create_webhook(
    organisation: Organisation, actor: AbstractBaseUser, url: str, events: list[str]
) -> tuple[Webhook, str]:
    """Register `url` for `events` (the organisation's admins); returns the hook and its secret, shown once."""
    _require_admin(organisation, actor)
    secret = secrets.token_hex(SECRET_BYTES)
    hook = Webhook(organisation=organisation, url=url, events=sorted(set(events)), secret=secret, created_by=actor)
    hook.full_clean()
    try:
        check_url(url)
    except AddressRefused as refused:
        raise ValidationError({"url": ValidationError(str(refused), code=refused.code)}) from refused
    with transaction.atomic():
        hook.save()
        audit.record(
            organisation, actor, "webhook.created", "webhook", hook.pk, audit.url_label(url), {"events": hook.events}
        )
    return hook, secret


def delete_webhook(hook: Webhook, actor: AbstractBaseUser) -> None:
    """Remove a hook and its deliveries (the organisation's admins)."""
    _require_admin(hook.organisation, actor)
    with transaction.atomic():
        audit.record(
            hook.organisation, actor, "webhook.deleted", "webhook", hook.pk, audit.url_label(hook.url),
            {"events": hook.events},
        )  # fmt: skip
        hook.delete()


def redeliver(delivery: WebhookDelivery, actor: AbstractBaseUser) -> WebhookDelivery:
    """Start a new round of attempts at a delivery that gave up (the organisation's admins): retried as the first
    round was, it gives up again after `MAX_ATTEMPTS` more."""
    from api.tasks import deliver_webhook
    from campaigns.workflow import WorkflowError  # campaigns.workflow imports this module

    _require_admin(delivery.webhook.organisation, actor)
    if not delivery.webhook.is_active:
        raise WorkflowError(_("The webhook is not active."), code="webhook_inactive", status=409)
    reopened = WebhookDelivery.objects.filter(pk=delivery.pk, gave_up_at__isnull=False).update(
        gave_up_at=None, next_attempt_at=timezone.now(), round=F("round") + 1, round_first_attempt=F("attempts") + 1,
        redelivered_by=actor, redelivered_at=timezone.now(),
    )  # fmt: skip
    if not reopened:
        raise WorkflowError(_("Only a delivery that gave up can be sent again."), code="not_given_up", status=409)
    deliver_webhook.delay_on_commit(delivery.pk, delivery.attempts + 1)
    delivery.refresh_from_db()
    return delivery


def notify(organisation: Organisation, event: str, payload: dict[str, Any]) -> list[WebhookDelivery]:
    """Record `event` for every active hook of `organisation` subscribed to it; each is sent after commit."""
    from api.tasks import deliver_webhook

    # Few hooks per organisation: filtering the event list here works on every database (SQLite has no
    # JSON `contains`).
    hooks = [hook for hook in Webhook.objects.filter(organisation=organisation, is_active=True) if event in hook.events]
    deliveries = []
    for hook in hooks:
        # Due at once: should the message be lost, `resend_lost` finds it by this time.
        delivery = WebhookDelivery.objects.create(
            webhook=hook, event=event, payload=payload, next_attempt_at=timezone.now()
        )
        deliver_webhook.delay_on_commit(delivery.pk, 1)
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
    """What one attempt did: `retry_in` is set when the task should make attempt `attempt + 1` after it."""

    result: str
    retry_in: dt.timedelta | None = None
    attempt: int = 0


def deliver(delivery_id: int, attempt: int | None = None, now: dt.datetime | None = None) -> Outcome:
    """Make attempt number `attempt` (by default the next one) at a delivery.

    A delivered or abandoned delivery is left alone, and so is an attempt already made or being made: a
    duplicate or late message, or one the sweep sent again while the first was only slow, does nothing.
    """
    now = now or timezone.now()
    delivery = WebhookDelivery.objects.select_related("webhook").filter(pk=delivery_id).first()
    if delivery is None or delivery.delivered_at or delivery.gave_up_at:
        return Outcome("settled")
    if attempt is not None and attempt != delivery.attempts + 1:
        return Outcome("taken")
    if not delivery.webhook.is_active:
        _update(delivery, gave_up_at=now, next_attempt_at=None, last_error="The webhook was deactivated.")
        return Outcome("inactive")
    # Claim the attempt: a second message for the same attempt updates 0 rows and does nothing.
    claimed = WebhookDelivery.objects.filter(
        pk=delivery.pk, attempts=delivery.attempts, delivered_at__isnull=True, gave_up_at__isnull=True
    ).update(attempts=delivery.attempts + 1, next_attempt_at=now + ATTEMPT_LEASE)
    if not claimed:
        return Outcome("taken")
    attempt = delivery.attempts + 1
    try:
        # Again at each attempt: what the name points to may have changed since it was registered (and the
        # connection checks the address it connects to once more).
        check_url(delivery.webhook.url)
    except AddressRefused as refused:
        status, error = None, f"Not sent: {refused}"
    else:
        status, error = _post(delivery, now)
    if error is None:
        _update(delivery, delivered_at=timezone.now(), next_attempt_at=None, last_status=status, last_error="")
        return Outcome("delivered", attempt=attempt)
    in_round = attempt - delivery.round_first_attempt + 1
    if in_round >= MAX_ATTEMPTS:
        gave_up = {"gave_up_at": timezone.now(), "next_attempt_at": None}
        _update(delivery, **gave_up, last_status=status, last_error=f"Gave up: {error}"[:2000])
        return Outcome("gave_up", attempt=attempt)
    retry_in = FIRST_RETRY_AFTER * 2 ** (in_round - 1)
    _update(delivery, next_attempt_at=now + retry_in, last_status=status, last_error=error[:2000])
    return Outcome("retrying", retry_in, attempt)


def resend_lost(now: dt.datetime | None = None) -> list[int]:
    """Send again the attempts due for longer than `LOST_AFTER` (their message was lost); their ids."""
    from api.tasks import deliver_webhook

    now = now or timezone.now()
    lost = WebhookDelivery.objects.filter(
        next_attempt_at__lt=now - LOST_AFTER, delivered_at__isnull=True, gave_up_at__isnull=True
    ).order_by("next_attempt_at")
    resent = []
    for pk, attempts in lost.values_list("pk", "attempts")[:RESEND_BATCH]:
        # Due again from now: should this message be lost too, a later sweep sends another.
        if WebhookDelivery.objects.filter(pk=pk, attempts=attempts, gave_up_at__isnull=True).update(
            next_attempt_at=now
        ):
            deliver_webhook.delay(pk, attempts + 1)
            resent.append(pk)
    return resent


def check_url(url: str) -> None:
    """Refuse (AddressRefused) a hook URL that is not https on a public address, unless its host is allowed."""
    check_address(url, settings.PLANNER_WEBHOOK_ALLOWED_HOSTS, schemes=("https",))


def receiver_guard() -> Guard:
    """Hooks are sent to public addresses only, checked on the address connected (a name may be re-pointed after
    registration), whatever PLANNER_BLOCK_PRIVATE_ADDRESSES says; the allowed hosts are the exception."""
    return Guard(lambda: True, lambda: settings.PLANNER_WEBHOOK_ALLOWED_HOSTS)


def body_of(delivery: WebhookDelivery) -> bytes:
    """The exact bytes sent (and signed): the same for every attempt."""
    envelope = {
        "id": str(delivery.event_id),
        "event": delivery.event,
        "created_at": _iso(delivery.created_at),
        "data": delivery.payload,
    }
    return json.dumps(envelope, separators=(",", ":"), sort_keys=True).encode()


def signature(secret: str, body: bytes, timestamp: int) -> str:
    """The `X-Planner-Signature` value of `body` sent at `timestamp`: the time is signed, so a replay shows."""
    digest = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()
    return f"t={timestamp},sha256={digest}"


def _post(delivery: WebhookDelivery, now: dt.datetime) -> tuple[int | None, str | None]:
    """POST the delivery to its hook's URL, through the receivers' guard and within the deadline."""
    body = body_of(delivery)
    headers = {
        "Content-Type": "application/json",
        "User-Agent": USER_AGENT,
        "X-Planner-Event": delivery.event,
        "X-Planner-Delivery": str(delivery.event_id),
        "X-Planner-Signature": signature(delivery.webhook.secret, body, int(now.timestamp())),
    }
    timeout = httpx.Timeout(READ_TIMEOUT_S, connect=CONNECT_TIMEOUT_S)
    deadline_s = settings.PLANNER_WEBHOOK_DEADLINE_S
    try:
        # No redirects (httpx follows none unless told): the registered URL is the one that gets the event.
        with (
            guarded_client(receiver_guard(), deadline_s=deadline_s, timeout=timeout) as client,
            client.stream("POST", delivery.webhook.url, content=body, headers=headers) as response,
        ):
            if 200 <= response.status_code < 300:
                return response.status_code, None
            text = _read_at_most(response, RESPONSE_MAX_BYTES).decode(errors="replace")
    except httpx.HTTPError as error:
        return None, f"{type(error).__name__}: {error}"
    except AddressRefused as refused:
        return None, str(refused)
    return response.status_code, f"HTTP {response.status_code}: {text[:200]}"


def _read_at_most(response: httpx.Response, limit: int) -> bytes:
    content = b""
    for chunk in response.iter_bytes():
        content += chunk
        if len(content) >= limit:
            break
    return content[:limit]


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
