"""A campaign's targets: their progress read from the report's figures, and the changes managers make to them.

Progress compares what was achieved with the target and, for a campaign with an end date, with where a steady
pace would be by today ("on track" or "behind"). Only managers and admins of the organisation set targets and
enter an outcome's figure; every change is kept in the target's history.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import PermissionDenied
from django.db import transaction

from analytics.figures import Totals
from analytics.models import CampaignTarget
from campaigns.models import Campaign, Role
from campaigns.scoping import role_in

M = CampaignTarget.Measure
TARGET_ROLES = frozenset({Role.MANAGER, Role.ADMIN})


@dataclass(frozen=True)
class Progress:
    target: CampaignTarget
    achieved: int | None  # None: an outcome nobody has entered yet
    expected_by_now: int | None  # None: an ongoing campaign has no pace to keep

    @property
    def fraction(self) -> float:
        return min((self.achieved or 0) / self.target.target, 1.0)

    @property
    def percent(self) -> int:
        return int((self.achieved or 0) * 100 / self.target.target)

    @property
    def status(self) -> str:
        if self.achieved is None:
            return "unknown"
        if self.achieved >= self.target.target:
            return "reached"
        if self.expected_by_now is None:
            return "under way"
        return "on track" if self.achieved >= self.expected_by_now else "behind"


def progress(
    campaign: Campaign, targets: list[CampaignTarget], totals: Totals, posts_by: dict[tuple[str, str], int],
    today: dt.date,
) -> list[Progress]:  # fmt: skip
    """Each target's progress; `posts_by` counts published posts per (item kind, platform)."""
    pace = _pace(campaign, today)
    found = []
    for target in targets:
        achieved = _achieved(target, totals, posts_by)
        expected = None if pace is None else round(target.target * pace)
        found.append(Progress(target, achieved, expected))
    return found


def _achieved(target: CampaignTarget, totals: Totals, posts_by: dict[tuple[str, str], int]) -> int | None:
    if target.measure == M.OUTCOME:
        return target.achieved
    if target.measure == M.ITEMS:
        return sum(
            count for (kind, platform), count in posts_by.items()
            if target.kind in ("", kind) and target.platform in ("", platform)
        )  # fmt: skip
    return {M.REACH: totals.reach, M.ENGAGEMENT: totals.engagement, M.VIDEO_VIEWS: totals.video_views}[target.measure]


def _pace(campaign: Campaign, today: dt.date) -> float | None:
    """The fraction of the campaign's days gone by today (its last day counted in full)."""
    if campaign.end_date is None:
        return None
    days = (campaign.end_date - campaign.start_date).days + 1
    gone = (min(today, campaign.end_date) - campaign.start_date).days + 1
    return max(0.0, min(gone / days, 1.0))


def can_set_targets(user: AbstractBaseUser, campaign: Campaign) -> bool:
    return user.is_superuser or role_in(user, campaign.organisation) in TARGET_ROLES


def check_can_set_targets(user: AbstractBaseUser, campaign: Campaign) -> None:
    if not can_set_targets(user, campaign):
        raise PermissionDenied("Only the organisation's managers and admins set a campaign's targets.")


def add_target(campaign: Campaign, user: AbstractBaseUser, values: dict[str, Any]) -> CampaignTarget:
    """A new target for the campaign; ValidationError naming the field when the values do not make one."""
    check_can_set_targets(user, campaign)
    target = CampaignTarget(campaign=campaign, updated_by=user, **values)
    target.full_clean()
    with transaction.atomic():
        target.save()
    return target


def enter_outcome(target: CampaignTarget, user: AbstractBaseUser, achieved: int) -> CampaignTarget:
    """Record the outcome's figure as last reported (e.g. donors registered by the blood service)."""
    check_can_set_targets(user, target.campaign)
    with transaction.atomic():
        locked = CampaignTarget.objects.select_for_update().get(pk=target.pk)
        locked.achieved, locked.updated_by = achieved, user
        locked.full_clean()
        locked.save(update_fields=["achieved", "updated_by", "updated_at"])
    return locked


def remove_target(target: CampaignTarget, user: AbstractBaseUser) -> None:
    check_can_set_targets(user, target.campaign)
    target.delete()
