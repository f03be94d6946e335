"""The campaign report: what a campaign published and what it drew, read from the collected metrics."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.shortcuts import get_object_or_404

from analytics import figures
from campaigns.models import Campaign


def campaign_for(user: AbstractBaseUser, pk: int) -> Campaign:
    """One campaign of the user's organisations, or 404."""
    return get_object_or_404(Campaign.objects.for_user(user).select_related("organisation"), pk=pk)


def campaign_report(campaign: Campaign) -> dict[str, Any]:
    posts = figures.published(variant__item__campaign=campaign)
    return {"campaign": campaign, "totals": figures.totals(posts)}
