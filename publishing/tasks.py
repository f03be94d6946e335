"""Celery tasks of the publishing engine: thin, take ids, safe to run twice.

The dispatcher is not a task: it is its own process (`manage.py run_dispatcher`).
"""

import logging
import socket
from typing import Any

from celery import Task, shared_task
from celery.signals import task_postrun, task_prerun
from django.utils import timezone

from planner import logs
from publishing.models import Heartbeat

logger = logging.getLogger(__name__)


@shared_task
def record_heartbeat(source: str) -> str:
    """Record that `source` reached a worker now; returns the worker's host name."""
    host = socket.gethostname()
    Heartbeat.objects.update_or_create(name=source, defaults={"beat_at": timezone.now(), "detail": host})
    return host


# Their outcome lives on the publication row: nothing is stored in a result backend.
@shared_task(acks_late=True, reject_on_worker_lost=True, ignore_result=True)
def publish(publication_id: int) -> str | None:
    """Send one publication (a duplicate message does nothing)."""
    from publishing.sending import send

    state = send(publication_id)
    logger.info("publish: %s", f"settled as {state}" if state else "nothing to send (not queued any more)")
    return state


@shared_task(acks_late=True, reject_on_worker_lost=True, ignore_result=True)
def publish_together(publication_ids: list[int]) -> dict[int, str | None]:
    """Send a release's publications together (each already sent does nothing)."""
    from publishing.release_sending import send_together

    states = send_together(publication_ids)
    logger.info("publish together: %d of %d sent", sum(s == "published" for s in states.values()), len(states))
    return states


@shared_task(acks_late=True, reject_on_worker_lost=True, ignore_result=True)
def reconcile(publication_id: int) -> str | None:
    """Settle an unconfirmed publication with the platform, if it has the post."""
    from publishing.sending import reconcile as reconcile_with_platform

    return reconcile_with_platform(publication_id)


@shared_task
def tell_people(publication_ids: list[int]) -> int:
    """Tell the author and managers about publications that need a person."""
    from publishing.attention import tell_people as notify_about

    return notify_about(publication_ids)


@shared_task(ignore_result=True)
def collect_due_metrics() -> int:
    """Hand the engagement collections now due to workers (beat, every minute); returns how many."""
    from publishing import metrics

    due = metrics.claim_due(timezone.now(), metrics.BATCH_SIZE)
    for publication_id in due:  # claimed and committed: each message is safe to deliver twice
        collect_metrics.delay(publication_id)
    return len(due)


@shared_task(acks_late=True, reject_on_worker_lost=True, ignore_result=True)
def collect_metrics(publication_id: int) -> str | None:
    """Read one published post's engagement from its platform, if its collection is due."""
    from publishing.metrics import collect

    return collect(publication_id)


# The tasks that handle one publication, its id their first argument: every line logged during their run,
# Celery's own included, carries that id (planner/logs.py).
PUBLICATION_TASKS = {publish.name, reconcile.name, collect_metrics.name}


@task_prerun.connect
def _log_publication_id(sender: Task | None = None, args: tuple = (), kwargs: dict | None = None, **_: Any) -> None:
    if sender is None or sender.name not in PUBLICATION_TASKS:
        return
    publication_id = args[0] if args else (kwargs or {}).get("publication_id")
    sender.request.log_publication_token = logs.set_publication(publication_id)


@task_postrun.connect
def _forget_publication_id(sender: Task | None = None, **_: Any) -> None:
    token = getattr(sender.request, "log_publication_token", None) if sender is not None else None
    if token is not None:
        logs.reset_publication(token)
        sender.request.log_publication_token = None
