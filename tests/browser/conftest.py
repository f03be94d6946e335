"""The browser the browser tests drive, and the content security policy's watch over every page it opens."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

import pytest

from tests.browser.chromium import launch

# Each document reports the policy's refusals to the test (Playwright injects this script outside the policy).
REPORT_VIOLATIONS = """
document.addEventListener("securitypolicyviolation", (event) => {
  window.__plannerCspViolation(`${event.effectiveDirective} refused ${event.blockedURI || "inline"}`
    + ` at ${event.sourceFile || document.location.href}:${event.lineNumber} (${event.sample || "no sample"})`);
});
"""

# Refused on purpose, so not counted: Redoc's "powered by" badge, an image from its makers' site (the API's docs
# page loads nothing from outside).
EXPECTED_REFUSALS = ("https://cdn.redoc.ly/",)


class WatchedBrowser:
    """Chromium, whose every page (and context) records what the content security policy refused:
    `securitypolicyviolation` events and the console's "Content Security Policy" errors."""

    def __init__(self, chromium: object) -> None:
        self._chromium = chromium
        self.violations: list[str] = []
        self._contexts: list[object] = []

    def _watch_context(self, context: object) -> object:
        context.expose_function("__plannerCspViolation", self._record)
        context.add_init_script(REPORT_VIOLATIONS)
        context.on("page", self._watch_console)
        self._contexts.append(context)
        return context

    def _watch_console(self, page: object) -> None:
        def on_console(message: object) -> None:
            if "Content Security Policy" in message.text:
                self._record(f"console on {page.url}: {message.text}")

        page.on("console", on_console)

    def _record(self, text: str) -> None:
        if not any(f"'{address}" in text or f" {address}" in text for address in EXPECTED_REFUSALS):
            self.violations.append(text)

    def new_context(self, **options: object) -> object:
        return self._watch_context(self._chromium.new_context(**options))

    def new_page(self, **options: object) -> object:
        # A page of its own context, as Browser.new_page makes, closed with it.
        context = self.new_context(**options)
        page = context.new_page()
        page.on("close", lambda _: context.close())
        return page

    def settle(self) -> None:
        """A round trip to every open page, so that a report still on its way arrives."""
        for context in self._contexts:
            for page in context.pages:
                if not page.is_closed():
                    page.evaluate("0")

    def __getattr__(self, name: str) -> object:
        return getattr(self._chromium, name)


@contextlib.contextmanager
def watched_chromium() -> Iterator[WatchedBrowser]:
    """Chromium whose pages are watched; the test fails at the end of the block if the policy refused anything."""
    with launch() as chromium:
        watched = WatchedBrowser(chromium)
        yield watched
        watched.settle()
    if watched.violations:
        pytest.fail("The content security policy refused:\n" + "\n".join(watched.violations), pytrace=False)


@pytest.fixture
def browser() -> Iterator[WatchedBrowser]:
    with watched_chromium() as chromium:
        yield chromium
