"""What the fault tests share: a burst of due publications, the engine as separate processes, and the
check of the sandbox's record against the engine's.

The engine runs as in production: `manage.py run_dispatcher` and Celery workers, each its own
process, on the test database and a Redis server of the test's own (so that a test can restart it
without touching anything else). The sandbox platform answers on the test's live server.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import signal
import socket
import subprocess
import threading
import time
from collections import Counter
from pathlib import Path

import pytest
import redis
from django.db import connection
from django.db.models import Q, QuerySet
from django.utils import timezone

from campaigns.workflow import perform
from publishing.models import Publication, SocialAccount
from publishing.sandbox.models import SandboxPost
from publishing.scheduling import WORKER_LOST
from tests import builders, processes

P = Publication.State
BURST = 1000
PENDING = (P.SCHEDULED, P.QUEUED, P.PUBLISHING, P.RETRYING)
# The recovery goal: after a fault, everything is settled within 3 minutes.
SETTLE_WITHIN_S = 180.0
# Short engine timings, so that a lost message or a dead worker is noticed in seconds, not minutes.
# The lease stays longer than the platform timeouts together, as the settings require.
QUICK_RECOVERY = {
    "PLANNER_PLATFORM_CONNECT_TIMEOUT_S": "2",
    "PLANNER_PLATFORM_READ_TIMEOUT_S": "4",
    "PLANNER_SEND_LEASE_S": "8",
    "PLANNER_QUEUED_STALE_AFTER_S": "10",
    # As in production: connections kept between tasks, health-checked, so a restart is noticed.
    "DATABASE_CONN_MAX_AGE": "60",
}
WORKER_THREADS = 16
REDIS_SERVER = shutil.which("redis-server")


def burst(
    world: object, base: str, *, accounts: int = 1, deadline: dt.timedelta = dt.timedelta(hours=1)
) -> list[SocialAccount]:
    """BURST publications of one approved, scheduled item, all due now, over `accounts` sandbox accounts."""
    socials = [
        builders.make_account(
            world.ministry, handle=f"@burst{n}", api_base_url=base, credentials={"access_token": f"token-burst{n}"}
        )
        for n in range(accounts)
    ]
    world.item.author = world.editor
    world.item.save()
    perform(world.item, "submit", world.editor)
    perform(world.item, "approve", world.manager)
    perform(world.item, "schedule", world.editor)
    due = timezone.now()
    Publication.objects.bulk_create(
        Publication(variant=world.variant, account=socials[i % accounts], scheduled_at=due - dt.timedelta(microseconds=i),
                    latest_acceptable_at=due + deadline)
        for i in range(BURST)
    )  # fmt: skip
    return socials


def wait_until(condition: object, within_s: float, poll_s: float = 0.2) -> bool:
    deadline = time.monotonic() + within_s
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(poll_s)
    return False


def published_count() -> int:
    return Publication.objects.filter(state=P.PUBLISHED).count()


def unsettled() -> QuerySet[Publication]:
    """Still to be sent, or in doubt and not yet checked with the platform."""
    return Publication.objects.filter(Q(state__in=PENDING) | Q(state=P.UNCONFIRMED, last_error=WORKER_LOST))


def wait_until_settled(within_s: float = SETTLE_WITHIN_S) -> float:
    """Seconds until everything is settled; fails the test past `within_s`."""
    started = time.monotonic()
    settled = wait_until(lambda: not unsettled().exists(), within_s, poll_s=0.5)
    states = dict(Counter(Publication.objects.values_list("state", flat=True)))
    assert settled, f"not settled within {within_s:g} s: {states}"
    return time.monotonic() - started


def check_each_sent_once() -> Counter[str]:
    """From the platform's own record: nothing doubled, and what it has is exactly what the engine calls
    published. Returns the count per state; nothing may be left pending or silently dropped."""
    keys = [
        str(k) for k in SandboxPost.objects.filter(deleted_at__isnull=True).values_list("idempotency_key", flat=True)
    ]
    published = {
        str(k) for k in Publication.objects.filter(state=P.PUBLISHED).values_list("idempotency_key", flat=True)
    }
    states = Counter(Publication.objects.values_list("state", flat=True))
    assert len(keys) == len(set(keys)), "a publication was posted twice"
    unrecorded = Publication.objects.filter(idempotency_key__in=set(keys) - published)
    assert set(keys) == published, (
        f"{len(set(keys) - published)} posted but not recorded as published "
        f"{list(unrecorded.values_list('state', 'attempts', 'last_error')[:5])}; "
        f"{len(published - set(keys))} recorded as published but not on the platform"
    )
    assert sum(states.values()) == BURST
    # Only a person's decision is left; an unconfirmed one is not on the platform (checked above).
    assert set(states) <= {P.PUBLISHED, P.UNCONFIRMED}, states
    return states


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class RedisServer:
    """A Redis server of the test's own, without persistence: a restart loses every queued message."""

    def __init__(self, folder: Path) -> None:
        self.port = free_port()
        self.folder = folder
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        with (self.folder / "redis.log").open("ab") as log:
            self.process = subprocess.Popen(
                [REDIS_SERVER, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
                 "--dir", str(self.folder)],
                stdout=log, stderr=subprocess.STDOUT,
            )  # fmt: skip
        client = redis.Redis.from_url(self.url)
        assert wait_until(lambda: _answers(client), within_s=10, poll_s=0.05), "the test's Redis did not start"

    def stop(self) -> None:
        if self.process is not None:
            processes.stop(self.process, timeout_s=10)
            self.process = None


