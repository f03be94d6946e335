"""Fixtures of the publishing tests: the ministry's account on the live sandbox platform."""

from __future__ import annotations

import pytest

from tests import processes
from tests.contracts.on_sandbox import on_platform
from tests.contracts.platforms import platform_sandbox  # noqa: F401 (a fixture, shared with tests/contracts)


@pytest.fixture(autouse=True)
def short_platform_timeouts(settings: object) -> None:
    """The sandbox's `timeout` and `drop_reply` faults hold a request this long, not 35 s."""
    settings.SANDBOX_TIMEOUT_SLEEP_S = 0.3


@pytest.fixture
def on_sandbox(world, live_server, transactional_db):
    """The ministry's account on the live sandbox, and a publication of its English Mastodon variant."""
    yield on_platform(world, live_server, "mastodon")
    processes.wait_for_other_sessions()
