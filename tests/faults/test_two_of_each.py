"""Fault 8: two dispatchers and two workers run one burst together, as they would on two machines."""

from __future__ import annotations

import pytest
from django.db.models import Count

from publishing.models import PublicationAttempt
from tests.faults.engine import BURST, P, burst, check_each_sent_once, wait_until_settled

pytestmark = pytest.mark.worker


def test_two_dispatchers_and_two_workers_send_each_publication_once(world, live_server, transactional_db, engine):
    burst(world, f"{live_server.url}/sandbox/mastodon/", accounts=4)
    for name in ("machine-a", "machine-b"):
        engine.start_worker(name, threads=8)
    engine.start_dispatcher()
    engine.start_dispatcher()

    settled_in_s = wait_until_settled()

    states = check_each_sent_once()
    assert states == {P.PUBLISHED: BURST}
    # Each publication was attempted once: no two dispatchers or workers both took one.
    assert not PublicationAttempt.objects.values("publication").annotate(n=Count("pk")).filter(n__gt=1).exists()
    by_worker = dict(PublicationAttempt.objects.values_list("worker").annotate(n=Count("pk")))
    assert len(by_worker) == 2, by_worker  # both machines did their share
    print(f"settled in {settled_in_s:.1f} s; attempts per worker {by_worker}")
