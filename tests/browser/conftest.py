"""The browser the browser tests drive."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest

from tests.browser.chromium import CHROMIUM, FLAGS


@pytest.fixture
def browser() -> Iterator[object]:
    # Playwright's sync API runs an event loop in this thread; the test's own ORM calls are synchronous.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        yield chromium
        chromium.close()
