"""The dispatcher: every tick, hand due publications to the workers, and recover what was lost.

The schedule lives in the database; the broker only carries "send it now" messages, enqueued
after the claim commits. Several dispatchers can run at once (on several machines): claims skip
locked rows, and every later move is a conditional update.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import socket
import threading
import time
from dataclasses import dataclass

from django.conf import settings
from django.db import close_old_connections, connection, transaction
from django.utils import timezone

from publishing import scheduling
from publishing.models import Heartbeat, Publication

logger = logging.getLogger(__name__)

# One tick claims at most this many rows: enough for a burst of thousands in a few ticks, small
# enough that the claiming transaction stays short.
CLAIM_BATCH = 500
# The dispatcher's heartbeat is written at most this often, not on every tick.
HEARTBEAT_EVERY_S = 1.0
# After a failed tick (database or broker away), wait this long before the next one.
PAUSE_AFTER_ERROR_S = 1.0


def queued_stale_after() -> dt.timedelta:
    """A message still not picked up after this long was lost (broker restarted, worker killed holding it)."""
    return dt.timedelta(seconds=settings.PLANNER_QUEUED_STALE_AFTER_S)


@dataclass(frozen=True)
class Tick:
    queued: int
    expired: int
    requeued: int
    unconfirmed: int


def dispatch_due(now: dt.datetime | None = None) -> Tick:
    """Claim due publications and enqueue them; expire the too-late ones; recover lost ones."""
    from publishing.tasks import publish, publish_together, reconcile, tell_people

    now = now or timezone.now()
    queued, expired = scheduling.claim_due(now, CLAIM_BATCH)
    requeued = scheduling.requeue_stale(now, queued_stale_after())
    unconfirmed = scheduling.expire_leases(now)
    releases = releases_of(queued)
    # One message per release: one worker prepares all of it, then calls the platforms at once. If that message
    # is lost, its rows are requeued one by one as stale: late and apart, but nothing is lost.
    for publication_ids in releases.values():
        transaction.on_commit(lambda ids=publication_ids: publish_together.delay(ids))
    together = {pk for ids in releases.values() for pk in ids}
    for publication_id in [*(pk for pk in queued if pk not in together), *requeued]:
        transaction.on_commit(lambda pk=publication_id: publish.delay(pk))
    if expired:
        transaction.on_commit(lambda: tell_people.delay(expired))
    for publication_id in unconfirmed:
        # The worker died mid-call: ask the platform before anything else is tried.
        transaction.on_commit(lambda pk=publication_id: reconcile.delay(pk))
    return Tick(len(queued), len(expired), len(requeued), len(unconfirmed))


def releases_of(publication_ids: list[int]) -> dict[int, list[int]]:
    """The publications among `publication_ids` that belong to a release, by release."""
    if not publication_ids:
        return {}
    found: dict[int, list[int]] = {}
    rows = Publication.objects.filter(pk__in=publication_ids, release__isnull=False).values_list("release_id", "pk")
    for release_id, pk in rows.order_by("release_id", "pk"):
        found.setdefault(release_id, []).append(pk)
    return found


def run(interval_s: float, stop: threading.Event) -> None:
    """Tick at a fixed rate until `stop` is set, riding out a database or broker restart.

    A tick that fails leaves nothing half done: claimed rows are committed as queued before any
    message is sent, so a message the broker never got is sent again as stale.
    """
    name = f"{socket.gethostname()}:{os.getpid()}"
    next_at, beat_at = time.monotonic(), 0.0
    while not stop.is_set():
        try:
            tick = dispatch_due()
            if time.monotonic() - beat_at >= HEARTBEAT_EVERY_S:
                record_tick(name, tick)
                beat_at = time.monotonic()
        except Exception:
            logger.exception("dispatcher tick failed; trying again in %.1f s", PAUSE_AFTER_ERROR_S)
            connection.close()  # a connection broken by a database restart is opened afresh
            stop.wait(PAUSE_AFTER_ERROR_S)
            next_at = time.monotonic()
            continue
        close_old_connections()
        next_at = max(next_at + interval_s, time.monotonic())  # after a long tick, no catching up
        stop.wait(next_at - time.monotonic())


def record_tick(dispatcher: str, tick: Tick) -> None:
    detail = f"{dispatcher}: queued {tick.queued}, expired {tick.expired}, requeued {tick.requeued}, unconfirmed {tick.unconfirmed}"  # fmt: skip
    Heartbeat.objects.update_or_create(name="dispatcher", defaults={"beat_at": timezone.now(), "detail": detail})
