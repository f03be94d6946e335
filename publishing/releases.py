"""Coordinated releases: planning one (its publications are scheduled and moved by publishing/scheduling.py),
and what its page shows."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from django.contrib.auth.models import AbstractBaseUser
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from audit import events
from campaigns import workflow
from campaigns.models import ContentItem, Organisation, Variant
from publishing import freezes, scheduling
from publishing.models import Freeze, Publication, Release, SocialAccount


@dataclass(frozen=True)
class ReleaseView:
    release: Release
    publications: list[Publication]
    states: list[tuple[str, str, int]]  # (state, its label, how many)
    # Between the first and the last publication the platforms confirmed: how together it went out.
    spread: dt.timedelta | None


def create_release(
    organisation: Organisation, actor: AbstractBaseUser, name: str, instant: dt.datetime, embargo_note: str = ""
) -> Release:
    """Plan a release at `instant`; its publications are added by scheduling items in it."""
    if not name.strip():
        raise workflow.WorkflowError(_("Give the release a name."), code="release_name_required", status=400)
    try:
        with transaction.atomic():
            release = Release.objects.create(
                organisation=organisation, name=name.strip(), instant=instant, embargo_note=embargo_note.strip(),
                created_by=actor,
            )  # fmt: skip
            events.record(organisation, actor, "release.created", "release", release.pk, release.name,
                          {"instant": instant})  # fmt: skip
    except IntegrityError as error:
        raise workflow.WorkflowError(
            _("A release of this name already exists."), code="release_name_taken", status=409
        ) from error
    return release


def schedule_in_new_release(
    item: ContentItem, actor: AbstractBaseUser, targets: Iterable[tuple[Variant, SocialAccount]], when: dt.datetime,
    name: str, embargo_note: str = "",
) -> list[Publication]:  # fmt: skip
    """Plan a release at `when` and schedule the item's chosen variants in it, all or nothing."""
    targets = list(targets)
    _check_not_frozen(item, targets)
    if scheduling.is_in_the_past(when):
        raise workflow.WorkflowError(_("This time has passed; choose a time to come."), code="in_the_past", status=400)
    with transaction.atomic():
        release = create_release(item.campaign.organisation, actor, name, when, embargo_note)
        return scheduling.schedule(item, actor, targets, when, release)


def schedule_in_release(
    item: ContentItem, actor: AbstractBaseUser, targets: Iterable[tuple[Variant, SocialAccount]], release: Release
) -> list[Publication]:
    """Schedule the item's chosen variants in an upcoming release: they go out at its instant, with the others."""
    targets = list(targets)
    _check_not_frozen(item, targets)
    if release.instant - timezone.now() < scheduling.RELEASE_CLAIM_AHEAD:
        raise workflow.WorkflowError(
            _("The release “%(name)s” is going out or has gone out: it can no longer be joined.")
            % {"name": release.name},
            code="release_closed", status=409,
        )  # fmt: skip
    return scheduling.schedule(item, actor, targets, release.instant, release)


def _check_not_frozen(item: ContentItem, targets: list[tuple[Variant, SocialAccount]]) -> None:
    # A freeze holds a release whole: one frozen item would keep every other publication of it back.
    campaign = item.campaign
    covering = Freeze.objects.filter(
        Q(organisation_id=campaign.organisation_id, campaign__isnull=True, account__isnull=True)
        | Q(campaign_id=campaign.pk)
        | Q(account_id__in=[account.pk for _variant, account in targets]),
        lifted_at__isnull=True,
    ).first()
    if covering is not None and not freezes.may_pass_freeze(item):
        raise workflow.WorkflowError(
            _("Publishing is paused (%(reason)s): a release with this item would be held whole. Schedule it "
              "together once the pause is lifted.") % {"reason": covering.reason},
            code="frozen", status=409,
        )  # fmt: skip


def upcoming_releases(organisation: Organisation, now: dt.datetime) -> list[Release]:
    """The organisation's releases an item may still join (not yet claimed for sending), soonest first."""
    joinable = Release.objects.filter(organisation=organisation, instant__gt=now + scheduling.RELEASE_CLAIM_AHEAD)
    return list(joinable.order_by("instant"))


def release_view(release: Release) -> ReleaseView:
    """A release's publications, how many are in each state, and the spread of their publish times."""
    publications = list(
        release.publications.select_related("variant__item", "account").order_by("account__handle", "pk")
    )
    published = [p.published_at for p in publications if p.published_at is not None]
    spread = max(published) - min(published) if published else None
    counts = Counter(p.state for p in publications)
    states = [(state, Publication.State(state).label, n) for state, n in counts.items()]
    return ReleaseView(release, publications, states, spread)
