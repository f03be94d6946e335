"""The baselines' Celery tasks (registered through bench/settings.py's CELERY_IMPORTS), and how they report.

Every task, when done, counts itself and raises the phase's latest finish time in Redis (one
pipelined round trip): the benchmark then knows when the last one finished without polling results.
"""

from __future__ import annotations

import os
import threading
import time
import uuid
from functools import cache

import httpx
import redis
from celery import shared_task
from django.conf import settings

from publishing.adapters.base import platform_timeout

# Keys per phase: a message left over from an interrupted run cannot count in another one.
DONE_KEY = "bench:{phase}:done"
FINISH_KEY = "bench:{phase}:finish"
_local = threading.local()


@cache
def _redis() -> redis.Redis:
    return redis.Redis.from_url(settings.CELERY_BROKER_URL)


def mark_done(phase: str) -> None:
    """Count one finished task and keep the latest finish time (ZADD GT keeps the maximum)."""
    pipe = _redis().pipeline(transaction=False)
    pipe.incr(DONE_KEY.format(phase=phase))
    pipe.zadd(FINISH_KEY.format(phase=phase), {"last": time.time()}, gt=True)
    pipe.expire(DONE_KEY.format(phase=phase), 3600)
    pipe.expire(FINISH_KEY.format(phase=phase), 3600)
    pipe.execute()


def reset(phase: str) -> None:
    _redis().delete(DONE_KEY.format(phase=phase), FINISH_KEY.format(phase=phase))


def progress(phase: str) -> tuple[int, float | None]:
    """How many tasks of the phase finished, and when the last one did (epoch seconds)."""
    done, last = _redis().get(DONE_KEY.format(phase=phase)), _redis().zscore(FINISH_KEY.format(phase=phase), "last")
    return int(done or 0), last


def _client(keep_alive: bool) -> httpx.Client:
    timeout = platform_timeout()
    if not keep_alive:
        return httpx.Client(timeout=timeout)  # what publishing.adapters.adapter_for() does on every send
    if not hasattr(_local, "client"):
        _local.client = httpx.Client(timeout=timeout)
    return _local.client


@shared_task
def noop(phase: str) -> None:
    """Baseline (a): Celery's own cost per task."""
    mark_done(phase)


@shared_task
def plain_post(phase: str, url: str, token: str, text: str, keep_alive: bool = True) -> None:
    """Baseline (b): the sandbox adapter's HTTP call, with no bookkeeping around it."""
    client = _client(keep_alive)
    response = client.post(
        url, json={"text": text, "link": "", "media": []},
        headers={"Authorization": f"Bearer {token}", "Idempotency-Key": str(uuid.uuid4())},
    )  # fmt: skip
    response.raise_for_status()
    if not keep_alive:
        client.close()
    mark_done(phase)


if os.environ.get("BENCH_WHAT_IF_SHARED_CLIENT"):
    # A what-if, off unless bench/dispatch_burst.py or bench/lag.py is given `--what-if shared-client`:
    # NOT the engine as it is. Every adapter of this worker process shares one httpx.Client (thread-safe,
    # keep-alive) instead of building its own, with a new SSL context (~20 ms of CPU), on every send.
    from publishing.adapters import base as _adapter_base

    _shared_client = httpx.Client(timeout=platform_timeout())
    _original_init = _adapter_base.Adapter.__init__

    def _init_with_shared_client(self: _adapter_base.Adapter, client: httpx.Client | None = None) -> None:
        _original_init(self, client or _shared_client)

    _adapter_base.Adapter.__init__ = _init_with_shared_client  # type: ignore[method-assign]
