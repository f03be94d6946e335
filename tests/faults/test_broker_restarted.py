"""Fault 2: Redis, the broker, is restarted in the middle of a burst and loses every queued message."""

from __future__ import annotations

import time

import pytest

from tests.faults.engine import BURST, P, burst, check_each_sent_once, published_count, wait_until, wait_until_settled

pytestmark = pytest.mark.worker


def test_a_broker_restart_mid_burst_loses_nothing_and_doubles_nothing(
    world, live_server, transactional_db, broker, engine
):
    burst(world, f"{live_server.url}/sandbox/mastodon/", accounts=4)
    engine.start_worker("only")
    engine.start_dispatcher()

    assert wait_until(lambda: published_count() >= BURST // 5, within_s=120)
    broker.stop()  # no persistence: the queue, the reserved messages and the posting buckets are gone
    stopped_at = published_count()
    time.sleep(2)
    broker.start()
    settled_in_s = wait_until_settled()

    states = check_each_sent_once()
    assert stopped_at < BURST, "the burst was over before the restart: nothing was tested"
    assert states == {P.PUBLISHED: BURST}
    print(f"settled {settled_in_s:.1f} s after Redis came back; {dict(states)}; workers restarted: {engine.restarts}")
