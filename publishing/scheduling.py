"""The only place that changes a publication's state: scheduling, and every move of the engine.

Moves are conditional updates on the current state ("claim it if it is still queued"), so a move
made twice, or by two workers at once, happens once: 0 rows updated means someone else has it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.db import IntegrityError, transaction
from django.db.models import F, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from api import webhooks
from api.models import WebhookEvent
from audit import events
from campaigns import checks, evidence, workflow
from campaigns.models import ContentItem, Organisation, Variant
from publishing import engagement, metrics, quiet_hours
from publishing.engagement import PostingTime
from publishing.freezes import frozen_publications
from publishing.models import PostingSlot, Publication, PublicationAttempt, Release, SocialAccount
from publishing.platforms import Platform

P = Publication.State
# Not yet handed to a platform: these can still be stopped. A publication being sent right now
# ("publishing") is past that point and is settled by the engine.
PENDING_STATES = (P.SCHEDULED, P.QUEUED, P.RETRYING)
# How late a publication may still go out on its own; past it, a person decides.
ALERT_LATE_CUTOFF = dt.timedelta(minutes=30)
DEFAULT_LATE_CUTOFF = dt.timedelta(hours=6)
DUPLICATE_WINDOW = dt.timedelta(hours=3)
# A release is claimed this long before its instant: its one task prepares every publication (~20 ms each on the
# loaded 2-CPU machine, so ~4 s for 200, media uploads aside) and then waits for the instant. Short enough that a
# freeze started meanwhile is rare (it is checked again at the instant) and that a publish thread is not held long.
RELEASE_CLAIM_AHEAD = dt.timedelta(seconds=15)
SLOT_SEARCH_DAYS = 28


def pending_publications(item: ContentItem) -> QuerySet[Publication]:
    return Publication.objects.filter(variant__item=item, state__in=PENDING_STATES)


def cancel_pending_publications(item: ContentItem, reason: str) -> int:
    """Cancel every publication of `item` not yet handed to a platform; returns how many.

    One waiting to be sent again after a lost reply may be on the platform already: it is not cancelled
    but left unconfirmed, and its people are told.
    """
    return _cancel(pending_publications(item), reason)


def cancel_account_publications(account: SocialAccount, reason: str) -> int:
    """Cancel every publication on `account` not yet handed to it, as `cancel_pending_publications` does."""
    return _cancel(Publication.objects.filter(account=account, state__in=PENDING_STATES), reason)


def _cancel(pending: QuerySet[Publication], reason: str) -> int:
    from publishing.tasks import tell_people

    in_doubt = list(
        pending.filter(state=P.RETRYING, attempt_log__outcome=PublicationAttempt.Outcome.UNKNOWN)
        .values_list("pk", flat=True)
        .distinct()
    )
    if in_doubt:
        doubted = Publication.objects.filter(pk__in=in_doubt, state=P.RETRYING).update(
            state=P.UNCONFIRMED, next_attempt_at=None,
            last_error=f"{reason} A reply was lost earlier: it may be on the platform. Check and decide."[:1000],
        )  # fmt: skip
        if doubted:
            tell_people.delay_on_commit(in_doubt)
    # A conditional update on the row itself: one a worker claimed in the meantime is no longer pending and is
    # left alone. (Filtered through the variant, Django would update by a subquery of ids, and PostgreSQL,
    # after waiting for the worker's lock, would not look at the state again: a send in flight was cancelled.)
    ids = list(pending.exclude(pk__in=in_doubt).values_list("pk", flat=True))
    return Publication.objects.filter(pk__in=ids, state__in=PENDING_STATES).update(
        state=P.CANCELLED, last_error=reason[:1000]
    )


# A time typed a moment ago may have just passed while the form was sent: a minute's grace.
PAST_GRACE = dt.timedelta(minutes=1)


def is_in_the_past(when: dt.datetime) -> bool:
    """Whether a time asked for a new publication has passed (the scheduling form's and the API's rule)."""
    return when < timezone.now() - PAST_GRACE


def late_cutoff(item: ContentItem) -> dt.timedelta:
    """How late a publication of `item` may still go out on its own: its campaign's choice, else the default."""
    if item.campaign.late_cutoff_minutes:
        return dt.timedelta(minutes=item.campaign.late_cutoff_minutes)
    return ALERT_LATE_CUTOFF if item.kind == ContentItem.Kind.ALERT else DEFAULT_LATE_CUTOFF


