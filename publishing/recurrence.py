"""Recurring items: the occurrences of a rule, and the publications that carry them.

Each occurrence on each target is one Publication keyed by (rule, account, variant, day). Applying a rule
again (after an edit voided the approval and managers approved again) creates what is missing and brings back
what the edit cancelled, never a second row; an occurrence a person skipped, or one whose time has passed,
stays as it is. Beside scheduling.py, this module is the one writer of occurrences' publications: it creates,
revives and skips them; moving one is scheduling.reschedule(), like any publication.
"""

from __future__ import annotations

import calendar
import datetime as dt
import zoneinfo
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from django.contrib.auth.models import AbstractBaseUser
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from audit import events
from campaigns import workflow
from campaigns.models import ContentItem, Variant
from campaigns.scoping import role_in
from publishing import scheduling
from publishing.models import Publication, PublicationAttempt, Recurrence, SocialAccount

P = Publication.State
F = Recurrence.Frequency
# A year of a daily rule. A longer series is a new rule later, made when its content is still right.
MAX_OCCURRENCES = 366
# How many occurrences the page shows before the rule is saved.
PREVIEW_OCCURRENCES = 8


@dataclass(frozen=True)
class Occurrence:
    """One day of a rule, and the UTC instant its wall-clock time falls on that day."""

    on: dt.date
    at: dt.datetime


def occurrences(rule: Recurrence, limit: int = MAX_OCCURRENCES) -> list[Occurrence]:
    """The rule's occurrences in order, from its first day to its end (its date or count), at most `limit`."""
    zone = zoneinfo.ZoneInfo(rule.timezone)
    found: list[Occurrence] = []
    for day in _days(rule):
        if (rule.until and day > rule.until) or (rule.count is not None and len(found) >= rule.count):
            break
        if len(found) >= limit:
            break
        found.append(Occurrence(day, wall_clock_instant(day, rule.local_time, zone)))
    return found


def has_too_many(rule: Recurrence) -> bool:
    """Whether the rule would make more than MAX_OCCURRENCES occurrences (its end is too far)."""
    return len(occurrences(rule, MAX_OCCURRENCES + 1)) > MAX_OCCURRENCES


def wall_clock_instant(day: dt.date, time: dt.time, zone: dt.tzinfo) -> dt.datetime:
    """`day` at `time` in `zone`, in UTC, for a time that must happen whatever the clocks do that day.

    A time the spring change skips (02:30 in Paris) is read with the offset before the change, so it goes out
    at 03:30, as iCalendar does (RFC 5545, 3.3.5); a time the autumn change repeats is its first pass (fold 0).
    """
    return dt.datetime.combine(day, time, tzinfo=zone).astimezone(dt.UTC)


def schedule_recurring(
    item: ContentItem, actor: AbstractBaseUser, rule: Recurrence, targets: Iterable[tuple[Variant, SocialAccount]]
) -> list[Publication]:
    """Save `rule` (unsaved) for an approved item and schedule each occurrence to come on each target; the item
    becomes scheduled. Refused, with nothing saved, as schedule() refuses."""
    targets = list(targets)
    _check_targets_outside(targets)
    with transaction.atomic():
        locked = _lock_approved(item)
        rule.item, rule.created_by = locked, actor
        rule.timezone = rule.timezone or locked.campaign.organisation.timezone
        rule.targets = [[variant.pk, account.pk] for variant, account in targets]
        rule.full_clean()
        rule.save()
        return _apply(locked, rule, targets, actor)


def reschedule_remaining(recurrence: Recurrence, actor: AbstractBaseUser) -> list[Publication]:
    """After a re-approval: schedule the rule's occurrences still to come again (the item becomes scheduled).

    Occurrences cancelled by the edit come back; skipped ones and past ones stay as they are."""
    targets = targets_of(recurrence)
    _check_targets_outside(targets)
    with transaction.atomic():
        locked = _lock_approved(recurrence.item)
        return _apply(locked, recurrence, targets, actor)


def targets_of(recurrence: Recurrence) -> list[tuple[Variant, SocialAccount]]:
    """The rule's variants and accounts that still exist (a deleted variant or account is left out)."""
    pairs = [(variant_id, account_id) for variant_id, account_id in recurrence.targets]
    variants = Variant.objects.filter(item=recurrence.item_id).in_bulk([v for v, _ in pairs])
    accounts = SocialAccount.objects.for_organisation(recurrence.item.campaign.organisation).in_bulk(
        [a for _, a in pairs]
    )
    return [(variants[v], accounts[a]) for v, a in pairs if v in variants and a in accounts]


def skip_occurrence(publication: Publication, actor: AbstractBaseUser) -> Publication:
    """Cancel one occurrence not yet handed to its platform; the rule's other occurrences go on."""
    if role_in(actor, publication.account.organisation) not in workflow.PLANNING_ROLES:
        raise workflow.WorkflowError(_("Your role cannot decide about publications."), code="forbidden", status=403)
    if publication.recurrence_id is None:
        raise workflow.WorkflowError(
            _("Only an occurrence of a recurring item can be skipped; unschedule the item instead."),
            code="not_recurring", status=409,
        )  # fmt: skip
    # One whose reply was lost may be on the platform already: a person settles it on the publication log.
    in_doubt = PublicationAttempt.objects.filter(publication=publication, outcome=PublicationAttempt.Outcome.UNKNOWN)
    skipped = 0
    with transaction.atomic():
        if not in_doubt.exists():
            skipped = Publication.objects.filter(pk=publication.pk, state__in=scheduling.PENDING_STATES).update(
                state=P.CANCELLED, skipped_at=timezone.now(), last_error=f"Skipped by {actor.get_username()}."
            )
        if not skipped:
            raise workflow.WorkflowError(
                _("It is already being published or done: it cannot be skipped."), code="wrong_state", status=409
            )
        _record(publication, actor, "publication.skipped", {"day": publication.occurrence_on})
        _publish_item_if_done(publication.variant.item)
    publication.refresh_from_db()
    return publication


