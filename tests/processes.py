"""Starting the engine's own processes from tests: Celery workers and dispatchers, on the test database."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

from django.db import connection

PROJECT_ROOT = Path(__file__).resolve().parent.parent
PLATFORMS = ("x", "facebook", "instagram", "threads", "linkedin", "youtube", "mastodon", "bluesky")
# The workers started by the tests post bursts to the sandbox: posting limits would only slow them.
UNLIMITED = json.dumps({p: {"per_minute": 1e9, "burst": 1e9} for p in PLATFORMS})


# As in the Procfile: with these on, a Celery 5 worker may stop consuming after Redis comes back
# (celery/celery#8030, #8091); the planner uses none of them (its own heartbeats go through the queues).
WORKER_FLAGS = ("--without-heartbeat", "--without-gossip", "--without-mingle")


def database_url() -> str:
    """The URL of the database the tests are using, for another process to use the same."""
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{db['NAME']}"
    user = db["USER"] or ""
    password = f":{db['PASSWORD']}" if db["PASSWORD"] else ""
    return f"postgres://{user}{password}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


def engine_env(**overrides: str) -> dict[str, str]:
    """The environment of an engine process: this test run's database, no posting limits."""
    return {
        **os.environ,
        "DATABASE_URL": database_url(),
        "PYTHONUNBUFFERED": "1",
        "PLANNER_RATE_LIMITS": UNLIMITED,
        "PLANNER_BLOCK_PRIVATE_ADDRESSES": "0",  # the sandbox listens on loopback
        **overrides,
    }


def start_worker(
    hostname: str, log: Path, env: dict[str, str], *, queues: str = "default,publish", concurrency: int = 4
) -> subprocess.Popen[bytes]:
    """A Celery worker (thread pool) in its own process group, so that a test can kill it whole."""
    with log.open("ab") as out:
        return subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "planner", "worker", "-Q", queues, "--pool", "threads",
             "--concurrency", str(concurrency), "--loglevel", "INFO", "--hostname", hostname, *WORKER_FLAGS],
            cwd=PROJECT_ROOT, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True,
        )  # fmt: skip


def start_dispatcher(log: Path, env: dict[str, str], interval_s: float = 0.2) -> subprocess.Popen[bytes]:
    """`manage.py run_dispatcher`, as production runs it."""
    with log.open("ab") as out:
        return subprocess.Popen(
            [sys.executable, "manage.py", "run_dispatcher", "--interval", str(interval_s)],
            cwd=PROJECT_ROOT, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True,
        )  # fmt: skip


def wait_for_line(process: subprocess.Popen[bytes], log: Path, text: str, timeout_s: float = 60) -> None:
    """Wait until `text` appears in the process's log (e.g. Celery's "ready.")."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if text in log.read_text(errors="replace"):
            return
        if process.poll() is not None:
            raise RuntimeError(f"{process.args[:4]} exited with {process.returncode}; see {log}")
        time.sleep(0.1)
    raise RuntimeError(f"{process.args[:4]} did not say {text!r} within {timeout_s:g} s; see {log}")


def stop(process: subprocess.Popen[bytes], timeout_s: float = 20) -> None:
    """SIGTERM (a warm shutdown), then SIGKILL if it does not stop in time."""
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=timeout_s)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def wait_for_other_sessions(timeout_s: float = 10.0) -> None:
    """Before a test's tables are flushed, let what another thread or process still does on them finish
    (a live-server request the test stopped waiting for): flushing under it deadlocks on PostgreSQL."""
    if connection.vendor != "postgresql":
        return
    deadline = time.monotonic() + timeout_s
    with connection.cursor() as cursor:
        while time.monotonic() < deadline:
            cursor.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()"
                " AND state IN ('active', 'idle in transaction')"
            )
            if cursor.fetchone()[0] == 0:
                return
            time.sleep(0.05)
