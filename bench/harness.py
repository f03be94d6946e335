"""What the publishing benchmarks (bench/dispatch_burst.py, bench/lag.py) share.

Django on bench/settings.py; the dedicated database (its name must contain "bench"); seeding an
organisation with sandbox accounts and one approved, scheduled item per publication; the sandbox
web process and the Celery worker processes (started here, stopped on exit and on Ctrl-C); the
dispatcher loop (`dispatch_due()` every 0.2 s in a thread); peak memory from /proc (VmHWM).
"""

# ruff: noqa: E402 -- Django is set up before the project's modules are imported.
from __future__ import annotations

import datetime as dt
import os
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# The children's logs and the sandbox platform's SQLite database (see bench/settings.py) go here.
RUN_DIR = Path(tempfile.mkdtemp(prefix="bench-publishing-"))
SANDBOX_URL = f"sqlite:///{RUN_DIR / 'sandbox.sqlite3'}"
os.environ["DJANGO_SETTINGS_MODULE"] = "bench.settings"
os.environ["BENCH_SANDBOX_DATABASE"] = SANDBOX_URL

import django

django.setup()

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import connection
from django.db.models import Count, F
from django.test import override_settings
from django.utils import timezone

from bench.calendar import prepare_database
from bench.servers import free_address, spawn, stop, wait_until_it_asks_for_a_token
from campaigns.models import Approval, Campaign, ContentItem, Membership, Organisation, Role, Variant
from campaigns.versions import content_hash
from planner.celery import app
from publishing.dispatcher import dispatch_due
from publishing.models import Publication, SocialAccount
from publishing.sandbox.models import FaultKind, SandboxAccount, SandboxFault

__all__ = ["ROOT", "app", "prepare_database"]
SANDBOX = "sandbox"  # the database alias of the sandbox platform's SQLite file

ORGANISATION = "bench-publishing"
PLATFORMS = ("mastodon", "bluesky", "x")
TOKEN_PREFIX = "bench-token-"  # noqa: S105 -- sandbox tokens, not secrets
# Seeded this far ahead, then moved to the real instant once the workers are up (`arm`).
PARKED = dt.timedelta(days=30)
PENDING = (
    Publication.State.SCHEDULED,
    Publication.State.QUEUED,
    Publication.State.PUBLISHING,
    Publication.State.RETRYING,
)
TICK_S = 0.2
# How often the script looks at the publications' states while it waits: it times nothing itself (the
# figures come from published_at and the sandbox's record), so it polls slowly to leave the CPU to the engine.
POLL_S = 0.5


def check_environment() -> str | None:
    """Why this machine's configuration cannot run the benchmark, or None."""
    if connection.vendor != "postgresql":
        return "needs PostgreSQL: set DATABASE_URL=postgres://…/planner_bench"
    if "bench" not in connection.settings_dict["NAME"]:
        return f"refusing to seed {connection.settings_dict['NAME']!r}: use a database whose name contains 'bench'"
    if not settings.CELERY_BROKER_URL.startswith("redis"):
        return "needs Redis: set CELERY_BROKER_URL=redis://127.0.0.1:6379/5"
    return None


def on_sigterm_exit() -> None:
    """SIGTERM unwinds like Ctrl-C does, so that the `finally` blocks stop the child processes."""
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))


# Data ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Target:
    """One sandbox account as a plain HTTP client calls it."""

    url: str
    token: str
    text: str


