"""Sending one publication: idempotent, recorded before the platform is called, never doubled.

The steps: claim it (queued → publishing, a conditional update: a message delivered twice does
nothing), record the attempt, re-check that what goes out is still the approved version, call the
adapter, record the outcome. An unknown outcome is reconciled with the platform (`find_existing`)
before anything else; what cannot be settled becomes "unconfirmed" and a person decides.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import random
import socket
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from api import webhooks
from api.models import WebhookEvent
from campaigns import evidence, workflow
from campaigns.models import ContentItem
from publishing import freezes, metrics, quiet_hours, rate_limits, scheduling
from publishing.adapters import adapter_for
from publishing.adapters.base import (
    Adapter,
    AuthFailed,
    Permanent,
    Published,
    PublishError,
    Transient,
    UnknownOutcome,
)
from publishing.models import Publication, PublicationAttempt
from publishing.tasks import tell_people

logger = logging.getLogger(__name__)

P = Publication.State
A = PublicationAttempt.Outcome
MAX_ATTEMPTS = 6
BACKOFF_BASE_S = 2.0
BACKOFF_MAX_S = 15 * 60.0


@dataclass
class Prepared:
    """A publication claimed for sending, its attempt recorded and its post made ready: all that is left is the
    platform call (`post`)."""

    publication: Publication
    attempt: PublicationAttempt
    adapter: Adapter
    post: Callable[[], Published]


@dataclass
class Answer:
    """What the platform answered (a post, or the error it raised), and when."""

    published: Published | None
    error: BaseException | None
    at: dt.datetime


def send(publication_id: int) -> str | None:
    """Send one queued publication; returns the state it settled in, or None if it was not queued."""
    prepared = prepare(publication_id, timezone.now())
    if not isinstance(prepared, Prepared):
        return prepared
    return record(prepared, call(prepared))


def prepare(publication_id: int, now: dt.datetime, lease: dt.timedelta | None = None) -> Prepared | str | None:
    """Claim a queued publication and record its attempt: Prepared, or the state it was left in (None: it was
    not queued, a duplicate message)."""
    publication = (
        Publication.objects.filter(pk=publication_id, state=P.QUEUED)
        .select_related("account__organisation", "variant__item")
        .first()
    )
    if publication is None:
        return None  # not queued any more: a duplicate message, or already handled
    account_id, platform = publication.account_id, publication.account.platform
    # A release is prepared a little before its instant: its quiet hours are those of the instant.
    if (held := _quiet_hours_hold(publication, max(now, publication.scheduled_at))) is not None:
        return held
    wait_s = rate_limits.acquire(platform, account_id)
    if wait_s > 0:
        until = now + dt.timedelta(seconds=wait_s)
        return (
            P.RETRYING if scheduling.defer(publication_id, until, "Waiting for the account's posting rate.") else None
        )
    with transaction.atomic():
        if not scheduling.start_sending(publication_id, now, lease or send_lease()):
            return None
        publication = Publication.objects.select_related("variant__item__campaign", "account").get(pk=publication_id)
        attempt = PublicationAttempt.objects.create(
            publication=publication,
            number=publication.attempts,
            started_at=now,
            worker=f"{socket.gethostname()}:{os.getpid()}",
        )
    logger.info("sending to %s, attempt %d", platform, attempt.number)
    state, refusal = _refusal(publication, now)
    if refusal:
        # Held rows go back to waiting (a freeze's lift decides about them); the others are settled.
        _settle(publication, attempt, state, A.TRANSIENT_ERROR if state == P.SCHEDULED else A.PERMANENT_ERROR, refusal)
        return state
    adapter = adapter_for(publication.account.platform)
    try:
        post = adapter.ready(publication)
    except Exception as error:  # what the platform answered a media upload: settled as the post's answer would be
        return record(Prepared(publication, attempt, adapter, _not_ready), Answer(None, error, timezone.now()))
    return Prepared(publication, attempt, adapter, post)


def _not_ready() -> Published:
    raise RuntimeError("the post was not made ready")


def call(prepared: Prepared) -> Answer:
    """The platform call alone: what it answered, and when (an unexpected error is kept for `record` to raise)."""
    try:
        published = prepared.post()
    except Exception as error:
        return Answer(None, error, timezone.now())
    return Answer(published, None, timezone.now())


def record(prepared: Prepared, answer: Answer) -> str:
    """Settle a sent publication by what its platform answered."""
    publication, attempt, adapter, error = prepared.publication, prepared.attempt, prepared.adapter, answer.error
    if isinstance(error, UnknownOutcome):
        return _reconcile(publication, attempt, adapter, error)
    if isinstance(error, Transient):
        return _retry_or_fail(publication, attempt, error)
    if isinstance(error, Permanent):
        prefix = "Reconnect the account: " if isinstance(error, AuthFailed) else ""
        _settle(publication, attempt, P.FAILED, A.PERMANENT_ERROR, prefix + str(error), error.status)
        return P.FAILED
    if error is not None:
        raise error
    result = answer.published
    _published(publication, attempt, result.remote_id, result.url, notes=result.notes, at=answer.at)
    return P.PUBLISHED


def hold(prepared: Prepared, reason: str) -> str:
    """Put a prepared publication back to waiting, its attempt closed: nothing was posted (a freeze's lift decides)."""
    _settle(prepared.publication, prepared.attempt, P.SCHEDULED, A.TRANSIENT_ERROR, reason)
    return P.SCHEDULED


def _quiet_hours_hold(publication: Publication, now: dt.datetime) -> str | None:
    """The last guard: a publication due inside its account's quiet hours (changed since it was scheduled) waits
    for their end, unless it is an alert or crisis communication. The state it was left in, or None to go on."""
    account = publication.account
    if quiet_hours.passes_quiet_hours(publication.variant.item) or not quiet_hours.is_quiet(account, now):
        return None
    until = quiet_hours.quiet_ends(account, now)
    local = timezone.localtime(until, account.organisation.zone)
    note = (
        f"Held for {account.handle}'s quiet hours ({account.quiet_from:%H:%M}–{account.quiet_until:%H:%M}, "
        f"{account.organisation.timezone}): it goes out at {local:%Y-%m-%d %H:%M}."
    )
    return P.RETRYING if scheduling.defer_past_quiet_hours(publication.pk, now, until, note) else None


def send_lease() -> dt.timedelta:
    """Longer than the adapter's connect + read timeouts (settings check it), so a live call never outlives it."""
    return dt.timedelta(seconds=settings.PLANNER_SEND_LEASE_S)


def _refusal(publication: Publication, now: dt.datetime) -> tuple[str, str]:
    """The state to leave it in and why, when this publication must not go out now; else ('', '')."""
    item = publication.variant.item
    if item.state not in (ContentItem.State.SCHEDULED, ContentItem.State.PUBLISHED):
        return P.CANCELLED, f"Cancelled: the item is {item.get_state_display().lower()}, not scheduled."
    if not workflow.is_approved_version(item):
        return P.CANCELLED, "Cancelled: the content is not the approved version."
    if freezes.is_frozen(publication) and not freezes.may_pass_freeze(item):
        return P.SCHEDULED, "Held: publishing is frozen."
    if refusal := evidence.publishing_refusal(item, now):
        # Stale health advice is never sent on its own: it waits, expired, for a re-review and a person's decision.
        return P.EXPIRED, f"Held, not sent: {refusal}"
    if publication.latest_acceptable_at and now > publication.latest_acceptable_at:
        return P.EXPIRED, "Not sent: the latest acceptable time had passed. A person decides."
    return "", ""


def _reconcile(publication: Publication, attempt: PublicationAttempt, adapter: Adapter, error: PublishError) -> str:
    """The reply was lost: published if the platform has the post; if it says it has not and still honours
    the key, sent again under that key once the lost request is surely over; else a person decides."""
    try:
        found = adapter.find_existing(publication)
    except PublishError as lookup_error:
        _settle(
            publication, attempt, P.UNCONFIRMED, A.UNKNOWN,
            f"The platform may have accepted it ({error}) and could not be asked ({lookup_error}). Check and decide.",
        )  # fmt: skip
        return P.UNCONFIRMED
    if found is not None:
        _published(publication, attempt, found.remote_id, found.url, notes=found.notes)
        return P.PUBLISHED
    if publication.attempts < MAX_ATTEMPTS and _may_resend(publication, adapter):
        # A platform may still be working on a request whose reply we lost: resend only after the read
        # timeout, by when it has either made the post (the key then returns it) or dropped the request.
        later = timezone.now() + dt.timedelta(seconds=settings.PLANNER_PLATFORM_READ_TIMEOUT_S)
        _settle(
            publication, attempt, P.RETRYING, A.UNKNOWN,
            f"No reply ({error}) and the platform has no such post: it is sent again under the same key.",
            next_attempt_at=later,
        )  # fmt: skip
        return P.RETRYING
    _settle(
        publication, attempt, P.UNCONFIRMED, A.UNKNOWN, f"The platform may have accepted it: {error}. Check and decide."
    )
    return P.UNCONFIRMED


def _may_resend(publication: Publication, adapter: Adapter) -> bool:
    """Whether the platform still honours the idempotency key of the publication's first attempt."""
    first = publication.attempt_log.order_by("number").values_list("started_at", flat=True).first()
    return first is not None and adapter.may_resend(first)


def _retry_or_fail(publication: Publication, attempt: PublicationAttempt, error: Transient) -> str:
    if publication.attempts >= MAX_ATTEMPTS:
        _settle(
            publication,
            attempt,
            P.FAILED,
            A.TRANSIENT_ERROR,
            f"Gave up after {publication.attempts} attempts: {error}",
            error.status,
        )
        return P.FAILED
    delay = error.retry_after_s if error.retry_after_s is not None else backoff_s(publication.attempts)
    _settle(
        publication, attempt, P.RETRYING, A.TRANSIENT_ERROR, str(error), error.status,
        next_attempt_at=timezone.now() + dt.timedelta(seconds=delay),
    )  # fmt: skip
    return P.RETRYING


def backoff_s(attempts: int) -> float:
    """Exponential backoff with full jitter, so that many failed posts do not come back together."""
    return random.uniform(0, min(BACKOFF_MAX_S, BACKOFF_BASE_S * 2**attempts))


def reconcile(publication_id: int) -> str | None:
    """An unconfirmed publication: ask the platform whether the post exists; if so it is published.

    If the platform says it does not have it and still honours the first attempt's idempotency key,
    it is sent again with that key (it cannot be doubled); otherwise, or if the platform cannot be
    asked, a person decides.
    """
    publication = (
        Publication.objects.select_related("variant__item", "account")
        .filter(pk=publication_id, state=P.UNCONFIRMED)
        .first()
    )
    if publication is None:
        return None
    adapter = adapter_for(publication.account.platform)
    try:
        found = adapter.find_existing(publication)
    except PublishError as error:
        if scheduling.note_unconfirmed(publication_id, f"The platform could not be asked ({error}). Check and decide."):
            tell_people.delay([publication_id])
        return P.UNCONFIRMED
    if found is not None:
        _published(publication, None, found.remote_id, found.url, from_state=P.UNCONFIRMED, notes=found.notes)
        return P.PUBLISHED
    if _may_resend(publication, adapter):
        reason = "The platform does not have it: sent again under the same idempotency key."
        return P.RETRYING if scheduling.resend_absent(publication_id, reason) else None
    if scheduling.note_unconfirmed(
        publication_id, "The platform shows no such post, but may not tell. Check and decide."
    ):
        tell_people.delay([publication_id])
    return P.UNCONFIRMED


def _published(
    publication: Publication,
    attempt: PublicationAttempt | None,
    remote_id: str,
    url: str,
    from_state: str = P.PUBLISHING,
    notes: tuple[str, ...] = (),
    at: dt.datetime | None = None,
) -> None:
    now = at or timezone.now()
    with transaction.atomic():
        fields = {"remote_id": remote_id, "remote_url": url[:500], "published_at": now, "last_error": ""}
        fields["notes"] = "\n".join(notes)[:2000]
        if not scheduling.finish(publication.pk, P.PUBLISHED, from_state=from_state, **fields):
            return
        metrics.start_collecting(publication.pk, publication.account_id, now)
        webhooks.publication_settled(publication.pk, WebhookEvent.PUBLICATION_PUBLISHED)
        if notes:  # published, but something beside the post went wrong: a person should know
            tell_people.delay_on_commit([publication.pk])
        if attempt is not None:
            _close(attempt, A.SUCCEEDED, "")
        item = publication.variant.item
        remaining = Publication.objects.filter(variant__item=item).exclude(state__in=(P.PUBLISHED, P.CANCELLED))
        if item.state == ContentItem.State.SCHEDULED and not remaining.exists():
            workflow.perform(item, "mark_published", None)


def _settle(
    publication: Publication, attempt: PublicationAttempt, state: str, outcome: str, error: str,
    status: int | None = None, **fields: object,
) -> None:  # fmt: skip
    with transaction.atomic():
        settled = scheduling.finish(publication.pk, state, last_error=error[:1000], **fields)
        _close(attempt, outcome, error, status)
        if settled and state in scheduling.NEEDS_A_PERSON:
            tell_people.delay_on_commit([publication.pk])
        if settled and state == P.FAILED:
            webhooks.publication_settled(publication.pk, WebhookEvent.PUBLICATION_FAILED)


def _close(attempt: PublicationAttempt, outcome: str, error: str, status: int | None = None) -> None:
    attempt.outcome, attempt.error, attempt.http_status, attempt.finished_at = (
        outcome,
        error[:2000],
        status,
        timezone.now(),
    )
    attempt.save(update_fields=["outcome", "error", "http_status", "finished_at"])
