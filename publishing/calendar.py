"""Reads for the calendar: one organisation's publications over a month or a week, in its time zone.

Two queries whatever the month holds: the user's organisations (with the user's role in each),
then the publications with everything a chip shows, joined in one `values_list()` query (the first
attached image's 96 px square thumbnail by a correlated subquery). Rows become plain dicts, ready
for a template or for JSON.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.core.files.storage import default_storage
from django.db.models import OuterRef, Subquery
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone

from campaigns.models import Campaign, Membership, Organisation, Rendition, Role
from campaigns.workflow import PLANNING_ROLES
from publishing import scheduling
from publishing.models import Publication
from publishing.platforms import Platform

VIEWS = ("month", "week", "list")
P = Publication.State
# What `scheduling.reschedule` accepts; the chips of other states are not draggable (the server decides anyway).
MOVABLE_STATES = frozenset(scheduling.MOVABLE_STATES)
PLATFORM_LABELS = dict(Platform.choices)

# One row per publication: the field paths read, in the order `_entry` unpacks them.
COLUMNS = (
    "pk", "scheduled_at", "state", "variant__platform", "variant__language", "variant__item_id",
    "variant__item__title", "variant__item__campaign_id", "variant__item__campaign__name",
    "variant__item__campaign__colour", "account__handle", "thumbnail", "recurrence_id", "release__name",
)  # fmt: skip
# The calendar's chip shows the first attached image (a video's too, once it has one) by its square thumbnail.
THUMBNAIL = Subquery(
    Rendition.objects.filter(asset__attachments__variant=OuterRef("variant_id"), purpose="library", shape="square")
    .order_by("asset__attachments__position")
    .values("file")[:1]
)


@dataclass(frozen=True)
class Filters:
    """What the calendar is narrowed to; empty means everything."""

    campaign: int | None = None
    platform: str = ""
    state: str = ""
    language: str = ""

    def lookups(self) -> dict[str, Any]:
        chosen = {
            "variant__item__campaign_id": self.campaign, "variant__platform": self.platform,
            "state": self.state, "variant__language": self.language,
        }  # fmt: skip
        return {lookup: value for lookup, value in chosen.items() if value}


@dataclass(frozen=True)
class CalendarParams:
    """What was asked for: the view, a day in it (None: today where the organisation works), filters."""

    view: str = "month"
    day: dt.date | None = None
    organisation: str = ""  # a slug among the user's organisations; empty: the first one
    filters: Filters = field(default_factory=Filters)


@dataclass(frozen=True)
class Span:
    """The local days a view covers, and the UTC instants that bound them (start included, end excluded)."""

    view: str
    day: dt.date
    first: dt.date
    stop: dt.date  # the day after the last one
    start: dt.datetime
    end: dt.datetime

    @property
    def last(self) -> dt.date:
        return self.stop - dt.timedelta(days=1)

    @property
    def days(self) -> list[dt.date]:
        return [self.first + dt.timedelta(days=n) for n in range((self.stop - self.first).days)]


@dataclass(frozen=True)
class Calendar:
    """One organisation's publications over a span, as plain dicts, with the user's place in it."""

    organisation: Organisation
    organisations: list[Organisation]
    role: str | None
    span: Span
    filters: Filters
    entries: list[dict[str, Any]]
    zone: zoneinfo.ZoneInfo  # the reader's own, else the organisation's

    @property
    def can_plan(self) -> bool:
        return self.role in PLANNING_ROLES


def local_midnight(day: dt.date, zone: dt.tzinfo) -> dt.datetime:
    """The instant `day` begins where the organisation works, in UTC."""
    # fold=0: where a DST change skips or doubles midnight, the day begins at its first instant.
    return dt.datetime.combine(day, dt.time(), tzinfo=zone).astimezone(dt.UTC)


def span_of(view: str, day: dt.date, zone: dt.tzinfo) -> Span:
    """The week (Monday first) or the month (also for the list) holding `day`, in `zone`."""
    if view == "week":
        first = day - dt.timedelta(days=day.weekday())
        stop = first + dt.timedelta(days=7)
    else:
        first = day.replace(day=1)
        stop = (first + dt.timedelta(days=32)).replace(day=1)
    return Span(view, day, first, stop, local_midnight(first, zone), local_midnight(stop, zone))


def organisations_of(user: AbstractBaseUser) -> list[Organisation]:
    """The user's organisations by name, each annotated with the user's `role` there, in one query."""
    role = Membership.objects.filter(user=user, organisation=OuterRef("pk")).values("role")[:1]
    return list(Organisation.objects.for_user(user).annotate(role=Subquery(role)).order_by("name"))


def calendar_for(user: AbstractBaseUser, params: CalendarParams, zone_name: str = "") -> Calendar | None:
    """The calendar `params` ask for, or None when the user belongs to no organisation; 404 for another's.

    Its days and times are in `zone_name` (the person's own zone), else in the organisation's."""
    organisations = organisations_of(user)
    if not organisations:
        return None
    organisation, span, zone = _asked(user, organisations, params, zone_name)
    # The installation's operator acts as an admin where they hold no membership (as `role_in` says).
    role = organisation.role or (Role.ADMIN if user.is_superuser else None)
    entries = publications_in(user, organisation, span, params.filters, zone)
    return Calendar(organisation, organisations, role, span, params.filters, entries, zone)


def span_for(user: AbstractBaseUser, params: CalendarParams, zone_name: str = "") -> tuple[Organisation, Span] | None:
    """The organisation and the span `params` ask for, as `calendar_for` finds them, without the publications."""
    organisations = organisations_of(user)
    if not organisations:
        return None
    organisation, span, _zone = _asked(user, organisations, params, zone_name)
    return organisation, span


def _asked(
    user: AbstractBaseUser, organisations: list[Organisation], params: CalendarParams, zone_name: str
) -> tuple[Organisation, Span, zoneinfo.ZoneInfo]:
    organisation = organisations[0]
    if params.organisation:
        organisation = next((o for o in organisations if o.slug == params.organisation), None)
        if organisation is None:
            raise Http404("You are not a member of this organisation.")
    zone = zoneinfo.ZoneInfo(zone_name) if zone_name else organisation.zone
    return organisation, span_of(params.view, params.day or timezone.localdate(timezone=zone), zone), zone


def publications_in(
    user: AbstractBaseUser, organisation: Organisation, span: Span, filters: Filters, zone: dt.tzinfo | None = None
) -> list[dict[str, Any]]:
    """The organisation's publications in `span` that match `filters`, in time order, as dicts; one query."""
    rows = (
        Publication.objects.for_user(user)
        .for_organisation(organisation)
        .filter(scheduled_at__gte=span.start, scheduled_at__lt=span.end, **filters.lookups())
        .annotate(thumbnail=THUMBNAIL)
        .order_by("scheduled_at", "pk")
        .values_list(*COLUMNS)
    )
    zone = zone or organisation.zone
    return [_entry(row, zone) for row in rows]


def campaigns_of(user: AbstractBaseUser, organisation: Organisation) -> list[tuple[int, str, str]]:
    """(id, name, colour) of the organisation's campaigns, for the filter and the legend."""
    campaigns = Campaign.objects.for_user(user).for_organisation(organisation).order_by("-start_date", "name")
    return list(campaigns.values_list("pk", "name", "colour"))


def publication_for(user: AbstractBaseUser, pk: int) -> Publication:
    """One publication of the user's organisations, with what moving it reads, or 404."""
    queryset = Publication.objects.for_user(user).select_related("account__organisation", "variant__item")
    return get_object_or_404(queryset, pk=pk)


def entry_of(publication: Publication, zone: dt.tzinfo) -> dict[str, Any]:
    """The calendar dict of one publication, read again from the database, with its time in `zone`."""
    row = Publication.objects.filter(pk=publication.pk).annotate(thumbnail=THUMBNAIL).values_list(*COLUMNS).get()
    return _entry(row, zone)


def as_json(calendar: Calendar) -> dict[str, Any]:
    """What the calendar's script reads: the organisation, the span and the publications."""
    span = calendar.span
    return {
        "organisation": {"slug": calendar.organisation.slug, "timezone": calendar.zone.key},
        "view": span.view,
        "first_day": span.first.isoformat(),
        "last_day": span.last.isoformat(),
        "can_plan": calendar.can_plan,
        "publications": calendar.entries,
    }


def _entry(row: tuple, zone: dt.tzinfo) -> dict[str, Any]:
    (
        pk,
        at,
        state,
        platform,
        language,
        item_id,
        title,
        campaign_id,
        campaign,
        colour,
        handle,
        thumbnail,
        rule,
        release,
    ) = row
    return {
        "id": pk, "scheduled_at": at.astimezone(zone).isoformat(), "platform": platform, "language": language,
        "state": state, "campaign_id": campaign_id, "campaign": campaign, "colour": colour,
        "item_id": item_id, "title": title, "account": handle,
        "thumbnail": default_storage.url(thumbnail) if thumbnail else "", "repeats": rule is not None,
        "release": release or "",  # the coordinated release it goes out with
    }  # fmt: skip
