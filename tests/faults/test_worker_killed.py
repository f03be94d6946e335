"""Fault 1: the worker is killed with SIGKILL in the middle of a burst, then started again."""

from __future__ import annotations

import time

import pytest

from tests.faults.engine import (
    BURST,
    P,
    burst,
    check_each_sent_once,
    published_count,
    wait_until,
    wait_until_settled,
)  # fmt: skip

pytestmark = pytest.mark.worker


def test_a_worker_killed_mid_burst_loses_nothing_and_doubles_nothing(world, live_server, transactional_db, engine):
    burst(world, f"{live_server.url}/sandbox/mastodon/", accounts=4)
    engine.start_worker("first")
    engine.start_dispatcher()

    assert wait_until(lambda: published_count() >= BURST // 5, within_s=120)
    engine.kill_worker("first")  # mid-call for some, holding prefetched messages for others
    killed_at = published_count()
    time.sleep(1)
    engine.start_worker("second")
    settled_in_s = wait_until_settled()

    states = check_each_sent_once()
    assert killed_at < BURST, "the burst was over before the kill: nothing was tested"
    # Those in flight at the kill were reconciled: published if the platform had them, else sent again.
    assert states == {P.PUBLISHED: BURST}
    print(f"settled {settled_in_s:.1f} s after the restart; {dict(states)}")
