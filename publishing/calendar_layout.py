"""How the calendar's entries are laid out on the page: a month grid, a week of hours, a list of days."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.core.paginator import Page, Paginator

from publishing.calendar import MOVABLE_STATES, PLATFORM_LABELS, Calendar, Span
from publishing.models import Publication

# A day cell of the month shows this many chips, then "+ n more" (the week view shows them all).
MONTH_CHIPS_PER_DAY = 5
# The list view pages by whole days: a page holds this many days that have publications.
LIST_DAYS_PER_PAGE = 7
HOURS = range(24)
STATE_LABELS = dict(Publication.State.choices)


@dataclass
class Day:
    """One local day of a view and the chips on it."""

    date: dt.date
    in_span: bool = True
    is_today: bool = False
    chips: list[dict[str, Any]] = field(default_factory=list)
    observances: list[Any] = field(default_factory=list)  # the health days it falls on (campaigns/observances.py)

    @property
    def shown(self) -> list[dict[str, Any]]:
        return self.chips[:MONTH_CHIPS_PER_DAY]

    @property
    def more(self) -> int:
        return max(0, len(self.chips) - MONTH_CHIPS_PER_DAY)


def chips(calendar: Calendar) -> list[dict[str, Any]]:
    """The entries with what a chip also shows: local date and time, platform label, whether it can be dragged."""
    movable = calendar.can_plan
    for entry in calendar.entries:
        local = entry["scheduled_at"]  # "2027-03-31T23:30:00+02:00": the local wall time leads
        entry["date"], entry["time"], entry["hour"] = local[:10], local[11:16], int(local[11:13])
        entry["platform_label"] = PLATFORM_LABELS.get(entry["platform"], entry["platform"])
        entry["state_label"] = STATE_LABELS.get(entry["state"], entry["state"])
        entry["movable"] = movable and entry["state"] in MOVABLE_STATES
    return calendar.entries


def month_weeks(span: Span, entries: list[dict[str, Any]], today: dt.date) -> list[list[Day]]:
    """Weeks of seven days, Monday first, from the week of the 1st to the week of the last day."""
    first = span.first - dt.timedelta(days=span.first.weekday())
    last = span.stop - dt.timedelta(days=1)
    stop = last + dt.timedelta(days=7 - last.weekday())
    days = [_day(first + dt.timedelta(days=n), span, today) for n in range((stop - first).days)]
    _place(days, entries)
    return [days[n : n + 7] for n in range(0, len(days), 7)]


def week_hours(span: Span, entries: list[dict[str, Any]], today: dt.date) -> tuple[list[Day], list[tuple]]:
    """The seven days, and one row per hour holding each day's chips in that hour."""
    days = [_day(date, span, today) for date in span.days]
    cells: dict[tuple[str, int], list[dict[str, Any]]] = {}
    for entry in entries:
        cells.setdefault((entry["date"], entry["hour"]), []).append(entry)
    rows = [(hour, [(day, cells.get((day.date.isoformat(), hour), [])) for day in days]) for hour in HOURS]
    return days, rows


def list_page(span: Span, entries: list[dict[str, Any]], today: dt.date, number: int | str | None) -> Page:
    """The days that have publications, a page of whole days at a time."""
    days = [_day(date, span, today) for date in span.days]
    _place(days, entries)
    return Paginator([day for day in days if day.chips], LIST_DAYS_PER_PAGE).get_page(number)


def mark_observances(days: list[Day], by_day: dict[dt.date, list[Any]]) -> None:
    """Label each day with the observances that fall on it."""
    for day in days:
        day.observances = by_day.get(day.date, [])


def neighbours(span: Span) -> tuple[dt.date, dt.date]:
    """A day of the previous and of the next week or month."""
    if span.view == "week":
        return span.first - dt.timedelta(days=7), span.stop
    return (span.first - dt.timedelta(days=1)).replace(day=1), span.stop


def _day(date: dt.date, span: Span, today: dt.date) -> Day:
    return Day(date, in_span=span.first <= date < span.stop, is_today=date == today)


def _place(days: list[Day], entries: list[dict[str, Any]]) -> None:
    by_date = {day.date.isoformat(): day for day in days}
    for entry in entries:
        if (day := by_date.get(entry["date"])) is not None:
            day.chips.append(entry)
