"""Cadences: the plan that fills a campaign's posting rhythm with its approved items, and applying exactly that plan.

One item takes one slot: `scheduling.schedule()` moves an item from approved to scheduled once, so an item is posted
at one instant, on every cadence account that it has a variant for (one variant an account, in the campaign's first
language that has one). The next item takes the next slot where all of its accounts are free: a slot is occupied
when the account already has a publication near it, or when an earlier item of the plan took it.
"""

from __future__ import annotations

import bisect
import datetime as dt
import hashlib
import json
from dataclasses import dataclass, field

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from audit import events
from campaigns import workflow
from campaigns.models import ContentItem, Variant
from campaigns.scoping import role_in
from publishing import scheduling
from publishing.models import Cadence, Publication, SocialAccount

P = Publication.State
# An account posting within this of a slot makes the slot occupied: two posts minutes apart crowd each other.
OCCUPIED_WINDOW = dt.timedelta(minutes=30)
# How far ahead an open-ended cadence (no end of its own, none of its campaign's) is planned.
HORIZON = dt.timedelta(days=62)
TAKEN_STATES = (*scheduling.PENDING_STATES, P.PUBLISHING, P.PUBLISHED)

PRESETS: dict[str, tuple[str, list[str], list[int]]] = {
    # key: (name, times of day, weekdays)
    "outbreak": ("Outbreak: 3 a day", ["08:00", "13:00", "19:00"], [0, 1, 2, 3, 4, 5, 6]),
    "steady": ("Steady: Mon, Wed, Fri", ["10:00"], [0, 2, 4]),
}


@dataclass(frozen=True)
class Placement:
    """One item at one instant, on its variants for the cadence's accounts."""

    item: ContentItem
    instant: dt.datetime
    targets: tuple[tuple[Variant, SocialAccount], ...]


@dataclass(frozen=True)
class Slot:
    """One account at one instant of the cadence: taken by the plan, already occupied, or left free."""

    instant: dt.datetime
    account: SocialAccount
    planned: Placement | None = None
    occupied_by: str = ""  # what is already there (its item's title)

    @property
    def status(self) -> str:
        return "planned" if self.planned else "occupied" if self.occupied_by else "free"


@dataclass
class Plan:
    """What applying a cadence would schedule, and what it leaves out; `fingerprint` names it for `apply`."""

    cadence: Cadence
    accounts: list[SocialAccount]
    placements: list[Placement] = field(default_factory=list)
    slots: list[Slot] = field(default_factory=list)
    unplaced: list[tuple[ContentItem, str]] = field(default_factory=list)
    skipped_accounts: list[SocialAccount] = field(default_factory=list)
    items_found: int = 0

    @property
    def fingerprint(self) -> str:
        rows = [
            [p.item.pk, p.item.version, p.instant.isoformat(), [[v.pk, a.pk] for v, a in p.targets]]
            for p in self.placements
        ]
        return hashlib.sha256(json.dumps([self.cadence.pk, rows]).encode()).hexdigest()


def approved_items(cadence: Cadence) -> list[ContentItem]:
    """The campaign's approved items in the order they go out: planned time first, then the order they were made."""
    items = (
        ContentItem.objects.filter(campaign=cadence.campaign, state=ContentItem.State.APPROVED)
        .prefetch_related("variants")
        .order_by(F("planned_at").asc(nulls_last=True), "created_at", "pk")
    )
    return [item for item in items if workflow.is_approved_version(item)]


def instants(cadence: Cadence, after: dt.datetime) -> list[dt.datetime]:
    """The cadence's instants after `after`, in UTC, from the organisation's wall-clock times (a time a DST change
    skips that day is left out; one it repeats is its first occurrence)."""
    zone = cadence.campaign.organisation.zone
    first = max(cadence.starts_on, timezone.localtime(after, zone).date())
    last = cadence.ends_on or cadence.campaign.end_date or first + HORIZON
    last = min(last, timezone.localtime(after, zone).date() + HORIZON)
    found = []
    for offset in range((last - first).days + 1):
        day = first + dt.timedelta(days=offset)
        if day.weekday() not in cadence.weekdays:
            continue
        for time in cadence.local_times:
            instant = scheduling.local_instant(day, time, zone)
            if instant is not None and instant > after:
                found.append(instant)
    return found


def plan(cadence: Cadence, now: dt.datetime | None = None) -> Plan:
    """What applying `cadence` now would schedule: reads only."""
    now = now or timezone.now()
    chosen = list(cadence.accounts.filter(organisation_id=cadence.campaign.organisation_id).order_by("platform", "pk"))
    accounts = [account for account in chosen if account.is_active]
    result = Plan(cadence, accounts, skipped_accounts=[a for a in chosen if not a.is_active])
    times = instants(cadence, now)
    items = approved_items(cadence)
    result.items_found = len(items)
    if not times or not accounts:
        result.unplaced = [(item, _("No slot: the cadence has no account or no time left.")) for item in items]
        return result
    occupied = _occupied(accounts, times[0] - OCCUPIED_WINDOW, times[-1] + OCCUPIED_WINDOW)
    taken: dict[tuple[int, dt.datetime], Placement] = {}
    languages = cadence.campaign.effective_languages
    start = 0
    for item in items:
        targets = _targets(item, accounts, languages)
        if not targets:
            result.unplaced.append((item, _("It has no variant for the cadence's accounts.")))
            continue
        for index in range(start, len(times)):
            instant = times[index]
            if all((a.pk, instant) not in taken and not _near(occupied.get(a.pk, []), instant) for _v, a in targets):
                placement = Placement(item, instant, tuple(targets))
                result.placements.append(placement)
                taken.update({(a.pk, instant): placement for _v, a in targets})
                start = index  # later items go no earlier; one on other accounts may share this instant
                break
        else:
            result.unplaced.append((item, _("No free slot left before the cadence ends.")))
    result.slots = _slots(times, accounts, taken, occupied, result.placements)
    return result


