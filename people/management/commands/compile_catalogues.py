from typing import Any

from django.core.management.base import BaseCommand

from people.catalogues import compile_catalogues


class Command(BaseCommand):
    help = "Builds the .mo files of the French and Arabic catalogues (locale/) from their .po files."

    def handle(self, *args: Any, **options: Any) -> None:
        for path in compile_catalogues():
            self.stdout.write(f"built {path}")
