"""Health observances: where each falls in a year, which ones a calendar shows, and an organisation's own list."""

from __future__ import annotations

import calendar as month_calendar
import datetime as dt
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from audit import events
from campaigns.models import Organisation, Role
from campaigns.models.observances import Observance
from campaigns.scoping import role_in
from campaigns.workflow import WorkflowError

# Who keeps an organisation's own observances.
OBSERVANCE_ROLES = frozenset({Role.MANAGER, Role.ADMIN})
# A campaign anchored on an observance starts this long before it and ends this long after its last day.
CAMPAIGN_LEAD = dt.timedelta(days=21)
CAMPAIGN_FOLLOW = dt.timedelta(days=7)
OBSERVANCE_FIELDS = ("name", "month", "day", "weekday", "ordinal", "duration_days", "description", "link")


def visible_to(organisation: Organisation) -> QuerySet[Observance]:
    """The built-in observances and the organisation's own, by date in the year."""
    return Observance.objects.filter(Q(organisation__isnull=True) | Q(organisation=organisation))


def occurrence(observance: Observance, year: int) -> dt.date:
    """The first day of the observance in `year` (29 February falls on the 28th in other years)."""
    if observance.day is not None:
        last = month_calendar.monthrange(year, observance.month)[1]
        return dt.date(year, observance.month, min(observance.day, last))
    first = dt.date(year, observance.month, 1)
    if observance.ordinal == -1:
        last = dt.date(year, observance.month, month_calendar.monthrange(year, observance.month)[1])
        return last - dt.timedelta(days=(last.weekday() - observance.weekday) % 7)
    first_match = first + dt.timedelta(days=(observance.weekday - first.weekday()) % 7)
    return first_match + dt.timedelta(weeks=observance.ordinal - 1)


def next_occurrence(observance: Observance, today: dt.date) -> dt.date:
    """The first day of the observance's next occurrence, or of the current one while it lasts."""
    for year in (today.year - 1, today.year, today.year + 1):
        start = occurrence(observance, year)
        if start + dt.timedelta(days=observance.duration_days - 1) >= today:
            return start
    raise AssertionError("an observance recurs every year")  # unreachable: next year's is always ahead


def on_days(organisation: Organisation, first: dt.date, last: dt.date) -> dict[dt.date, list[Observance]]:
    """The observances the organisation sees on each day from `first` to `last` (a week's on each of its days)."""
    days: dict[dt.date, list[Observance]] = {}
    for observance in visible_to(organisation):
        for year in range(first.year - 1, last.year + 1):
            start = occurrence(observance, year)
            for offset in range(observance.duration_days):
                day = start + dt.timedelta(days=offset)
                if first <= day <= last:
                    days.setdefault(day, []).append(observance)
    return days


def dates_around(observance: Observance, today: dt.date) -> tuple[dt.date, dt.date]:
    """Start and end dates for a campaign anchored on the observance's next occurrence (never starting before today)."""
    start = next_occurrence(observance, today)
    end = start + dt.timedelta(days=observance.duration_days - 1) + CAMPAIGN_FOLLOW
    return max(today, start - CAMPAIGN_LEAD), end


def check_can_keep(actor: AbstractBaseUser, organisation: Organisation) -> None:
    """Raise WorkflowError unless `actor` keeps the organisation's observances (its managers and admins)."""
    if role_in(actor, organisation) not in OBSERVANCE_ROLES:
        raise WorkflowError(_("Only managers and admins add observances."), code="forbidden", status=403)


def add_observance(organisation: Organisation, actor: AbstractBaseUser, fields: dict[str, Any]) -> Observance:
    """A national (or local) observance of the organisation's own, validated by the model's rules."""
    check_can_keep(actor, organisation)
    if unknown := set(fields) - set(OBSERVANCE_FIELDS):
        raise ValueError(f"not settable here: {', '.join(sorted(unknown))}")
    observance = Observance(organisation=organisation, **fields)
    observance.full_clean()
    with transaction.atomic():
        observance.save()
        events.record(organisation, actor, "observance.added", "observance", observance.pk, observance.name, {})
    return observance


def remove_observance(observance: Observance, actor: AbstractBaseUser) -> None:
    """Remove one of the organisation's own observances (built-in ones stay); campaigns anchored on it keep none."""
    if observance.organisation is None:
        raise WorkflowError(_("Built-in observances cannot be removed."), code="built_in", status=409)
    check_can_keep(actor, observance.organisation)
    with transaction.atomic():
        events.record(
            observance.organisation, actor, "observance.removed", "observance", observance.pk, observance.name, {}
        )
        observance.delete()


def write_built_in() -> None:
    """Make the built-in list present (as migration 0016 does; a flushed test database or the demo call it)."""
    from campaigns.observance_days import BUILT_IN

    for key, name, month, day, duration, link in BUILT_IN:
        values = {"name": name, "month": month, "day": day, "duration_days": duration, "link": link}
        Observance.objects.update_or_create(organisation=None, key=key, defaults=values)
