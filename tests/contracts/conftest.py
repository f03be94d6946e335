"""Fixtures of the contract tests: the live sandbox's traffic checked against a platform's definition, and a
platform dialect of the live sandbox (shared with tests/publishing)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.contracts import openapi
from tests.contracts.platforms import platform_sandbox  # noqa: F401 (a fixture, shared with tests/publishing)


@pytest.fixture
def contract(request: pytest.FixtureRequest, live_server: object) -> Iterator[openapi.Contract]:
    """Every request of the test's adapter and every sandbox reply, checked against the definition the test
    module names in DEFINITION ("mastodon" or "x"); any departure fails the test."""
    name = request.module.DEFINITION
    checked = openapi.Contract(getattr(openapi, name)(f"{live_server.url}/sandbox/{name}"))
    yield checked
    assert checked.problems == [], "\n".join(checked.problems)