def seed(offsets_s: list[float], accounts: int, base_url: str, latency_ms: int) -> list[Target]:
    """Replace the bench organisation: `accounts` sandbox accounts and one approved, scheduled item
    per publication, publication n on account n % accounts, parked PARKED + offsets_s[n] ahead."""
    _delete_previous()
    User = get_user_model()
    editor, _ = User.objects.get_or_create(username="bench-publishing-editor")
    manager, _ = User.objects.get_or_create(username="bench-publishing-manager")
    organisation = Organisation.objects.create(slug=ORGANISATION, name="Bench Publishing", timezone="UTC", languages=["en"])  # fmt: skip
    Membership.objects.bulk_create([
        Membership(user=editor, organisation=organisation, role=Role.EDITOR),
        Membership(user=manager, organisation=organisation, role=Role.MANAGER),
    ])  # fmt: skip
    campaign = Campaign.objects.create(organisation=organisation, name="Burst", start_date=timezone.localdate())
    socials = SocialAccount.objects.bulk_create(
        SocialAccount(
            organisation=organisation, platform=PLATFORMS[n % len(PLATFORMS)], handle=f"@bench{n}",
            api_base_url=f"{base_url}/sandbox/{PLATFORMS[n % len(PLATFORMS)]}/",
            credentials={"access_token": f"{TOKEN_PREFIX}{n}"},
        )
        for n in range(accounts)
    )  # fmt: skip
    sandbox = SandboxAccount.objects.using(SANDBOX).bulk_create(SandboxAccount(platform=s.platform, token=f"{TOKEN_PREFIX}{n}") for n, s in enumerate(socials))  # fmt: skip
    if latency_ms:
        SandboxFault.objects.using(SANDBOX).bulk_create(SandboxFault(account=a, kind=FaultKind.LATENCY, latency_ms=latency_ms) for a in sandbox)  # fmt: skip
    texts = [f"Bench message {n}: flu season is here, book your free vaccine today. #FluVaccine" for n in range(len(offsets_s))]  # fmt: skip
    items = ContentItem.objects.bulk_create(
        (ContentItem(campaign=campaign, title=f"Bench message {n}", master_text=text, author=editor, state=ContentItem.State.SCHEDULED)
         for n, text in enumerate(texts)), batch_size=2000,
    )  # fmt: skip
    variants = Variant.objects.bulk_create(
        (Variant(item=item, platform=socials[n % accounts].platform, language="en", text=item.master_text) for n, item in enumerate(items)),
        batch_size=2000,
    )  # fmt: skip
    # The approvals hold the same fingerprint as the workflow would record: send() re-checks it.
    Approval.objects.bulk_create(
        (Approval(item=item, manager=manager, content_hash=content_hash(item), item_version=item.version) for item in items),
        batch_size=2000,
    )  # fmt: skip
    parked = timezone.now() + PARKED
    Publication.objects.bulk_create(
        (Publication(
            variant=variant, account=socials[n % accounts], created_by=editor,
            scheduled_at=parked + dt.timedelta(seconds=offsets_s[n]),
            latest_acceptable_at=parked + dt.timedelta(seconds=offsets_s[n], hours=6),
        ) for n, variant in enumerate(variants)), batch_size=2000,
    )  # fmt: skip
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return [Target(f"{s.api_base_url}posts", f"{TOKEN_PREFIX}{n % accounts}", texts[n]) for n, s in ((n, socials[n % accounts]) for n in range(len(texts)))]  # fmt: skip


def _delete_previous() -> None:
    old = Organisation.objects.filter(slug=ORGANISATION).first()
    with override_settings(SIMPLE_HISTORY_ENABLED=False):  # no "deleted" history row per item
        if old is not None:
            item_ids = list(ContentItem.objects.filter(campaign__organisation=old).values_list("pk", flat=True))
            Publication.objects.filter(account__organisation=old).delete()
            old.delete()
            ContentItem.history.filter(id__in=item_ids).delete()


def arm(start: dt.datetime) -> None:
    """Move the parked publications so that the first one is due at `start`."""
    publications = Publication.objects.filter(account__organisation__slug=ORGANISATION)
    shift = publications.order_by("scheduled_at").values_list("scheduled_at", flat=True).first() - start
    publications.update(scheduled_at=F("scheduled_at") - shift, latest_acceptable_at=F("latest_acceptable_at") - shift)