def schedule(
    item: ContentItem, actor: AbstractBaseUser, targets: Iterable[tuple[Variant, SocialAccount]], when: dt.datetime,
    release: Release | None = None,
) -> list[Publication]:  # fmt: skip
    """Schedule an approved item's variants on accounts at `when` (aware); the item becomes scheduled. In a
    `release`, they go out at its instant, together with its other publications."""
    if release is not None:
        when = release.instant
    if timezone.is_naive(when):
        raise ValueError("schedule() needs an aware datetime")
    targets = list(targets)
    if not targets:
        raise workflow.WorkflowError(
            _("Choose at least one variant and account."), code="nothing_to_schedule", status=400
        )
    _check_accounts_take(targets)
    with transaction.atomic():
        locked = ContentItem.objects.select_for_update().get(pk=item.pk)
        if not workflow.is_approved_version(locked):
            raise workflow.WorkflowError(
                _("Only the approved version can be scheduled."), code="not_approved", status=409
            )
        _check_evidence(locked, when)
        if release is not None and release.organisation_id != locked.campaign.organisation_id:
            raise workflow.WorkflowError(
                _("This release belongs to another organisation."), code="invalid_target", status=400
            )
        publications = []
        for variant, account in targets:
            _check_target(locked, variant, account)
            _check_quiet_hours(locked, account, when)
            publication = Publication(
                variant=variant, account=account, scheduled_at=when, latest_acceptable_at=when + late_cutoff(locked),
                created_by=actor, release=release,
            )  # fmt: skip
            publication.full_clean()
            publications.append(publication)
        Publication.objects.bulk_create(publications)
        targets_shown = [f"{variant.platform}/{variant.language} → {account.handle}" for variant, account in targets]
        details = {"when": when, "targets": targets_shown} | ({"release": release.name} if release else {})
        workflow.perform(locked, "schedule", actor, details=details)
    return publications


def duplicate_warnings(variant: Variant, account: SocialAccount, when: dt.datetime) -> list[str]:
    """Warnings when the same text goes to the same account within a few hours."""
    nearby = Publication.objects.filter(
        account=account, variant__text=variant.text, state__in=[*PENDING_STATES, P.PUBLISHING, P.PUBLISHED],
        scheduled_at__range=(when - DUPLICATE_WINDOW, when + DUPLICATE_WINDOW),
    ).exclude(variant=variant)  # fmt: skip
    return [f"The same text goes to {account} at {p.scheduled_at:%Y-%m-%d %H:%M} UTC." for p in nearby[:3]]


def same_text_elsewhere_warnings(chosen: list[tuple[Variant, SocialAccount]], when: dt.datetime) -> list[str]:
    """Warnings where a platform's rules forbid the same text on several accounts (X's automation rules):
    among the accounts chosen now, and against the organisation's other accounts near that time."""
    from publishing.adapters import adapter_for

    accounts_by_text: dict[tuple[str, str], set[SocialAccount]] = {}
    for variant, account in chosen:
        accounts_by_text.setdefault((account.platform, variant.text), set()).add(account)
    warnings = []
    for (platform, text), accounts in accounts_by_text.items():
        if (window := adapter_for(platform).same_text_elsewhere_window) is None or not text.strip():
            continue
        elsewhere = Publication.objects.filter(
            account__organisation_id=next(iter(accounts)).organisation_id, account__platform=platform,
            variant__text=text, state__in=[*PENDING_STATES, P.PUBLISHING, P.PUBLISHED],
            scheduled_at__range=(when - window, when + window),
        ).exclude(account__in=accounts)  # fmt: skip
        names = sorted({a.handle for a in accounts} | set(elsewhere.values_list("account__handle", flat=True)[:10]))
        if len(names) > 1:
            hours = round(window.total_seconds() / 3600)
            warnings.append(
                f"{Platform(platform).label}'s rules forbid the same text on several accounts: {', '.join(names)} "
                f"would post it within {hours} hours of each other. Give each account its own text."
            )
    return warnings


