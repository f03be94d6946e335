"""The language and time zone a person sees the planner in, and changing them."""

from __future__ import annotations

import zoneinfo
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.db.models import OuterRef, QuerySet, Subquery
from django.http import HttpRequest
from django.utils import timezone, translation

from campaigns.models import Membership, Organisation
from people.models import Preferences


@dataclass(frozen=True)
class Choice:
    language: str  # empty: what the browser asks for
    timezone: str  # the person's zone, else their organisation's, else settings.TIME_ZONE
    own_timezone: str = ""  # the zone the person chose themselves, empty if none

    @property
    def zone(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.timezone)


def choice_for(user: AbstractBaseUser) -> Choice:
    """What `user` chose, filled in from their (first) organisation and the settings; one query."""
    first_zone = _memberships_in_order(OuterRef("pk")).values("organisation__timezone")
    row = (
        get_user_model()
        .objects.filter(pk=user.pk)
        .values("preferences__language", "preferences__timezone", organisation_zone=Subquery(first_zone[:1]))
        .first()
        or {}
    )
    language = row.get("preferences__language") or ""
    return Choice(
        language=language if language and translation.check_for_language(language) else "",
        timezone=row.get("preferences__timezone") or row.get("organisation_zone") or settings.TIME_ZONE,
        own_timezone=row.get("preferences__timezone") or "",
    )


def organisation_zone_of(user: AbstractBaseUser) -> str:
    """The time zone of the person's first organisation, empty if they belong to none."""
    return _memberships_in_order(user).values_list("organisation__timezone", flat=True).first() or ""


def _memberships_in_order(user: AbstractBaseUser | OuterRef) -> QuerySet[Membership]:
    """A person's memberships, the first they were given first: the first one's zone is their default."""
    return Membership.objects.filter(user=user).order_by("created_at", "pk")


def own_zone_name(request: HttpRequest) -> str:
    """The time zone `request`'s person chose themselves, empty if none (the middleware reads it)."""
    return getattr(request, "own_timezone", "")


def zone_for(request: HttpRequest, organisation: Organisation) -> zoneinfo.ZoneInfo:
    """Where `request`'s person reads and types times of `organisation`: their own zone, else the organisation's."""
    own = own_zone_name(request)
    return zoneinfo.ZoneInfo(own) if own else organisation.zone


def activate(choice: Choice) -> None:
    if choice.language:
        translation.activate(choice.language)
    timezone.activate(choice.zone)


def save_preferences(user: AbstractBaseUser, *, language: str, timezone_name: str) -> Preferences:
    preferences, _ = Preferences.objects.update_or_create(
        user=user, defaults={"language": language, "timezone": timezone_name}
    )
    return preferences
