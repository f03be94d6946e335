"""A burst: N publications due at the same instant over M sandbox accounts, against two plain-Celery baselines.

Run from the project root:
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/planner_bench CELERY_BROKER_URL=redis://127.0.0.1:6379/5 \
        .venv/bin/python bench/dispatch_burst.py [--publications 10000 --accounts 100 --concurrency 64 --latency-ms 0]

It migrates the bench database, seeds one approved, scheduled item per publication (bench/harness.py),
starts the sandbox (`manage.py runserver`) and, for each phase, fresh Celery workers on the publish
queue (thread pool, the same concurrency): the engine (a `dispatch_due()` loop every 0.2 s in this
script, `publish` in the workers) from the due instant to the last `published_at`; baseline (a) N
no-op tasks; baseline (b) N plain tasks making the adapter's HTTP call with no bookkeeping. Goals
(issue 4): all within 30 s, at least 0.45 of (a) and 0.7 of (b), with latency 0.8 of concurrency / latency,
peak worker memory < 400 MB.
"""

# ruff: noqa: E402 -- Django is set up (by bench.harness) before the project's modules are imported.
from __future__ import annotations

import argparse
import datetime as dt
import sys
import time
import uuid
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[0] = str(ROOT)  # the project, not bench/, first on the path

from django.db import connection
from django.db.models import Max, Min

from bench import harness, tasks
from publishing import dispatcher as engine_dispatcher
from publishing.models import Publication
from publishing.sandbox.models import SandboxPost

GOAL_WITHIN_S, GOAL_VS_NOOP, GOAL_VS_PLAIN, GOAL_VS_LATENCY_LIMIT, GOAL_MEMORY_MB = 30.0, 0.45, 0.7, 0.8, 400.0
LEAD_S = 2.0  # between arming the burst and its due instant: the dispatcher loop is already ticking


@dataclass(frozen=True)
class Phase:
    name: str
    done: int
    seconds: float
    peak_mb: float

    @property
    def rate(self) -> float:
        return self.done / self.seconds if self.seconds > 0 else 0.0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--publications", type=int, default=10_000)
    parser.add_argument("--accounts", type=int, default=100)
    parser.add_argument("--concurrency", type=int, default=64, help="threads per worker process (default 64)")
    parser.add_argument("--workers", type=int, default=1, help="worker processes, for every phase (default 1)")
    parser.add_argument("--latency-ms", type=int, default=0, help="latency the sandbox adds to every post (default 0)")
    parser.add_argument("--fresh-client-baseline", action="store_true",
                        help="also (b′): plain tasks opening a new HTTP client per post, as the adapter does")  # fmt: skip
    parser.add_argument("--skip-baselines", action="store_true")
    parser.add_argument("--what-if", action="append", choices=sorted(harness.WHAT_IFS), default=[],
                        help="change the engine in memory to measure a fix (repeatable); not the engine as it is")  # fmt: skip
    parser.add_argument("--server", choices=("tuned", "runserver"), default="tuned",
                        help="the sandbox's web server: bench/sandbox_server.py (default) or manage.py runserver")  # fmt: skip
    args = parser.parse_args()
    if problem := harness.check_environment():
        print(f"bench/dispatch_burst.py {problem}", file=sys.stderr)
        return 2
    harness.on_sigterm_exit()
    harness.prepare_database()
    harness.apply_what_ifs(args.what_if)
    print(f"logs of the child processes: {harness.RUN_DIR}")
    with ExitStack() as stack:
        base, server = stack.enter_context(harness.sandbox_server(args.server))
        started = time.monotonic()
        targets = harness.seed([0.0] * args.publications, args.accounts, base, args.latency_ms)
        print(
            f"seeded {args.publications} publications on {args.accounts} accounts in {time.monotonic() - started:.1f} s"
        )
        phases = [burst(args)]
        if not args.skip_baselines:
            phases.append(baseline(args, "(a) Celery no-op tasks", "noop", targets))
            phases.append(baseline(args, "(b) plain HTTP post tasks", "plain", targets))
            if args.fresh_client_baseline:
                phases.append(baseline(args, "(b′) plain, new client per post", "fresh", targets))
        server_mb = harness.peak_rss_mb([server])[0]
    report(args, phases, server_mb)
    return 0


