"""Every main page, with data on it, in English, French and Arabic: zero WCAG 2.1 A/AA violations found by axe-core
in headless Chromium. On failure the message lists, page by page, each rule broken and the elements breaking it.
With PLANNER_SCREENSHOTS set, each page is also photographed there (to look at the Arabic, right-to-left pages)."""

from __future__ import annotations

import datetime as dt
import io
import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from campaigns import workflow
from campaigns.library import upload_to_library
from publishing.models import Freeze, Publication
from tests import axe, builders
from tests.analytics.history import published_post
from tests.browser.chromium import CHROMIUM
from tests.browser.conftest import watched_chromium

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not os.path.exists(CHROMIUM), reason="Debian's chromium is not installed"),
]

LANGUAGES = ["en", "fr", "ar"]


@pytest.fixture(scope="module")
def module_browser() -> Iterator[object]:
    # Watched by the content security policy too, as every browser test's is (tests/browser/conftest.py).
    with watched_chromium() as chromium:
        yield chromium


@pytest.fixture
def desk(world):
    """The ministry with something on every page: an item in review, a library image attached to a variant,
    publications scheduled, published (with figures), failed; a notification; a campaign frozen."""
    now = timezone.now()
    x = builders.make_account(world.ministry, "x", handle="@health_x")
    card = io.BytesIO()
    Image.new("RGB", (300, 200), "#1f7a8c").save(card, "PNG")
    asset = upload_to_library(
        world.ministry, world.editor, SimpleUploadedFile("flu-card.png", card.getvalue()), "Flu card"
    )
    asset.alt_text = {"en": "A flu vaccination card"}
    asset.save(update_fields=["alt_text"])
    world.variant.media.add(asset)
    x_variant = builders.make_variant(world.item, "x")
    builders.make_publication(world.variant, world.account, scheduled_at=now + dt.timedelta(hours=3))
    builders.make_publication(x_variant, x, scheduled_at=now + dt.timedelta(hours=5))
    builders.make_publication(x_variant, x, scheduled_at=now - dt.timedelta(hours=4), state=Publication.State.FAILED,
                              last_error="The account was disconnected.")  # fmt: skip
    published_post(world.variant, world.account, now - dt.timedelta(days=3),
                   [{"impressions": 1000, "likes": 50, "shares": 10, "replies": 5, "clicks": 35}])  # fmt: skip
    review = builders.make_item(world.campaign, "Wash your hands often", author=world.editor)
    builders.make_variant(review)
    workflow.perform(review, "submit", world.editor)
    frozen = builders.make_campaign(world.ministry, "Heat wave")
    Freeze.objects.create(organisation=world.ministry, campaign=frozen, reason="Waiting for the new figures.",
                          started_by=world.manager)  # fmt: skip
    world.review_item = review
    world.asset = asset
    return world


def pages(desk) -> list[tuple[str, str]]:
    """(name, address) of every main page, as its admin sees it."""
    item, variant, campaign = desk.item, desk.variant, desk.campaign
    day = timezone.localdate(timezone.now() + dt.timedelta(hours=3)).isoformat()
    year = timezone.now().year
    return [
        ("home and dashboard", "/"),
        ("campaign", f"/campaigns/{campaign.pk}/"),
        ("new item", f"/campaigns/{campaign.pk}/items/new/"),
        ("item detail", f"/items/{item.pk}/"),
        ("item editor", f"/items/{item.pk}/edit/"),
        ("media picker", f"/items/{item.pk}/variants/{variant.pk}/media/pick/"),
        ("item in review", f"/items/{desk.review_item.pk}/"),
        ("review queue", "/review/"),
        ("library", "/library/"),
        ("new card", "/library/cards/new/"),
        ("asset", f"/library/{desk.asset.pk}/"),
        ("notifications", "/notifications/"),
        ("calendar month", f"/calendar/?view=month&date={day}"),
        ("calendar week", f"/calendar/?view=week&date={day}"),
        ("calendar list", f"/calendar/?view=list&date={day}"),
        ("accounts", "/accounts/connected/"),
        ("freezes", "/freezes/"),
        ("publication log", "/publications/"),
        ("status", "/status/"),
        ("campaign report", f"/campaigns/{campaign.pk}/report/"),
        ("annual summary", f"/organisations/{desk.ministry.slug}/annual/{year}/"),
        ("password change", "/accounts/password/"),
        ("password changed", "/accounts/password/done/"),
        ("sign-in security", "/accounts/two-factor/"),
        ("two-factor set-up", "/accounts/two-factor/enrol/"),
        ("sign-in policy", f"/organisations/{desk.ministry.pk}/sign-in/"),
        ("setup (admin)", "/admin/"),
    ]


def in_language(browser: object, live_server: object, language: str) -> object:
    context = browser.new_context(
        viewport={"width": 1280, "height": 900}, extra_http_headers={"Accept-Language": language}
    )
    context.add_cookies([{"name": settings.LANGUAGE_COOKIE_NAME, "value": language, "url": live_server.url}])
    return context.new_page()


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_main_page_passes_axe(desk, live_server, module_browser, language, transactional_db):
    source = axe.source_or_skip()
    screenshots = Path(os.environ["PLANNER_SCREENSHOTS"]) if os.environ.get("PLANNER_SCREENSHOTS") else None
    if screenshots:
        screenshots.mkdir(parents=True, exist_ok=True)
    page = in_language(module_browser, live_server, language)
    report = []

    def check(name: str) -> None:
        html = page.locator("html")
        assert html.get_attribute("lang") == language, f"{name}: lang={html.get_attribute('lang')}"
        assert html.get_attribute("dir") == ("rtl" if language == "ar" else "ltr"), f"{name}: dir is wrong"
        found = axe.violations(page, source)
        if found:
            report.append(f"{name} ({page.url}):\n{axe.describe(found)}")

    page.goto(f"{live_server.url}/accounts/login/")
    check("sign-in")
    page.fill("#id_username", desk.admin.username)
    page.fill("#id_password", builders.PASSWORD)
    page.click("button.primary")
    page.wait_for_url(f"{live_server.url}/")
    for name, address in pages(desk):
        response = page.goto(f"{live_server.url}{address}")
        assert response.status == 200, f"{name}: {address} answered {response.status}"
        check(name)
        if screenshots:
            page.screenshot(path=str(screenshots / f"{language}-{name.replace(' ', '-')}.png"), full_page=True)
    page.goto(f"{live_server.url}{dict(pages(desk))['calendar week']}")
    page.locator(".chip.movable .chip-move").first.click()
    page.locator("[data-move-dialog] input[name=when]").wait_for()
    check("calendar week, move dialog open")
    page.context.close()
    assert not report, f"axe-core {axe.VERSION} found WCAG 2.1 A/AA violations in {language}:\n" + "\n".join(report)
