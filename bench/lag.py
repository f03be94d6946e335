"""A steady stream: R publications a second for D seconds; how late each reaches the platform.

Run from the project root:
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/planner_bench CELERY_BROKER_URL=redis://127.0.0.1:6379/5 \
        .venv/bin/python bench/lag.py [--rate 20 --duration 60 --accounts 100 --concurrency 64]

It migrates the bench database, seeds one approved, scheduled item per publication, due one every
1/R s from a start instant (bench/harness.py), starts the sandbox and Celery workers on the publish
queue (thread pool), runs the dispatcher loop (`dispatch_due()` every 0.2 s) in this script, waits
for every publication to settle, then measures lateness: the sandbox's `received_at` minus the
publication's `scheduled_at`, matched by idempotency key. Goal (issue 4): p99 under 0.5 s.
"""

# ruff: noqa: E402 -- Django is set up (by bench.harness) before the project's modules are imported.
from __future__ import annotations

import argparse
import datetime as dt
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[0] = str(ROOT)  # the project, not bench/, first on the path

from django.db import connection

from bench import harness
from publishing.models import Publication
from publishing.sandbox.models import SandboxPost

GOAL_P99_S, GOAL_MEMORY_MB = 0.5, 400.0
LEAD_S = 2.0  # between arming the stream and its first due instant


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rate", type=float, default=20.0, help="publications due per second (default 20)")
    parser.add_argument("--duration", type=float, default=60.0, help="seconds of stream (default 60)")
    parser.add_argument("--accounts", type=int, default=100)
    parser.add_argument("--concurrency", type=int, default=64, help="threads per worker process (default 64)")
    parser.add_argument("--workers", type=int, default=1, help="worker processes (default 1)")
    parser.add_argument("--latency-ms", type=int, default=0, help="latency the sandbox adds to every post (default 0)")
    parser.add_argument("--server", choices=("tuned", "runserver"), default="tuned",
                        help="the sandbox's web server: bench/sandbox_server.py (default) or manage.py runserver")  # fmt: skip
    args = parser.parse_args()
    if problem := harness.check_environment():
        print(f"bench/lag.py {problem}", file=sys.stderr)
        return 2
    harness.on_sigterm_exit()
    harness.prepare_database()
    print(f"logs of the child processes: {harness.RUN_DIR}")
    count = round(args.rate * args.duration)
    with harness.sandbox_server(args.server) as (base, _server):
        started = time.monotonic()
        harness.seed([n / args.rate for n in range(count)], args.accounts, base, args.latency_ms)
        print(f"seeded {count} publications on {args.accounts} accounts in {time.monotonic() - started:.1f} s")
        print(
            f"stream: {args.rate:g}/s for {args.duration:g} s; {args.workers} worker(s) × {args.concurrency} threads…"
        )
        with harness.workers(args.workers, args.concurrency, "lag") as processes:
            dispatcher = harness.Dispatcher()
            harness.arm(dt.datetime.now(dt.UTC) + dt.timedelta(seconds=LEAD_S))
            dispatcher.start()
            try:
                counts = harness.wait_settled(timeout_s=LEAD_S + args.duration + 120)
            finally:
                dispatcher.stop()
            peak = sum(harness.peak_rss_mb(processes))
        mine = Publication.objects.filter(account__organisation__slug=harness.ORGANISATION)
        scheduled = {str(key): at for key, at in mine.values_list("idempotency_key", "scheduled_at")}
        received = SandboxPost.objects.using(harness.SANDBOX).values_list("idempotency_key", "received_at")
        keys = [key for key, _ in received]
        exactly_once = len(keys) == len(set(keys)) and set(keys) == set(scheduled)
        first = min(scheduled.values())
        # (seconds into the stream, seconds late) per post received, in the order they were due
        timeline = sorted(
            ((scheduled[key] - first).total_seconds(), (at - scheduled[key]).total_seconds()) for key, at in received
        )
        published = Publication.objects.filter(account__organisation__slug=harness.ORGANISATION, state="published")
        engine_late = [(p - s).total_seconds() for s, p in published.values_list("scheduled_at", "published_at")]
    report(args, count, counts, timeline, engine_late, peak, dispatcher, exactly_once)
    return 0


def report(
    args: argparse.Namespace, count: int, counts: dict[str, int], timeline: list[tuple[float, float]], engine_late: list[float],
    peak_mb: float, dispatcher: harness.Dispatcher, exactly_once: bool,
) -> None:  # fmt: skip
    late = [late for _, late in timeline]
    print()
    print(f"lag: {count} publications, {args.rate:g}/s for {args.duration:g} s on {args.accounts} sandbox accounts; "
          f"{args.workers} worker(s) × {args.concurrency} threads; platform latency {args.latency_ms} ms; "
          f"PostgreSQL {connection.pg_version // 10000}, Redis broker")  # fmt: skip
    print(f"  states: {counts}; the sandbox received {len(late)}: "
          f"{'each publication exactly once' if exactly_once else 'NOT each publication exactly once'}")  # fmt: skip
    print(f"  dispatcher: {dispatcher.ticks} ticks every {harness.TICK_S} s, longest {dispatcher.longest_tick_s:.3f} s; "
          f"{dispatcher.requeued} messages enqueued again as lost")  # fmt: skip
    if not late:
        print("  nothing reached the sandbox")
        return
    for label, values in (("sandbox received_at − scheduled_at", late), ("published_at − scheduled_at", engine_late)):
        print(f"  {label:<36} p50 {harness.quantile(values, 0.5):6.3f} s   p99 {harness.quantile(values, 0.99):6.3f} s"
              f"   max {max(values):6.3f} s   mean {statistics.fmean(values):6.3f} s")  # fmt: skip
    over = [(at, seconds) for at, seconds in timeline if seconds >= GOAL_P99_S]
    worst = ", ".join(f"+{at:.1f} s: {seconds:.2f} s" for at, seconds in sorted(over, key=lambda x: -x[1])[:6])
    print(
        f"  {len(over)} posts {GOAL_P99_S} s late or more; the worst (due at +t into the stream: late by): {worst or '-'}"
    )
    p99 = harness.quantile(late, 0.99)
    print("goals:")
    all_sent = exactly_once and len(late) == count
    print(f"  {'every publication received':<40} {len(late):>6} of {count}  {'met' if all_sent else 'NOT met'}")
    print(
        f"  {f'lateness p99 < {GOAL_P99_S} s':<40} {p99:>8.3f} s  {'met' if all_sent and p99 < GOAL_P99_S else 'NOT met'}"
    )
    print(
        f"  {f'peak worker memory < {GOAL_MEMORY_MB:.0f} MB':<40} {peak_mb:>7.0f} MB  {'met' if peak_mb < GOAL_MEMORY_MB else 'NOT met'}"
    )


if __name__ == "__main__":
    sys.exit(main())
