"""Fault 3: PostgreSQL is restarted in the middle of a burst: every connection of every process drops."""

from __future__ import annotations

import shutil
import subprocess
import time

import pytest
from django.db import connection

from tests.faults.engine import BURST, P, burst, check_each_sent_once, published_count, wait_until, wait_until_settled

pytestmark = pytest.mark.worker
DOWN_S = 2.0


def local_cluster() -> list[str]:
    """The Debian cluster (version, name) serving the test database, or skip."""
    if shutil.which("pg_ctlcluster") is None or shutil.which("pg_lsclusters") is None:
        pytest.skip("restarting PostgreSQL needs Debian's pg_ctlcluster")
    port = str(connection.settings_dict["PORT"] or 5432)
    if connection.settings_dict["HOST"] not in ("127.0.0.1", "localhost", ""):
        pytest.skip("the test database is not on this machine")
    lines = subprocess.run(["pg_lsclusters", "--no-header"], capture_output=True, text=True, check=True).stdout
    for fields in (line.split() for line in lines.splitlines()):
        if len(fields) >= 3 and fields[2] == port:
            return fields[:2]
    pytest.skip(f"no local cluster listens on port {port}")


def restart(cluster: list[str]) -> None:
    """Stop (closing every connection, as a crash or a failover would), stay down a moment, start."""
    subprocess.run(["pg_ctlcluster", *cluster, "stop", "-m", "fast"], check=True)
    try:
        time.sleep(DOWN_S)
    finally:
        subprocess.run(["pg_ctlcluster", *cluster, "start"], check=True)
    connection.close()  # this test's own connection died with the server


def test_a_database_restart_mid_burst_loses_nothing_and_doubles_nothing(world, live_server, transactional_db, engine):
    cluster = local_cluster()
    burst(world, f"{live_server.url}/sandbox/mastodon/", accounts=4)
    engine.start_worker("only")
    engine.start_dispatcher()

    assert wait_until(lambda: published_count() >= BURST // 5, within_s=120)
    stopped_at = published_count()
    restart(cluster)
    settled_in_s = wait_until_settled()

    states = check_each_sent_once()
    assert stopped_at < BURST, "the burst was over before the restart: nothing was tested"
    assert states == {P.PUBLISHED: BURST}
    print(f"settled {settled_in_s:.1f} s after PostgreSQL came back; {dict(states)}")
