"""A burst: N publications due at the same instant over M sandbox accounts, against two plain-Celery baselines.

Run from the project root:
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/planner_bench CELERY_BROKER_URL=redis://127.0.0.1:6379/5 \
        .venv/bin/python bench/dispatch_burst.py [--publications 10000 --accounts 100 --concurrency 64 --latency-ms 0]

It migrates the bench database, seeds one approved, scheduled item per publication (bench/harness.py),
starts the sandbox (bench/sandbox_server.py) and, for each phase, fresh Celery workers on the publish
queue (thread pool, the same concurrency): the engine (a `dispatch_due()` loop every 0.2 s in this
script, `publish` in the workers) from the due instant to the last `published_at`, the posts counted
from the sandbox's own record (each publication's key exactly once); baseline (a) N no-op tasks;
baseline (b) N plain tasks making the adapter's HTTP call on the same keep-alive client with no
bookkeeping. Each phase also prints the CPU it cost per post: workers, sandbox, this script, PostgreSQL. Goals
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
    cpu: str

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
    parser.add_argument("--skip-baselines", action="store_true")
    parser.add_argument("--server", choices=("tuned", "runserver"), default="tuned",
                        help="the sandbox's web server: bench/sandbox_server.py (default) or manage.py runserver")  # fmt: skip
    args = parser.parse_args()
    if problem := harness.check_environment():
        print(f"bench/dispatch_burst.py {problem}", file=sys.stderr)
        return 2
    harness.on_sigterm_exit()
    harness.prepare_database()
    print(f"logs of the child processes: {harness.RUN_DIR}")
    with ExitStack() as stack:
        base, server = stack.enter_context(harness.sandbox_server(args.server))
        started = time.monotonic()
        targets = harness.seed([0.0] * args.publications, args.accounts, base, args.latency_ms)
        print(
            f"seeded {args.publications} publications on {args.accounts} accounts in {time.monotonic() - started:.1f} s"
        )
        phases = [burst(args, server.pid)]
        if not args.skip_baselines:
            phases.append(baseline(args, "(a) Celery no-op tasks", "noop", targets, server.pid))
            phases.append(baseline(args, "(b) plain HTTP post tasks", "plain", targets, server.pid))
        server_mb = harness.peak_rss_mb([server])[0]
    report(args, phases, server_mb)
    return 0


def burst(args: argparse.Namespace, server_pid: int) -> Phase:
    print(f"engine: {args.workers} worker(s) × {args.concurrency} threads, dispatcher loop every {harness.TICK_S} s…")
    with harness.workers(args.workers, args.concurrency, "engine") as processes:
        dispatcher = harness.Dispatcher()
        due = dt.datetime.now(dt.UTC) + dt.timedelta(seconds=LEAD_S)
        with harness.CpuMeter([p.pid for p in processes], server_pid) as cpu:
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
    # What went out is what the platform recorded: every post of this run's sandbox accounts, each
    # publication's key exactly once (the sandbox keeps one post per key and account, so count keys too).
    mine = Publication.objects.filter(account__organisation__slug=harness.ORGANISATION)
    expected = {str(key) for key in mine.values_list("idempotency_key", flat=True)}
    received = list(
        SandboxPost.objects.using(harness.SANDBOX)
        .filter(account__token__startswith=harness.TOKEN_PREFIX)
        .values_list("idempotency_key", flat=True)
    )
    exactly_once = len(received) == len(set(received)) == len(expected) and set(received) == expected
    print(f"  sandbox: {len(received)} posts received, {len(set(received))} distinct keys, for {len(expected)} "
          f"publications ({published.count()} published): {'each exactly once' if exactly_once else 'NOT each exactly once'}")  # fmt: skip
    seconds = (span["last"] - due).total_seconds() if span["last"] else float("inf")
    done = len(set(received) & expected) if exactly_once else 0
    print(f"  {cpu.summary(done)}")
    return Phase("engine (dispatch_due + publish)", done, seconds, peak, cpu.summary(done))


def baseline(args: argparse.Namespace, name: str, kind: str, targets: list[harness.Target], server_pid: int) -> Phase:
    print(f"{name}: {args.workers} worker(s) × {args.concurrency} threads…")
    phase = uuid.uuid4().hex[:8]
    tasks.reset(phase)
    with harness.workers(args.workers, args.concurrency, kind) as processes:
        with harness.CpuMeter([p.pid for p in processes], server_pid) as cpu:
            started = time.time()
            for target in targets:  # enqueued as fast as one producer can, timed from the first
                if kind == "noop":
                    tasks.noop.delay(phase)
                else:
                    tasks.plain_post.delay(phase, target.url, target.token, target.text)
            enqueued_s = time.time() - started
            deadline = time.monotonic() + max(120.0, len(targets) / 10)
            while (progress := tasks.progress(phase))[0] < len(targets) and time.monotonic() < deadline:
                time.sleep(harness.POLL_S / 5)
        peak = sum(harness.peak_rss_mb(processes))
    done, last = progress
    print(f"  {done} done; enqueueing took {enqueued_s:.2f} s")
    print(f"  {cpu.summary(done)}")
    return Phase(name, done, (last - started) if last else float("inf"), peak, cpu.summary(done))


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
    print("goals:")
    all_done = engine.done == args.publications
    goal(f"all {args.publications} published within {GOAL_WITHIN_S:.0f} s",
         f"{engine.done} in {engine.seconds:.1f} s", all_done and engine.seconds <= GOAL_WITHIN_S)  # fmt: skip
    for phase, share in zip(baselines[:2], (GOAL_VS_NOOP, GOAL_VS_PLAIN), strict=False):
        ratio = engine.rate / phase.rate if phase.rate else 0.0
        goal(f"≥ {share} × {phase.name.split(')')[0]})", f"{ratio:.2f}", ratio >= share)
    if args.latency_ms:
        limit = args.workers * args.concurrency / (args.latency_ms / 1000)
        goal(f"≥ {GOAL_VS_LATENCY_LIMIT} × concurrency ÷ latency ({limit:.0f}/s)",
             f"{engine.rate / limit:.2f}", engine.rate >= GOAL_VS_LATENCY_LIMIT * limit)  # fmt: skip
    goal(f"peak worker memory < {GOAL_MEMORY_MB:.0f} MB", f"{engine.peak_mb:.0f} MB", engine.peak_mb < GOAL_MEMORY_MB)


def goal(label: str, measured: str, met: bool) -> None:
    print(f"  {label:<50} {measured:>14}  {'met' if met else 'NOT met'}")


if __name__ == "__main__":
    sys.exit(main())
