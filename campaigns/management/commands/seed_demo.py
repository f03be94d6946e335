"""Fills the database with a demo health ministry and hospital; running it again changes nothing."""

from datetime import date
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from campaigns.demo import Login, build_demo


class Command(BaseCommand):
    help = "Create or refresh the demo organisations, people, campaigns, content and accounts, then print the logins."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--today",
            type=date.fromisoformat,
            help="Date the demo is built around, as YYYY-MM-DD (default: today in the ministry's time zone).",
        )
        parser.add_argument(
            "--allow-without-debug",
            action="store_true",
            help="Run even though DEBUG is off. The demo users have published passwords; never use on real data.",
        )

    def handle(self, *args: Any, today: date | None, allow_without_debug: bool, **options: Any) -> None:
        # DEBUG off usually means a real deployment, where users with published passwords are a break-in.
        if not settings.DEBUG and not allow_without_debug:
            raise CommandError("DEBUG is off; pass --allow-without-debug to create demo users with known passwords.")
        logins = build_demo(today)
        self.stdout.write(self.style.SUCCESS("Demo data is ready. Log in with:"))
        self.stdout.write(format_logins(logins))


def format_logins(logins: list[Login]) -> str:
    """The logins as an aligned plain-text table."""
    rows = [tuple(Login._fields), *logins]
    widths = [max(len(row[column]) for row in rows) for column in range(len(Login._fields))]
    lines = ["  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip() for row in rows]
    lines.insert(1, "  ".join("-" * width for width in widths))
    return "\n".join(lines)
