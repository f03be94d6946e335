"""Make an API token for a user and print its secret, once."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser

from api.tokens import issue_token


class Command(BaseCommand):
    help = "Create an API token for a user and print its secret (it is not stored and cannot be shown again)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--user", required=True, help="Username of the token's owner.")
        parser.add_argument("--name", required=True, help="What the token is for.")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            user = get_user_model().objects.get(username=options["user"])
        except get_user_model().DoesNotExist:
            raise CommandError(f"No user named {options['user']!r}.") from None
        if not user.is_active:
            raise CommandError(f"{user.username} is not active.")
        token, secret = issue_token(user, options["name"])
        self.stderr.write(f"Token {token.prefix}… for {user.username}: keep the secret now, it is not shown again.")
        self.stdout.write(secret)