def states() -> dict[str, int]:
    rows = Publication.objects.filter(account__organisation__slug=ORGANISATION).values("state").annotate(n=Count("pk"))
    return {row["state"]: row["n"] for row in rows}


def wait_settled(timeout_s: float) -> dict[str, int]:
    """Wait until no bench publication is pending any more (or the timeout); the count per state."""
    deadline, shown = time.monotonic() + timeout_s, time.monotonic()
    while (counts := states()) and any(counts.get(s, 0) for s in PENDING) and time.monotonic() < deadline:
        if time.monotonic() - shown > 5:
            print(f"    … {counts}", flush=True)
            shown = time.monotonic()
        time.sleep(POLL_S)
    return counts


# Processes -------------------------------------------------------------------------------------


def peak_rss_mb(processes: list[subprocess.Popen[bytes]]) -> list[float]:
    """Each process's peak resident memory so far (VmHWM), in MB."""
    peaks = []
    for process in processes:
        status = Path(f"/proc/{process.pid}/status").read_text()
        kib = next(int(line.split()[1]) for line in status.splitlines() if line.startswith("VmHWM:"))
        peaks.append(kib / 1024)
    return peaks


def cpu_s(pids: list[int]) -> float:
    """CPU seconds (user + system, all threads) the processes have used so far."""
    ticks = 0
    for pid in pids:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        ticks += int(fields[11]) + int(fields[12])  # utime, stime: fields 14 and 15 of proc(5)
    return ticks / os.sysconf("SC_CLK_TCK")


def postgres_pids() -> list[int]:
    """The PostgreSQL server's processes on this machine (its backends stay up: connections are reused)."""
    pids = []
    for comm in Path("/proc").glob("[0-9]*/comm"):
        try:
            if comm.read_text().strip() == "postgres":
                pids.append(int(comm.parent.name))
        except OSError:  # ended meanwhile
            continue
    return pids


def _cpu_s_by_pid(pids: list[int]) -> dict[int, float]:
    by_pid = {}
    for pid in pids:
        try:
            by_pid[pid] = cpu_s([pid])
        except OSError:  # ended meanwhile
            continue
    return by_pid


def machine_cpu_s() -> tuple[float, float]:
    """(busy, elapsed) CPU seconds of the whole machine, summed over its CPUs, since boot: the
    difference over a phase shows how much of the machine it had (other work included)."""
    values = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    idle = values[3] + values[4]  # idle, iowait
    return (sum(values) - idle) / os.sysconf("SC_CLK_TCK"), sum(values) / os.sysconf("SC_CLK_TCK")


@dataclass
class CpuMeter:
    """CPU used by the workers, the sandbox and this script (the dispatcher loop) between start and stop."""

    workers: list[int]
    sandbox: int
    used: dict[str, float] | None = None

    def __enter__(self) -> CpuMeter:
        self._start, self._postgres = self._read(), _cpu_s_by_pid(postgres_pids())
        return self

    def __exit__(self, *_: object) -> None:
        end, postgres = self._read(), _cpu_s_by_pid(postgres_pids())
        self.used = {key: end[key] - self._start[key] for key in end}
        # Backends opened during the phase count whole; those closed during it are missed (a lower bound).
        self.used["postgres"] = sum(cpu - self._postgres.get(pid, 0.0) for pid, cpu in postgres.items())

    def _read(self) -> dict[str, float]:
        busy, elapsed = machine_cpu_s()
        return {
            "workers": cpu_s(self.workers), "sandbox": cpu_s([self.sandbox]), "script": cpu_s([os.getpid()]),
            "machine busy": busy, "machine": elapsed,
        }  # fmt: skip

    def summary(self, posts: int) -> str:
        if not self.used or not posts:
            return "CPU: not measured"
        used, per = self.used, {k: v / posts * 1000 for k, v in self.used.items()}
        share = used["machine busy"] / used["machine"] if used["machine"] else 0.0
        return (
            f"CPU per post: workers {per['workers']:.1f} ms, sandbox {per['sandbox']:.1f} ms, this script "
            f"{per['script']:.1f} ms, PostgreSQL ≥ {per['postgres']:.1f} ms, the rest of the machine (Redis, other "
            f"work) {per['machine busy'] - per['workers'] - per['sandbox'] - per['script'] - per['postgres']:.1f} ms; "
            f"the machine was {share:.0%} busy ({os.cpu_count()} CPUs)"
        )


