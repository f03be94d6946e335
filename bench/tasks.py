"""The baselines' Celery tasks (registered through bench/settings.py's CELERY_IMPORTS), and how they report.

They run on the publish queue with the options of `publishing.tasks.publish` (late acks, no stored
result), so a baseline pays for Celery what the engine pays and nothing more. Every task, when done,
counts itself and raises the phase's latest finish time in Redis (one pipelined round trip): the
benchmark then knows when the last one finished without polling results.
"""

from __future__ import annotations

import time
import uuid
from functools import cache

import redis
from celery import shared_task
from django.conf import settings

from publishing.adapters.base import shared_client

# Keys per phase: a message left over from an interrupted run cannot count in another one.
DONE_KEY = "bench:{phase}:done"
FINISH_KEY = "bench:{phase}:finish"
# As publishing.tasks.publish is declared.
TASK_OPTIONS = {"acks_late": True, "reject_on_worker_lost": True, "ignore_result": True}


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


@shared_task(**TASK_OPTIONS)
def noop(phase: str) -> None:
    """Baseline (a): Celery's own cost per task."""
    mark_done(phase)


@shared_task(**TASK_OPTIONS)
def plain_post(phase: str, url: str, token: str, text: str) -> None:
    """Baseline (b): the sandbox adapter's HTTP call, on the engine's own keep-alive client, with no bookkeeping."""
    response = shared_client().post(
        url, json={"text": text, "link": "", "media": []},
        headers={"Authorization": f"Bearer {token}", "Idempotency-Key": str(uuid.uuid4())},
    )  # fmt: skip
    response.raise_for_status()
    mark_done(phase)
