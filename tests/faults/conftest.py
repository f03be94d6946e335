"""Fixtures of the fault tests: a Redis server of the test's own, and the engine's processes on it."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.faults.engine import Engine, RedisServer, needs_postgresql_and_redis


@pytest.fixture
def broker(tmp_path: Path) -> Iterator[RedisServer]:
    needs_postgresql_and_redis()
    server = RedisServer(tmp_path)
    server.start()
    yield server
    server.stop()


@pytest.fixture
def engine(tmp_path: Path, broker: RedisServer) -> Iterator[Engine]:
    running = Engine(tmp_path, broker)
    yield running
    running.stop()