@contextmanager
def sandbox_server(kind: str = "tuned") -> Iterator[tuple[str, subprocess.Popen[bytes]]]:
    """The sandbox on a free loopback port and its own SQLite file, served by `manage.py runserver`
    (threaded, no reloader) or, "tuned", by bench/sandbox_server.py (the same server, deeper backlog, TCP_NODELAY)."""
    address = free_address()
    logs, env = RUN_DIR / "sandbox.log", os.environ | {"DATABASE_URL": SANDBOX_URL}
    subprocess.run([sys.executable, "manage.py", "migrate", "sandbox", "-v0"], cwd=ROOT, env=env, check=True)
    command = ["manage.py", "runserver", "--noreload", "--skip-checks", address] if kind == "runserver" else ["bench/sandbox_server.py", address]  # fmt: skip
    process = spawn([sys.executable, *command], logs, env)
    base = f"http://{address}"
    try:
        wait_until_it_asks_for_a_token(f"{base}/sandbox/mastodon/posts", "the sandbox server", logs)
        yield base, process
    finally:
        stop(process)


@contextmanager
def workers(count: int, concurrency: int, phase: str) -> Iterator[list[subprocess.Popen[bytes]]]:
    """`count` Celery workers on the publish queue (thread pool), ready when this yields."""
    with app.connection_for_write() as conn:  # nothing left over from an interrupted run
        conn.default_channel.queue_purge("publish")
    names = [f"bench-{phase}-{n}-{os.getpid()}" for n in range(count)]
    processes = [
        spawn([sys.executable, "-m", "celery", "-A", "planner", "worker", "-Q", "publish", "--pool", "threads",
                "--concurrency", str(concurrency), "--hostname", f"{name}@%h", "--loglevel", "WARNING"],
               RUN_DIR / f"{name}.log")
        for name in names
    ]  # fmt: skip
    try:
        deadline = time.monotonic() + 60
        while len({r for reply in app.control.ping(timeout=0.5) for r in reply if r.split("@")[0] in names}) < count:
            if time.monotonic() > deadline or any(p.poll() is not None for p in processes):
                raise RuntimeError(f"the workers did not start: see {RUN_DIR}")
        yield processes
    finally:
        for process in processes:
            stop(process)


class Dispatcher(threading.Thread):
    """`dispatch_due()` every TICK_S seconds (at a fixed rate), as the engine's dispatcher loop does."""

    def __init__(self) -> None:
        super().__init__(daemon=True)
        self.halt = threading.Event()
        self.queued, self.requeued, self.ticks, self.longest_tick_s = 0, 0, 0, 0.0
        self.last_claim: float | None = None  # when a tick last claimed due rows (not counting requeues)
        self.error: BaseException | None = None

    def run(self) -> None:
        next_at = time.monotonic()
        try:
            while not self.halt.is_set():
                started = time.monotonic()
                tick = dispatch_due()
                self.ticks += 1
                self.longest_tick_s = max(self.longest_tick_s, time.monotonic() - started)
                self.queued, self.requeued = self.queued + tick.queued, self.requeued + tick.requeued
                if tick.queued:
                    self.last_claim = time.time()
                next_at += TICK_S
                self.halt.wait(max(0.0, next_at - time.monotonic()))
        except BaseException as error:  # reported by the main thread
            self.error = error
        finally:
            connection.close()

    def stop(self) -> None:
        self.halt.set()
        self.join()
        if self.error:
            raise RuntimeError("the dispatcher loop failed") from self.error


def quantile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]
