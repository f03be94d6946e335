"""The dispatcher as a process: a fixed-rate loop that claims what is due and leaves a heartbeat."""

from __future__ import annotations

import datetime as dt
import threading
import time

import pytest
from django.core.management import call_command
from django.utils import timezone

from publishing import dispatcher
from publishing.models import Heartbeat, Publication
from tests import builders

P = Publication.State


def test_the_loop_claims_due_publications_and_leaves_a_heartbeat(world, transactional_db):
    due = builders.make_publication(world.variant, world.account, scheduled_at=timezone.now() - dt.timedelta(seconds=1))
    later = builders.make_publication(world.variant, world.account, scheduled_at=timezone.now() + dt.timedelta(hours=1))
    stop = threading.Event()
    loop = threading.Thread(target=dispatcher.run, args=(0.05, stop))

    loop.start()
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and Publication.objects.get(pk=due.pk).enqueued_at is None:
        time.sleep(0.05)
    stop.set()
    loop.join(timeout=10)

    assert not loop.is_alive()
    claimed = Publication.objects.get(pk=due.pk)
    # Claimed and handed over (a live worker of the test run may already have taken it further).
    assert claimed.state != P.SCHEDULED and claimed.enqueued_at is not None
    assert Publication.objects.get(pk=later.pk).state == P.SCHEDULED
    beat = Heartbeat.objects.get(name="dispatcher")
    assert timezone.now() - beat.beat_at < dt.timedelta(seconds=10)
    assert "queued 1" in beat.detail


def test_the_command_refuses_an_interval_outside_its_range(db):
    with pytest.raises(SystemExit) as exit_:
        call_command("run_dispatcher", interval=30)

    assert exit_.value.code == 2
