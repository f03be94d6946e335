"""Print an organisation's annual summary as a plain-text report (the figures of the annual page)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from analytics.annual import AnnualSummary, annual_summary
from analytics.templatetags.report import percent
from campaigns.models import Organisation


class Command(BaseCommand):
    help = "Print an organisation's annual communication summary: posts per kind and platform, views, engagement."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--organisation", required=True, help="The organisation's slug.")
        parser.add_argument("--year", required=True, type=int)

    def handle(self, *args: Any, organisation: str, year: int, **options: Any) -> None:
        found = Organisation.objects.filter(slug=organisation).first()
        if found is None:
            raise CommandError(f"No organisation with the slug {organisation!r}.")
        self.stdout.write("\n".join(report_lines(annual_summary(found, year))))


def report_lines(summary: AnnualSummary) -> list[str]:
    """The summary as readable lines of text."""
    totals, organisation = summary.totals, summary.organisation
    lines = [f"{organisation.name}: communication in {summary.year} (times in {organisation.timezone})", ""]
    if not totals.posts:
        return [*lines, f"Nothing published in {summary.year}."]
    lines += [
        f"{kind.label}: {kind.totals.posts:,} ({', '.join(f'{name} {count:,}' for name, count in kind.platforms)})"
        for kind in summary.kinds
    ]
    lines += [
        "",
        f"Posts: {totals.posts:,} of {totals.items:,} items{_change(summary.change('posts'))}",
        f"Total views: {totals.reach:,}{_change(summary.change('reach'))}",
        f"Video views: {totals.video_views:,}{_change(summary.change('video_views'))}",
        f"Watch time: {summary.watch_time_hours:,.1f} hours",
        f"Engagement: {totals.engagement:,} likes, shares, replies and clicks{_change(summary.change('engagement'))}",
        f"Engagement rate: {percent(totals.rate)}",
        "",
        "Per platform:",
        *(
            f"  {name}: {t.posts:,} posts, {t.reach:,} views, {t.engagement:,} engagement"
            for name, t in summary.platforms
        ),
        "",
        "Per month:",
        *(f"  {m.month:%B}: {m.posts:,} posts, {m.reach:,} views" for m in summary.months),
        "",
        "Top items:",
        *(
            f"  {rank}. {item['title']} ({item['kind']}): {item['totals'].engagement:,} engagement, "
            f"{item['totals'].reach:,} views"
            for rank, item in enumerate(summary.top, start=1)
        ),
    ]
    return lines


def _change(fraction: float | None) -> str:
    return "" if fraction is None else f" ({percent(fraction, signed=True)} on last year)"
