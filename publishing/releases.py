"""Coordinated releases: planning one (its publications are scheduled and moved by publishing/scheduling.py),
and what its page shows."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from django.contrib.auth.models import AbstractBaseUser
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from audit import events
from campaigns import workflow
from campaigns.models import ContentItem, Organisation, Variant
from publishing import scheduling
from publishing.models import Publication, Release, SocialAccount


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
    with transaction.atomic():
        release = create_release(item.campaign.organisation, actor, name, when, embargo_note)
        return scheduling.schedule(item, actor, targets, when, release)


def upcoming_releases(organisation: Organisation, now: dt.datetime) -> list[Release]:
    """The organisation's releases still to come, soonest first (an item may join one)."""
    return list(Release.objects.filter(organisation=organisation, instant__gt=now).order_by("instant"))


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
