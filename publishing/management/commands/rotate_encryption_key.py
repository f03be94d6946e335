"""`manage.py rotate_encryption_key`: re-encrypt every encrypted value with the first key of PLANNER_CREDENTIALS_KEYS."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError, CommandParser

from planner.key_rotation import RotationFailed, rotate_all


class Command(BaseCommand):
    help = (
        "Re-encrypt every encrypted value (platform credentials, OAuth app and webhook secrets) with the first "
        "key of PLANNER_CREDENTIALS_KEYS, in batches; values already under it are left alone. "
        "The README's “Rotating the encryption key” gives the whole procedure."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--batch-size", type=int, default=500, help="Rows read at a time (default 500).")

    def handle(self, *args: object, batch_size: int, **options: object) -> None:
        if batch_size < 1:
            raise CommandError("--batch-size must be at least 1")
        try:
            tallies = rotate_all(batch_size, progress=self.stdout.write)
        except RotationFailed as error:
            raise CommandError(str(error)) from error
        rotated = sum(tally.rotated for tally in tallies)
        self.stdout.write(self.style.SUCCESS(f"Done: {rotated} values re-encrypted with the current key."))
