"""The dispatcher: every tick, hand due publications to the workers, and recover what was lost.

The schedule lives in the database; the broker only carries "send it now" messages, enqueued
after the claim commits. Several dispatchers can run at once: claims skip locked rows.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from publishing import scheduling

# One tick claims at most this many rows: enough for a burst of thousands in a few ticks, small
# enough that the claiming transaction stays short.
CLAIM_BATCH = 500


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
    from publishing.tasks import publish, reconcile

    now = now or timezone.now()
    queued, expired = scheduling.claim_due(now, CLAIM_BATCH)
    requeued = scheduling.requeue_stale(now, queued_stale_after())
    unconfirmed = scheduling.expire_leases(now)
    for publication_id in [*queued, *requeued]:
        transaction.on_commit(lambda pk=publication_id: publish.delay(pk))
    for publication_id in unconfirmed:
        # The worker died mid-call: ask the platform before anything else is tried.
        transaction.on_commit(lambda pk=publication_id: reconcile.delay(pk))
    return Tick(len(queued), len(expired), len(requeued), len(unconfirmed))