# Not yet handed to a worker: these can be moved to another time.
MOVABLE_STATES = (P.SCHEDULED, P.RETRYING)


def reschedule(publication: Publication, actor: AbstractBaseUser, when: dt.datetime) -> Publication:
    """Move a publication that has not gone out yet to another instant."""
    _require_planner(publication, actor)
    if publication.release_id is not None:
        raise workflow.WorkflowError(
            _("It goes out with the release “%(release)s”: move the release, and all of it moves.")
            % {"release": publication.release.name}, code="in_release", status=409,
        )  # fmt: skip
    _check_quiet_hours(publication.variant.item, publication.account, when)
    _check_evidence(publication.variant.item, when)
    cutoff = late_cutoff(publication.variant.item)
    before = publication.scheduled_at
    try:
        with transaction.atomic():
            moved = Publication.objects.filter(pk=publication.pk, state__in=MOVABLE_STATES).update(
                scheduled_at=when, latest_acceptable_at=when + cutoff, next_attempt_at=None, state=P.SCHEDULED
            )
            if moved:
                _record(publication, actor, "publication.rescheduled", {"from": before, "to": when})
    except IntegrityError as error:
        raise workflow.WorkflowError(
            _("This variant is already scheduled on this account at that time."), code="duplicate", status=409
        ) from error
    if not moved:
        raise workflow.WorkflowError(
            _("It is already being published or done: it cannot be moved."), code="wrong_state", status=409
        )
    publication.refresh_from_db()
    return publication


def next_free_slot(
    account: SocialAccount, after: dt.datetime, best_times: list[PostingTime] | None = None
) -> dt.datetime | None:
    """The first posting slot of `account` after `after` with nothing scheduled on it, or None. An account with no
    slots of its own is offered the organisation's best times from its history (`best_times`, read if not given)."""
    slots: list[Any] = list(PostingSlot.objects.filter(account=account).order_by("weekday", "local_time"))
    if not slots:
        slots = best_times if best_times is not None else engagement.best_times(account.organisation)
    if not slots:
        return None
    zone = account.organisation.zone
    start = timezone.localtime(after, zone).date()
    taken = set(
        Publication.objects.filter(account=account, state__in=[*PENDING_STATES, P.PUBLISHING, P.PUBLISHED])
        .filter(scheduled_at__gte=after, scheduled_at__lte=after + dt.timedelta(days=SLOT_SEARCH_DAYS + 1))
        .values_list("scheduled_at", flat=True)
    )
    for offset in range(SLOT_SEARCH_DAYS):
        day = start + dt.timedelta(days=offset)
        for slot in (s for s in slots if s.weekday == day.weekday()):
            instant = local_instant(day, slot.local_time, zone)
            if instant is None or instant <= after or instant in taken or quiet_hours.is_quiet(account, instant):
                continue
            return instant
    return None


def local_instant(day: dt.date, time: dt.time, zone: dt.tzinfo) -> dt.datetime | None:
    """`day` at `time` where the organisation works, in UTC; None if that time does not exist (DST gap)."""
    local = dt.datetime.combine(day, time, tzinfo=zone)
    # A wall time skipped by a daylight-saving change does not survive the round trip through UTC.
    round_trip = local.astimezone(dt.UTC).astimezone(zone)
    if round_trip.replace(tzinfo=None) != local.replace(tzinfo=None):
        return None
    return local.astimezone(dt.UTC)


def _check_target(item: ContentItem, variant: Variant, account: SocialAccount) -> None:
    if variant.item_id != item.pk:
        raise workflow.WorkflowError(_("This variant belongs to another item."), code="invalid_target", status=400)
    if account.organisation_id != item.campaign.organisation_id:
        raise workflow.WorkflowError(
            _("This account belongs to another organisation."), code="invalid_target", status=400
        )
    if account.platform != variant.platform:
        raise workflow.WorkflowError(
            _("The %(variant)s variant cannot go to a %(account)s account.")
            % {"variant": variant.get_platform_display(), "account": account.get_platform_display()},
            code="invalid_target", status=400,
        )  # fmt: skip
    if not account.is_active:
        raise workflow.WorkflowError(
            _("%(account)s is switched off.") % {"account": account}, code="invalid_target", status=400
        )


