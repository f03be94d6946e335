"""The browser the browser tests drive."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.browser.chromium import launch


@pytest.fixture
def browser() -> Iterator[object]:
    with launch() as chromium:
        yield chromium
