"""Where one send's time goes: `publishing.sending.send()` called in this process under cProfile.

Run from the project root (same environment as bench/dispatch_burst.py):
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/planner_bench CELERY_BROKER_URL=redis://127.0.0.1:6379/5 \
        .venv/bin/python bench/profile_send.py [--sends 300 --top 25]

Seeds the burst's data (bench/harness.py), starts the sandbox, claims the publications as the
dispatcher would (no broker), then sends them one after the other: wall and CPU time and queries per send, then as many again
under cProfile: the functions that take the most time (cumulative, then own time).
"""

# ruff: noqa: E402 -- Django is set up (by bench.harness) before the project's modules are imported.
from __future__ import annotations

import argparse
import cProfile
import datetime as dt
import logging
import pstats
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[0] = str(ROOT)  # the project, not bench/, first on the path

from django.db import connection
from django.test.utils import CaptureQueriesContext

from bench import harness
from publishing import scheduling
from publishing.sending import send


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sends", type=int, default=300)
    parser.add_argument("--top", type=int, default=25)
    args = parser.parse_args()
    if problem := harness.check_environment():
        print(f"bench/profile_send.py {problem}", file=sys.stderr)
        return 2
    harness.on_sigterm_exit()
    harness.prepare_database()
    logging.getLogger("httpx").setLevel(logging.WARNING)  # a line per request otherwise (root logs INFO)
    with harness.sandbox_server() as (base, _server):
        harness.seed([0.0] * args.sends, min(100, args.sends), base, latency_ms=0)
        now = dt.datetime.now(dt.UTC)
        harness.arm(now)
        queued, _ = scheduling.claim_due(now, args.sends)
        with CaptureQueriesContext(connection) as queries:
            for publication_id in queued[:10]:
                send(publication_id)
        half = (len(queued) - 10) // 2
        wall, cpu = time.perf_counter(), time.process_time()
        for publication_id in queued[10 : 10 + half]:
            send(publication_id)
        wall, cpu = (time.perf_counter() - wall) / half * 1000, (time.process_time() - cpu) / half * 1000
        profile = cProfile.Profile()
        started = time.perf_counter()
        profile.enable()
        for publication_id in queued[10 + half :]:
            send(publication_id)
        profile.disable()
        elapsed = time.perf_counter() - started
    print(f"{half} sends one after the other: {wall:.1f} ms each ({cpu:.1f} ms of this process's CPU); "
          f"{len(queued) - 10 - half} more under cProfile: {elapsed / (len(queued) - 10 - half) * 1000:.1f} ms each; "
          f"{len(queries) / 10:.0f} queries per send; states {harness.states()}")  # fmt: skip
    stats = pstats.Stats(profile).strip_dirs()
    stats.sort_stats("cumulative").print_stats(args.top)
    stats.sort_stats("tottime").print_stats(args.top)
    return 0


if __name__ == "__main__":
    sys.exit(main())