def _check_quiet_hours(item: ContentItem, account: SocialAccount, when: dt.datetime) -> None:
    if not quiet_hours.passes_quiet_hours(item) and (refusal := quiet_hours.refusal(account, when)):
        raise workflow.WorkflowError(refusal, code="quiet_hours", status=400)


def _check_evidence(item: ContentItem, when: dt.datetime) -> None:
    if refusal := evidence.publishing_refusal(item, when):
        raise workflow.WorkflowError(refusal, code="review_expired", status=409)


def move_release(release: Release, actor: AbstractBaseUser, when: dt.datetime) -> Release:
    """Move a release and every publication of it still to be sent to another instant, all or none."""
    _require_planner_in(release.organisation, actor)
    if timezone.is_naive(when):
        raise ValueError("move_release() needs an aware datetime")
    try:
        with transaction.atomic():
            locked = Release.objects.select_for_update().get(pk=release.pk)
            waiting = list(
                Publication.objects.select_for_update()
                .filter(release=locked)
                .exclude(state__in=(P.CANCELLED, P.FAILED, P.EXPIRED))
                .select_related("variant__item__campaign", "account__organisation")
            )
            if any(publication.state not in MOVABLE_STATES for publication in waiting):
                raise workflow.WorkflowError(
                    _("This release is already going out: it cannot be moved."), code="wrong_state", status=409
                )
            for publication in waiting:
                _check_quiet_hours(publication.variant.item, publication.account, when)
                _check_evidence(publication.variant.item, when)
            before, delta = locked.instant, when - locked.instant
            # Each keeps its own latest acceptable time after the instant (an alert's is shorter).
            Publication.objects.filter(pk__in=[p.pk for p in waiting], state__in=MOVABLE_STATES).update(
                scheduled_at=when, latest_acceptable_at=F("latest_acceptable_at") + delta, next_attempt_at=None,
                state=P.SCHEDULED,
            )  # fmt: skip
            locked.instant = when
            locked.save(update_fields=["instant"])
            events.record(
                locked.organisation_id, actor, "release.moved", "release", locked.pk, locked.name,
                {"from": before, "to": when, "publications": len(waiting)},
            )  # fmt: skip
    except IntegrityError as error:
        raise workflow.WorkflowError(
            _("A variant of this release is already scheduled on its account at that time."), code="duplicate",
            status=409,
        ) from error  # fmt: skip
    return locked


def _check_accounts_take(targets: list[tuple[Variant, SocialAccount]]) -> None:
    """Refuse what an account would refuse by its own limits (a Mastodon server's), before anything is saved."""
    from publishing.adapters import adapter_for

    for variant, account in targets:
        adapter_for(account.platform).read_limits(account)
        if errors := [p for p in checks.platform_problems(variant, [account]) if p.severity == checks.ERROR]:
            raise workflow.WorkflowError(
                _("%(handle)s would refuse the %(platform)s variant (%(language)s): %(error)s")
                % {"handle": account.handle, "platform": variant.get_platform_display(),
                   "language": variant.language, "error": errors[0].message}, code="platform_refuses", status=400,
            )  # fmt: skip


# The engine's moves. Each returns whether it happened (False: another worker already made it).


def claim_due(now: dt.datetime, limit: int) -> tuple[list[int], list[int]]:
    """Claim due publications in one short transaction: (ids now queued, ids expired past their deadline).

    A release is claimed whole RELEASE_CLAIM_AHEAD before its instant, whatever `limit` says, so that its
    publications are prepared together and sent at the instant (publishing/release_sending.py); the others fill
    what is left of `limit`."""
    with transaction.atomic():
        pending = Publication.objects.filter(state__in=(P.SCHEDULED, P.RETRYING)).exclude(next_attempt_at__gt=now)
        waiting = pending.filter(scheduled_at__lte=now)
        # Frozen rows wait; crisis items may pass, and sending checks their two approvals.
        frozen = frozen_publications() & Q(variant__item__is_crisis=False)
        together = _claim_releases(pending.filter(scheduled_at__lte=now + RELEASE_CLAIM_AHEAD), frozen)
        due = together + list(
            waiting.select_for_update(skip_locked=True)
            .filter(release__isnull=True)
            .exclude(frozen)
            .order_by("scheduled_at")
            .values_list("pk", "latest_acceptable_at")[: max(limit - len(together), 0)]
        )
        expired = [pk for pk, deadline in due if deadline is not None and deadline < now]
        queued = [pk for pk, deadline in due if pk not in set(expired)]
        Publication.objects.filter(pk__in=queued).update(state=P.QUEUED, enqueued_at=now)
        Publication.objects.filter(pk__in=expired).update(
            state=P.EXPIRED, last_error="Not sent: the latest acceptable time had passed. A person decides."
        )
    return queued, expired