def _answers(client: redis.Redis) -> bool:
    try:
        return bool(client.ping())
    except redis.ConnectionError:
        return False


class Engine:
    """Dispatcher and worker processes on the test database and the test's Redis, supervised.

    As systemd's `Restart=always` would in production, a worker that exits on its own is started
    again: a Celery 5.7 worker can die of its own reconnect when Redis goes away under it (an
    AttributeError in kombu while it restores unacknowledged messages). Killing one on purpose
    (`kill_worker`) is not undone.
    """

    def __init__(self, folder: Path, broker: RedisServer) -> None:
        self.folder = folder
        self.env = processes.engine_env(
            CELERY_BROKER_URL=broker.url, CELERY_RESULT_BACKEND=broker.url, PLANNER_RATE_LIMIT_REDIS_URL=broker.url,
            **QUICK_RECOVERY,
        )  # fmt: skip
        self.workers: dict[str, tuple[subprocess.Popen[bytes], int]] = {}
        self.dispatchers: list[subprocess.Popen[bytes]] = []
        self.restarts: list[str] = []
        self.lock = threading.Lock()
        self.halt = threading.Event()
        self.supervisor = threading.Thread(target=self._supervise, daemon=True)
        self.supervisor.start()

    def start_worker(self, name: str, threads: int = WORKER_THREADS) -> subprocess.Popen[bytes]:
        log = self.folder / f"worker-{name}.log"
        process = processes.start_worker(f"{name}-{os.getpid()}@localhost", log, self.env, concurrency=threads)
        processes.wait_for_line(process, log, "ready.")
        with self.lock:
            self.workers[name] = (process, threads)
        return process

    def kill_worker(self, name: str) -> None:
        """SIGKILL, as the kernel's OOM killer or a pulled plug would: no warm shutdown, no acks."""
        with self.lock:
            process, _ = self.workers.pop(name)
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()

    def start_dispatcher(self) -> subprocess.Popen[bytes]:
        log = self.folder / f"dispatcher-{len(self.dispatchers)}.log"
        process = processes.start_dispatcher(log, self.env)
        processes.wait_for_line(process, log, "dispatcher ticking")
        self.dispatchers.append(process)
        return process

    def _supervise(self) -> None:
        while not self.halt.wait(0.5):
            with self.lock:
                exited = [(name, threads) for name, (p, threads) in self.workers.items() if p.poll() is not None]
                for name, _ in exited:
                    del self.workers[name]
            for name, threads in exited:
                self.restarts.append(name)
                self.start_worker(name, threads)

    def stop(self) -> None:
        self.halt.set()
        self.supervisor.join()
        for process in [*self.dispatchers, *(p for p, _ in self.workers.values())]:
            processes.stop(process)
        self.dispatchers, self.workers = [], {}


def needs_postgresql_and_redis() -> None:
    """Skip unless the test run is on PostgreSQL (several processes write at once) with redis-server at hand."""
    if connection.vendor != "postgresql":
        pytest.skip("engine processes with faults run on PostgreSQL: set DATABASE_URL=postgres://…")
    if REDIS_SERVER is None:
        pytest.skip("redis-server is not installed")
