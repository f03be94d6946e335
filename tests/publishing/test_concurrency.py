"""The engine's moves at the same moment as a person's, each in its own thread and connection."""

from __future__ import annotations

import datetime as dt
import threading
import time

from django.db import connection, transaction
from django.utils import timezone

from publishing import scheduling
from publishing.models import Publication
from tests import builders

P = Publication.State


def test_cancelling_while_a_worker_claims_the_send_leaves_the_send_alone(world, transactional_db):
    """Found by the freeze fault test: the cancel waited for the worker's lock, then cancelled a send in flight."""
    publication = builders.make_publication(world.variant, world.account, state=P.QUEUED)
    claimed, cancelled = threading.Event(), []

    def worker() -> None:
        try:
            with transaction.atomic():
                assert scheduling.start_sending(publication.pk, timezone.now(), dt.timedelta(seconds=60))
                claimed.set()
                time.sleep(0.5)  # the cancel below is now waiting for this row
        finally:
            connection.close()

    def person() -> None:
        claimed.wait(10)
        try:
            cancelled.append(scheduling.cancel_pending_publications(world.item, "Cancelled: edited."))
        finally:
            connection.close()

    threads = [threading.Thread(target=worker), threading.Thread(target=person)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)

    assert cancelled == [0]
    assert Publication.objects.get(pk=publication.pk).state == P.PUBLISHING