def _claim_releases(waiting: QuerySet[Publication], frozen: Q) -> list[tuple[int, dt.datetime | None]]:
    # The release row is the lock: two dispatchers never share out one release's publications. One frozen
    # publication (not of a crisis item) holds the whole release.
    held = Publication.objects.filter(frozen, release__isnull=False, state__in=PENDING_STATES).values("release_id")
    due = waiting.filter(release__isnull=False).exclude(release_id__in=held).values("release_id")
    releases = list(Release.objects.select_for_update(skip_locked=True).filter(pk__in=due).values_list("pk", flat=True))
    if not releases:
        return []
    return list(
        waiting.select_for_update(skip_locked=True)
        .filter(release_id__in=releases)
        .order_by("release_id", "pk")
        .values_list("pk", "latest_acceptable_at")
    )


def requeue_stale(now: dt.datetime, older_than: dt.timedelta) -> list[int]:
    """Queued long ago and never started: the broker lost the message, so hand it over again."""
    with transaction.atomic():
        stale = list(
            Publication.objects.select_for_update(skip_locked=True)
            .filter(state=P.QUEUED, enqueued_at__lt=now - older_than)
            .values_list("pk", flat=True)
        )
        Publication.objects.filter(pk__in=stale, state=P.QUEUED).update(enqueued_at=now)
    return stale


def start_sending(publication_id: int, now: dt.datetime, lease: dt.timedelta) -> bool:
    """queued → publishing, counting the attempt; False if it is not queued (a duplicate message)."""
    return bool(
        Publication.objects.filter(pk=publication_id, state=P.QUEUED).update(
            state=P.PUBLISHING, attempts=F("attempts") + 1, lease_expires_at=now + lease
        )
    )


def defer_past_quiet_hours(publication_id: int, now: dt.datetime, until: dt.datetime, note: str) -> bool:
    """queued → retrying at `until`, the end of the account's quiet hours, keeping the margin it had before its
    latest acceptable time (the organisation chose the wait, the message did not become stale)."""
    return bool(
        Publication.objects.filter(pk=publication_id, state=P.QUEUED).update(
            state=P.RETRYING,
            next_attempt_at=until,
            last_error=note[:1000],
            latest_acceptable_at=F("latest_acceptable_at") + (until - now),
        )
    )


def defer(publication_id: int, until: dt.datetime, reason: str) -> bool:
    """queued → retrying at `until`, without counting an attempt (nothing was sent)."""
    return bool(
        Publication.objects.filter(pk=publication_id, state=P.QUEUED).update(
            state=P.RETRYING, next_attempt_at=until, last_error=reason
        )
    )


def finish(publication_id: int, state: str, *, from_state: str = P.PUBLISHING, **fields: object) -> bool:
    """publishing (or `from_state`) → a settled or retrying state; False if it was not in `from_state`."""
    return bool(
        Publication.objects.filter(pk=publication_id, state=from_state).update(
            state=state, lease_expires_at=None, **fields
        )
    )


# Until reconciliation has asked the platform, an unconfirmed publication says this.
WORKER_LOST = "The worker stopped while sending: the outcome is unknown. Asking the platform…"


def expire_leases(now: dt.datetime) -> list[int]:
    """Publishing past its lease: the worker died mid-call. The outcome is unknown: a person or reconciliation decides."""
    with transaction.atomic():
        lost = list(
            Publication.objects.select_for_update(skip_locked=True)
            .filter(state=P.PUBLISHING, lease_expires_at__lt=now)
            .values_list("pk", flat=True)
        )
        Publication.objects.filter(pk__in=lost, state=P.PUBLISHING).update(
            state=P.UNCONFIRMED,
            lease_expires_at=None,
            last_error=WORKER_LOST,
        )
    return lost


