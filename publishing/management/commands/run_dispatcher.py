"""`manage.py run_dispatcher`: the dispatcher loop, as its own process (run one or several)."""

from __future__ import annotations

import signal
import threading
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser

from publishing import dispatcher


class Command(BaseCommand):
    help = "Hand due publications to the workers every --interval seconds, until stopped (SIGTERM or Ctrl-C)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--interval", type=float, default=settings.PLANNER_DISPATCH_INTERVAL_S,
            help="seconds between ticks (default: PLANNER_DISPATCH_INTERVAL_S, 0.2)",
        )  # fmt: skip

    def handle(self, *args: Any, interval: float, **options: Any) -> None:
        if not 0.05 <= interval <= 5:
            self.stderr.write("--interval must be between 0.05 and 5 seconds")
            raise SystemExit(2)
        stop = threading.Event()
        for signum in (signal.SIGTERM, signal.SIGINT):
            signal.signal(signum, lambda *_: stop.set())
        self.stdout.write(f"dispatcher ticking every {interval:g} s")
        dispatcher.run(interval, stop)
        self.stdout.write("dispatcher stopped")