def burst(args: argparse.Namespace) -> Phase:
    print(f"engine: {args.workers} worker(s) × {args.concurrency} threads, dispatcher loop every {harness.TICK_S} s…")
    with harness.workers(args.workers, args.concurrency, "engine") as processes:
        dispatcher = harness.Dispatcher()
        due = dt.datetime.now(dt.UTC) + dt.timedelta(seconds=LEAD_S)
        harness.arm(due)
        dispatcher.start()
        try:
            counts = harness.wait_settled(timeout_s=max(120.0, args.publications / 10))
        finally:
            dispatcher.stop()
        peak = sum(harness.peak_rss_mb(processes))
    published = Publication.objects.filter(account__organisation__slug=harness.ORGANISATION, state="published")
    span = published.aggregate(first=Min("published_at"), last=Max("published_at"))
    claimed_s = dispatcher.last_claim - due.timestamp() if dispatcher.last_claim else float("nan")
    print(f"  states: {counts}")
    print(f"  dispatcher: {dispatcher.ticks} ticks, longest {dispatcher.longest_tick_s:.3f} s; {dispatcher.queued} "
          f"claimed and enqueued by {claimed_s:.2f} s after the due instant; {dispatcher.requeued} messages "
          f"enqueued again as lost (queued > {engine_dispatcher.queued_stale_after().total_seconds():.0f} s)")  # fmt: skip
    keys = [str(k) for k in published.values_list("idempotency_key", flat=True)]
    received = SandboxPost.objects.using(harness.SANDBOX).filter(
        account__token__startswith=harness.TOKEN_PREFIX, idempotency_key__in=keys
    )
    print(f"  sandbox: {received.count()} posts received for {len(keys)} published (each key once by constraint)")
    seconds = (span["last"] - due).total_seconds() if span["last"] else float("inf")
    return Phase("engine (dispatch_due + publish)", published.count(), seconds, peak)


def baseline(args: argparse.Namespace, name: str, kind: str, targets: list[harness.Target]) -> Phase:
    print(f"{name}: {args.workers} worker(s) × {args.concurrency} threads…")
    phase = uuid.uuid4().hex[:8]
    tasks.reset(phase)
    with harness.workers(args.workers, args.concurrency, kind) as processes:
        started = time.time()
        for target in targets:  # enqueued as fast as one producer can, timed from the first
            if kind == "noop":
                tasks.noop.delay(phase)
            else:
                tasks.plain_post.delay(phase, target.url, target.token, target.text, kind == "plain")
        enqueued_s = time.time() - started
        deadline = time.monotonic() + max(120.0, len(targets) / 10)
        while (progress := tasks.progress(phase))[0] < len(targets) and time.monotonic() < deadline:
            time.sleep(0.05)
        peak = sum(harness.peak_rss_mb(processes))
    done, last = progress
    print(f"  {done} done; enqueueing took {enqueued_s:.2f} s")
    return Phase(name, done, (last - started) if last else float("inf"), peak)


def report(args: argparse.Namespace, phases: list[Phase], server_mb: float) -> None:
    engine, *baselines = phases
    print()
    print(f"dispatch_burst: {args.publications} publications due at once on {args.accounts} sandbox accounts; "
          f"{args.workers} worker(s) × {args.concurrency} threads; platform latency {args.latency_ms} ms; "
          f"PostgreSQL {connection.pg_version // 10000}, Redis broker")  # fmt: skip
    print(f"  {'phase':<34} {'done':>6} {'seconds':>8} {'per s':>8} {'peak worker RSS':>16}")
    for phase in phases:
        print(f"  {phase.name:<34} {phase.done:>6} {phase.seconds:>8.2f} {phase.rate:>8.1f} {phase.peak_mb:>13.0f} MB")
    print(f"  sandbox web process ({args.server}) peak RSS {server_mb:.0f} MB")
    for what_if in args.what_if:
        print(f"  WHAT-IF, not the engine as it is: {harness.WHAT_IFS[what_if]}")
    print("goals:")
    all_done = engine.done == args.publications
    goal(f"all {args.publications} published within {GOAL_WITHIN_S:.0f} s",
         f"{engine.done} in {engine.seconds:.1f} s", all_done and engine.seconds <= GOAL_WITHIN_S)  # fmt: skip
    for phase, share in zip(baselines[:2], (GOAL_VS_NOOP, GOAL_VS_PLAIN), strict=False):
        ratio = engine.rate / phase.rate if phase.rate else 0.0
        goal(f"≥ {share} × {phase.name.split(')')[0]})", f"{ratio:.2f}", ratio >= share)
    for phase in baselines[2:]:
        print(f"  (info) engine ÷ {phase.name}: {engine.rate / phase.rate if phase.rate else 0.0:.2f}")
    if args.latency_ms:
        limit = args.workers * args.concurrency / (args.latency_ms / 1000)
        goal(f"≥ {GOAL_VS_LATENCY_LIMIT} × concurrency ÷ latency ({limit:.0f}/s)",
             f"{engine.rate / limit:.2f}", engine.rate >= GOAL_VS_LATENCY_LIMIT * limit)  # fmt: skip
    goal(f"peak worker memory < {GOAL_MEMORY_MB:.0f} MB", f"{engine.peak_mb:.0f} MB", engine.peak_mb < GOAL_MEMORY_MB)


def goal(label: str, measured: str, met: bool) -> None:
    print(f"  {label:<50} {measured:>14}  {'met' if met else 'NOT met'}")


if __name__ == "__main__":
    sys.exit(main())