def resend_absent(publication_id: int, reason: str) -> bool:
    """unconfirmed → retrying now: the platform has no such post, and a resend carries the same idempotency key."""
    return bool(
        Publication.objects.filter(pk=publication_id, state=P.UNCONFIRMED).update(
            state=P.RETRYING, next_attempt_at=None, last_error=reason[:1000]
        )
    )


def note_unconfirmed(publication_id: int, reason: str) -> bool:
    """Stays unconfirmed, with what reconciling found out, for the person who decides."""
    return bool(Publication.objects.filter(pk=publication_id, state=P.UNCONFIRMED).update(last_error=reason[:1000]))


def mark_retracted(publication_id: int, reason: str) -> bool:
    """published → retracted: its post was deleted from the platform (publishing/retractions.py decides)."""
    with transaction.atomic():
        moved = Publication.objects.filter(pk=publication_id, state=P.PUBLISHED).update(
            state=P.RETRACTED, last_error=reason[:1000]
        )
        if moved:
            metrics.stop_collecting(publication_id, reason)
    return bool(moved)


# A person's decisions about what the engine could not settle.
NEEDS_A_PERSON = (P.FAILED, P.EXPIRED, P.UNCONFIRMED)


def retry_now(publication: Publication, actor: AbstractBaseUser) -> Publication:
    """Send a failed, expired or unconfirmed-and-not-sent publication again, now."""
    _require_planner(publication, actor)
    now = timezone.now()
    _check_evidence(publication.variant.item, now)
    moved = Publication.objects.filter(pk=publication.pk, state__in=NEEDS_A_PERSON).update(
        state=P.SCHEDULED, scheduled_at=now, latest_acceptable_at=now + late_cutoff(publication.variant.item),
        next_attempt_at=None, last_error=f"Sent again by {actor.get_username()}.",
    )  # fmt: skip
    if not moved:
        raise workflow.WorkflowError(
            _("Only failed, expired or unconfirmed publications can be sent again."), code="wrong_state", status=409
        )
    _record(publication, actor, "publication.retried", {"from": publication.state, "at": now})
    publication.refresh_from_db()
    return publication


def confirm_published(publication: Publication, actor: AbstractBaseUser, remote_url: str) -> Publication:
    """A person checked the platform: the unconfirmed post is there (at `remote_url`)."""
    _require_planner(publication, actor)
    remote_id = remote_url.rstrip("/").rsplit("/", 1)[-1] or "confirmed-by-hand"
    now = timezone.now()
    with transaction.atomic():
        moved = Publication.objects.filter(pk=publication.pk, state=P.UNCONFIRMED).update(
            state=P.PUBLISHED, remote_id=remote_id[:200], remote_url=remote_url[:500], published_at=now,
            last_error=f"Confirmed published by {actor.get_username()}.",
        )  # fmt: skip
        if not moved:
            raise workflow.WorkflowError(
                _("Only an unconfirmed publication can be confirmed."), code="wrong_state", status=409
            )
        _record(publication, actor, "publication.confirmed", {"remote_url": remote_url})
        metrics.start_collecting(publication.pk, publication.account_id, now)
        webhooks.publication_settled(publication.pk, WebhookEvent.PUBLICATION_PUBLISHED)
    publication.refresh_from_db()
    return publication


def _record(publication: Publication, actor: AbstractBaseUser, action: str, details: dict[str, Any]) -> None:
    variant, account = publication.variant, publication.account
    label = f"{variant.item.title} — {variant.platform}/{variant.language} → {account.handle}"
    events.record(account.organisation_id, actor, action, "publication", publication.pk, label, details)


def _require_planner(publication: Publication, actor: AbstractBaseUser) -> None:
    _require_planner_in(publication.account.organisation, actor)


def _require_planner_in(organisation: Organisation, actor: AbstractBaseUser) -> None:
    from campaigns.scoping import role_in

    if role_in(actor, organisation) not in workflow.PLANNING_ROLES:
        raise workflow.WorkflowError(_("Your role cannot decide about publications."), code="forbidden", status=403)


# schedule()'s guards, for the other service that creates publications (publishing/recurrence.py's occurrences).
check_target = _check_target
check_accounts_take = _check_accounts_take
check_evidence = _check_evidence
