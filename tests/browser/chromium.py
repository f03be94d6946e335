"""Headless Chromium (Debian's package) driven by Playwright, for the browser tests."""

from __future__ import annotations

import shutil

from tests import builders

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update"]


def sign_in(browser: object, live_server: object, username: str) -> object:
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", builders.PASSWORD)
    page.click("button.primary")
    page.wait_for_url(f"{live_server.url}/")
    return page
