"""In headless Chromium: an Arabic-speaking editor's pages are laid out right to left, in Arabic."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import pytest
from django.utils import formats, translation

from people.models import Preferences
from tests import builders
from tests.browser.chromium import CHROMIUM, sign_in

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not os.path.exists(CHROMIUM), reason="Debian's chromium is not installed (apt-get install chromium)"
    ),
]


def test_an_arabic_editors_pages_mirror_and_speak_arabic(world, live_server, browser, transactional_db, tmp_path: Path):
    Preferences.objects.create(user=world.editor, language="ar")
    when = dt.datetime.now(dt.UTC).replace(hour=8, minute=0, second=0, microsecond=0) + dt.timedelta(days=1)
    builders.make_publication(world.variant, world.account, scheduled_at=when)
    page = sign_in(browser, live_server, "eve.editor")

    assert page.get_attribute("html", "dir") == "rtl" and page.get_attribute("html", "lang") == "ar"
    brand, nav = page.locator(".topbar .brand").bounding_box(), page.locator(".topbar nav").bounding_box()
    assert brand["x"] > nav["x"] + nav["width"]  # the brand starts the line: on the right
    assert page.locator(".topbar nav a").first.inner_text() == "الحملات"
    page.screenshot(path=tmp_path / "arabic-home.png", full_page=True)

    page.goto(f"{live_server.url}/calendar/?view=week&date={when:%Y-%m-%d}")
    assert page.locator("h1").first.inner_text().strip() != ""
    headers = page.locator("table.week thead th")
    first_day, last_day = headers.nth(1).bounding_box(), headers.last.bounding_box()
    assert first_day["x"] > last_day["x"]  # Monday on the right, Sunday on the left
    monday = when.date() - dt.timedelta(days=when.weekday())
    with translation.override("ar"):
        assert headers.nth(1).inner_text().strip() == formats.date_format(monday, "D j M")  # إثنين …
    page.screenshot(path=tmp_path / "arabic-calendar.png", full_page=True)