def apply(cadence: Cadence, fingerprint: str, actor: AbstractBaseUser) -> list[Publication]:
    """Schedule exactly the plan that was shown (named by `fingerprint`), all or nothing; refused if it changed."""
    check_can_plan(actor, cadence)
    with transaction.atomic():
        # Two people applying the same cadence at once: the second sees the first one's publications, and a changed plan.
        locked = Cadence.objects.select_for_update().select_related("campaign__organisation").get(pk=cadence.pk)
        fresh = plan(locked)
        if fresh.fingerprint != fingerprint:
            raise workflow.WorkflowError(
                _("The plan changed since it was shown (an item or a slot changed): look at it again, then apply."),
                code="plan_changed", status=409,
            )  # fmt: skip
        if not fresh.placements:
            raise workflow.WorkflowError(_("The plan schedules nothing."), code="nothing_to_schedule", status=400)
        publications = []
        for placement in fresh.placements:
            publications += scheduling.schedule(placement.item, actor, placement.targets, placement.instant)
        events.record(
            locked.campaign.organisation, actor, "cadence.applied", "cadence", locked.pk, locked.name,
            {"items": len(fresh.placements), "publications": len(publications)},
        )  # fmt: skip
    return publications


def check_can_plan(actor: AbstractBaseUser, cadence: Cadence) -> None:
    """Raise WorkflowError unless `actor` schedules in the cadence's organisation (editors, managers, admins)."""
    if role_in(actor, cadence.campaign.organisation) not in workflow.PLANNING_ROLES:
        raise workflow.WorkflowError(
            _("Only editors, managers and admins plan publications."), code="forbidden", status=403
        )


def create_cadence(campaign: object, actor: AbstractBaseUser, fields: dict, accounts: list[SocialAccount]) -> Cadence:
    """A new cadence for `campaign`, validated by the model's rules, on accounts of the campaign's organisation."""
    cadence = Cadence(campaign=campaign, created_by=actor, **fields)
    check_can_plan(actor, cadence)
    if any(account.organisation_id != cadence.campaign.organisation_id for account in accounts):
        raise workflow.WorkflowError(
            _("This account belongs to another organisation."), code="invalid_target", status=400
        )
    cadence.full_clean()
    with transaction.atomic():
        cadence.save()
        cadence.accounts.set(accounts)
        events.record(
            cadence.campaign.organisation, actor, "cadence.created", "cadence", cadence.pk, cadence.name,
            {"times": cadence.times, "weekdays": cadence.weekdays, "accounts": [a.handle for a in accounts]},
        )  # fmt: skip
    return cadence


def _targets(
    item: ContentItem, accounts: list[SocialAccount], languages: list[str]
) -> list[tuple[Variant, SocialAccount]]:
    rank = {code: n for n, code in enumerate(languages)}
    variants = sorted(item.variants.all(), key=lambda v: (rank.get(v.language, len(rank)), v.language, v.pk))
    targets = []
    for account in accounts:
        if variant := next((v for v in variants if v.platform == account.platform), None):
            targets.append((variant, account))
    return targets


def _occupied(accounts: list[SocialAccount], start: dt.datetime, end: dt.datetime) -> dict[int, list[tuple]]:
    rows = (
        Publication.objects.filter(account__in=accounts, state__in=TAKEN_STATES, scheduled_at__range=(start, end))
        .order_by("scheduled_at")
        .values_list("account_id", "scheduled_at", "variant__item__title")
    )
    found: dict[int, list[tuple]] = {}
    for account_id, at, title in rows:
        found.setdefault(account_id, []).append((at, title))
    return found


def _near(busy: list[tuple], instant: dt.datetime) -> str:
    """The title of what the account already posts within the window of `instant`, or ""."""
    index = bisect.bisect_left(busy, instant - OCCUPIED_WINDOW, key=lambda row: row[0])
    if index < len(busy) and busy[index][0] <= instant + OCCUPIED_WINDOW:
        return busy[index][1] or "—"
    return ""


def _slots(
    times: list[dt.datetime], accounts: list[SocialAccount], taken: dict, occupied: dict, placements: list[Placement]
) -> list[Slot]:
    # The preview shows the slots up to the last one the plan fills, or the first week's when it fills none.
    last = placements[-1].instant if placements else times[0] + dt.timedelta(days=7)
    return [
        Slot(instant, account, taken.get((account.pk, instant)), _near(occupied.get(account.pk, []), instant))
        for instant in times
        if instant <= last
        for account in accounts
    ]
