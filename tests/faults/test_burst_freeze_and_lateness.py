"""A freeze in the middle of a burst, and a worker down past the latest acceptable time."""

from __future__ import annotations

import datetime as dt
import time

import pytest
from django.utils import timezone

from campaigns.models import ContentItem
from publishing import freezes
from publishing.dispatcher import dispatch_due
from publishing.models import Publication, PublicationAttempt
from publishing.sandbox.models import SandboxPost
from tests.faults.engine import BURST, burst

pytestmark = [pytest.mark.worker, pytest.mark.usefixtures("celery_worker_process")]
P = Publication.State


def run_dispatcher_until(condition: object, within_s: float) -> None:
    deadline = time.monotonic() + within_s
    while time.monotonic() < deadline and not condition():
        dispatch_due()
        time.sleep(0.2)


def test_a_freeze_mid_burst_stops_sending_and_held_items_need_approval_again(world, live_server, transactional_db):
    burst(world, f"{live_server.url}/sandbox/mastodon/")

    run_dispatcher_until(lambda: Publication.objects.filter(state=P.PUBLISHED).count() >= 100, within_s=180)
    freezes.start_freeze(world.ministry, world.manager, "A tragedy: stop everything")
    # A send already handed to the platform cannot be recalled: at most those in flight may still land.
    # (Counted in this order, a post landing later was necessarily in flight at the first count.)
    in_flight = Publication.objects.filter(state=P.PUBLISHING).count()
    posted_before = SandboxPost.objects.count()
    run_dispatcher_until(lambda: False, within_s=3)  # the dispatcher keeps ticking during the freeze
    # What was in flight lands (or is held) however slow the machine; nothing else may start.
    run_dispatcher_until(lambda: not Publication.objects.filter(state=P.PUBLISHING).exists(), within_s=60)
    sent_at_freeze = SandboxPost.objects.count()

    assert posted_before <= sent_at_freeze <= posted_before + in_flight
    assert 100 <= sent_at_freeze < BURST
    freeze = world.ministry.freezes.get()
    lifted_at = timezone.now()
    lifted = freezes.lift_freeze(freeze, world.second_manager)
    # A send a worker held during the freeze may come back as scheduled; it is then cancelled, never sent.
    pending = (P.SCHEDULED, P.QUEUED, P.RETRYING, P.PUBLISHING)
    run_dispatcher_until(lambda: not Publication.objects.filter(state__in=pending).exists(), within_s=90)

    assert [item.pk for item in lifted.held_items] == [world.item.pk]
    assert ContentItem.objects.get(pk=world.item.pk).state == ContentItem.State.IN_REVIEW
    # Lifting fired nothing: a message still on its way after the lift finds the item in review and stops.
    assert not PublicationAttempt.objects.filter(started_at__gte=lifted_at, outcome="succeeded").exists()
    assert not Publication.objects.filter(state__in=pending).exists()
    # The platform has exactly what the engine says went out; a send whose reply was lost before the
    # freeze (a loaded machine) is unconfirmed for a person, never taken for cancelled.
    posted = {str(key) for key in SandboxPost.objects.values_list("idempotency_key", flat=True)}
    published = {
        str(k) for k in Publication.objects.filter(state=P.PUBLISHED).values_list("idempotency_key", flat=True)
    }
    unconfirmed = {
        str(k) for k in Publication.objects.filter(state=P.UNCONFIRMED).values_list("idempotency_key", flat=True)
    }
    unaccounted = Publication.objects.filter(idempotency_key__in=posted - published - unconfirmed)
    assert published <= posted, "recorded as published but not on the platform"
    assert not unaccounted.exists(), [
        (p.state, p.last_error, list(p.attempt_log.values_list("outcome", "started_at", "finished_at", "error")))
        for p in unaccounted[:3]
    ]


def test_publications_past_their_latest_acceptable_time_are_expired_not_sent(world, live_server, transactional_db):
    burst(world, f"{live_server.url}/sandbox/mastodon/", deadline=dt.timedelta(seconds=1))
    time.sleep(1.5)  # the workers were down past the deadline

    run_dispatcher_until(lambda: not Publication.objects.filter(state=P.SCHEDULED).exists(), within_s=30)
    run_dispatcher_until(
        lambda: not Publication.objects.filter(state__in=(P.QUEUED, P.PUBLISHING)).exists(), within_s=30
    )

    assert Publication.objects.filter(state=P.EXPIRED).count() == BURST
    assert SandboxPost.objects.count() == 0
