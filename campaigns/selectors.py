"""Reads for the campaign pages, scoped to what the user may see."""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import Count, Q, QuerySet
from django.shortcuts import get_object_or_404

from campaigns.models import Campaign, ContentItem, Membership

ACTIVE_STATES = [s for s in ContentItem.State.values if s != ContentItem.State.ARCHIVED]


def campaigns_for_home(user: AbstractBaseUser) -> QuerySet[Campaign]:
    """The user's campaigns, current ones first, with counts of their items by state."""
    counts = {f"{state}_count": Count("items", filter=Q(items__state=state)) for state in ContentItem.State.values}
    return (
        Campaign.objects.for_user(user)
        .select_related("organisation")
        .annotate(item_count=Count("items", filter=Q(items__state__in=ACTIVE_STATES)), **counts)
        .order_by("organisation__name", "-priority", "start_date", "name")
    )


def memberships_of(user: AbstractBaseUser) -> QuerySet[Membership]:
    return Membership.objects.filter(user=user).select_related("organisation").order_by("organisation__name")


def campaign_for_user(user: AbstractBaseUser, pk: int) -> Campaign:
    """One campaign the user may see, or 404."""
    return get_object_or_404(Campaign.objects.for_user(user).select_related("organisation"), pk=pk)


def items_of(campaign: Campaign) -> QuerySet[ContentItem]:
    return (
        campaign.items.exclude(state=ContentItem.State.ARCHIVED)
        .select_related("author")
        .prefetch_related("variants")
        .order_by("state", "-updated_at")
    )