def _check_targets_outside(targets: list[tuple[Variant, SocialAccount]]) -> None:
    if not targets:
        raise workflow.WorkflowError(
            _("Choose at least one variant and account."), code="nothing_to_schedule", status=400
        )
    scheduling.check_accounts_take(targets)  # may ask the platform: outside the transaction


def _lock_approved(item: ContentItem) -> ContentItem:
    locked = ContentItem.objects.select_for_update().select_related("campaign__organisation").get(pk=item.pk)
    if not workflow.is_approved_version(locked):
        raise workflow.WorkflowError(_("Only the approved version can be scheduled."), code="not_approved", status=409)
    return locked


def _apply(
    item: ContentItem, rule: Recurrence, targets: list[tuple[Variant, SocialAccount]], actor: AbstractBaseUser
) -> list[Publication]:
    """Create or bring back the publications of the occurrences to come; then the item is scheduled."""
    for variant, account in targets:
        scheduling.check_target(item, variant, account)
    now, cutoff = timezone.now(), scheduling.late_cutoff(item)
    existing = {(p.variant_id, p.account_id, p.occurrence_on): p for p in Publication.objects.filter(recurrence=rule)}
    created, revived = [], []
    for occurrence in (o for o in occurrences(rule) if o.at > now):
        for variant, account in targets:
            known = existing.get((variant.pk, account.pk, occurrence.on))
            if known is None:
                publication = Publication(
                    variant=variant, account=account, scheduled_at=occurrence.at,
                    latest_acceptable_at=occurrence.at + cutoff, recurrence=rule, occurrence_on=occurrence.on,
                    created_by=actor,
                )  # fmt: skip
                created.append(publication)
            elif known.state == P.CANCELLED and known.skipped_at is None and known.scheduled_at > now:
                revived.append(known.pk)
    if times := [p.scheduled_at for p in created] + [p.scheduled_at for p in existing.values() if p.pk in revived]:
        scheduling.check_evidence(item, max(times))  # a review that covers the last occurrence covers them all
    if not created and not revived:
        raise workflow.WorkflowError(
            _("No occurrence of this rule is left to schedule: each has passed or is already scheduled."),
            code="nothing_to_schedule", status=400,
        )  # fmt: skip
    try:
        with transaction.atomic():
            Publication.objects.bulk_create(created)
    except IntegrityError as error:
        raise workflow.WorkflowError(
            _("An occurrence falls at the time this variant is already scheduled on this account."),
            code="duplicate", status=409,
        ) from error  # fmt: skip
    Publication.objects.filter(pk__in=revived, state=P.CANCELLED, skipped_at__isnull=True).update(
        state=P.SCHEDULED, next_attempt_at=None, last_error=""
    )
    targets_shown = [f"{variant.platform}/{variant.language} → {account.handle}" for variant, account in targets]
    workflow.perform(
        item, "schedule", actor,
        details={"recurrence": rule.pk, "repeats": str(rule), "occurrences": len(created) + len(revived),
                 "targets": targets_shown},
    )  # fmt: skip
    return list(Publication.objects.filter(recurrence=rule, state=P.SCHEDULED, scheduled_at__gt=now))


def _publish_item_if_done(item: ContentItem) -> None:
    """The last occurrence skipped after the others went out: the item is published, as sending would say."""
    item.refresh_from_db(fields=["state"])
    publications = Publication.objects.filter(variant__item=item)
    if (
        item.state == ContentItem.State.SCHEDULED
        and not publications.exclude(state__in=(P.PUBLISHED, P.CANCELLED)).exists()
        and publications.filter(state=P.PUBLISHED).exists()
    ):
        workflow.perform(item, "mark_published", None)


def _record(publication: Publication, actor: AbstractBaseUser, action: str, details: dict[str, object]) -> None:
    variant, account = publication.variant, publication.account
    label = f"{variant.item.title} — {variant.platform}/{variant.language} → {account.handle}"
    events.record(account.organisation_id, actor, action, "publication", publication.pk, label, details)


def _days(rule: Recurrence) -> Iterator[dt.date]:
    """The rule's days from its first on, without end (occurrences() stops it)."""
    start, step = rule.starts_on, max(rule.interval or 1, 1)
    if rule.frequency == F.DAILY:
        day = start
        while True:
            yield day
            day += dt.timedelta(days=step)
    elif rule.frequency == F.WEEKLY:
        weekdays = sorted(set(rule.weekdays or [start.weekday()]))
        monday = start - dt.timedelta(days=start.weekday())
        while True:
            yield from (d for d in (monday + dt.timedelta(days=w) for w in weekdays) if d >= start)
            monday += dt.timedelta(weeks=step)
    else:
        wanted = rule.day_of_month or start.day
        year, month = start.year, start.month
        while True:
            # A month without the day asked for (the 31st in April, the 30th in February) uses its last day.
            day = dt.date(year, month, min(wanted, calendar.monthrange(year, month)[1]))
            if day >= start:
                yield day
            year, month = divmod(year * 12 + month - 1 + step, 12)
            month += 1
