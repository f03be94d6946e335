"""Several test processes on one machine (pytest-xdist's gw0, gw1, …): each takes services of its own.

pytest-django gives each process a test database of its own; the rest is ours. Without this, two processes
would share a data folder (the filesystem broker, the worker's log) and Redis databases (a test's
`cache.clear()` would empty the other's cache, and one's Celery worker would take the other's messages).
"""

from __future__ import annotations

import re
from collections.abc import MutableMapping
from pathlib import Path

# Each process shifts the Redis database numbers it was given by this much times its number: with the
# CI's broker on 0 and cache on 1, gw1 takes 2 and 3, gw2 4 and 5.
REDIS_DATABASES_PER_PROCESS = 2
REDIS_URL_VARIABLES = ("CELERY_BROKER_URL", "PLANNER_CACHE_URL", "PLANNER_RATE_LIMIT_REDIS_URL")
_REDIS_DATABASE = re.compile(r"^(rediss?://[^/]*)(?:/(\d+))?(\?.*)?$")


def take_own_services(environ: MutableMapping[str, str], default_data_dir: Path) -> None:
    """In a pytest-xdist process, point `environ` at this process's own data folder and Redis databases.

    Done once, in the test process: the processes it starts (a Celery worker, a dispatcher) inherit the result,
    and any service a test names for them explicitly is left alone."""
    worker = environ.get("PYTEST_XDIST_WORKER", "")
    if not worker or environ.get("PLANNER_TEST_PROCESS") == worker:
        return
    number = int(worker.removeprefix("gw") or 0)
    environ["PLANNER_TEST_PROCESS"] = worker
    environ["PLANNER_DATA_DIR"] = str(Path(environ.get("PLANNER_DATA_DIR", default_data_dir)) / worker)
    for variable in REDIS_URL_VARIABLES:
        if url := environ.get(variable):
            environ[variable] = shifted_redis_database(url, number * REDIS_DATABASES_PER_PROCESS)


def shifted_redis_database(url: str, shift: int) -> str:
    """`url` with its Redis database number raised by `shift`; other URLs unchanged."""
    match = _REDIS_DATABASE.match(url)
    if match is None or shift == 0:
        return url
    server, database, query = match.groups()
    return f"{server}/{int(database or 0) + shift}{query or ''}"
