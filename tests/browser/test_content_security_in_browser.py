"""In headless Chromium: the content security policy is sent, and the main pages run under it without a refusal.

Every browser test is watched (tests/browser/conftest.py): a refusal fails it. This one walks the pages that the
workflow tests do not open, charts and computed colours included, and shows that the watch does see a refusal.
"""

from __future__ import annotations

import datetime as dt
import os

import pytest
from django.urls import reverse
from django.utils import timezone

from analytics.models import CampaignTarget
from tests import builders
from tests.analytics.history import published_post
from tests.browser.chromium import CHROMIUM, sign_in

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not os.path.exists(CHROMIUM), reason="Debian's chromium is not installed (apt-get install chromium)"
    ),
]


def a_campaign_with_results(world) -> None:
    """Published posts with metrics (the report draws its charts and bars) and a post on the calendar."""
    start = timezone.now() - dt.timedelta(days=20)
    variant = builders.make_variant(builders.make_item(world.campaign, "Flu jab results"), "x")
    account = builders.make_account(world.ministry, "x", handle="@ministry_results")
    for n in range(6):
        figures = {"impressions": 100 + n, "likes": 4, "shares": 1, "replies": 1, "clicks": 1, "video_views": None}
        published_post(variant, account, start + dt.timedelta(days=3 * n, hours=n), [figures, figures])
    CampaignTarget.objects.create(campaign=world.campaign, measure="reach", target=2000)
    builders.make_publication(world.variant, world.account, scheduled_at=timezone.now() + dt.timedelta(days=1))


def test_the_main_pages_run_under_the_policy(world, live_server, browser, transactional_db):
    a_campaign_with_results(world)
    pages = [
        reverse("home"),
        reverse("campaign_detail", args=[world.campaign.pk]),
        reverse("campaign_report", args=[world.campaign.pk]),
        reverse("item_detail", args=[world.item.pk]),
        reverse("item_edit", args=[world.item.pk]),
        reverse("calendar"),
        reverse("calendar") + "?view=week",
        reverse("review_queue"),
        reverse("library"),
        reverse("publication_log"),
        reverse("accounts"),
        reverse("freezes"),
        reverse("status"),
        reverse("notifications"),
        reverse("api:docs"),
        reverse("api:redoc"),
    ]
    page = sign_in(browser, live_server, "mona.manager")

    for address in pages:
        response = page.goto(f"{live_server.url}{address}")
        page.wait_for_load_state("networkidle")

        assert response.status == 200, address
        policy = response.header_value("content-security-policy")
        assert policy and "default-src 'self'" in policy, address
        if not address.startswith("/api/"):
            assert "'unsafe-inline'" not in policy, address

    # The computed styles did reach the page through the script.
    page.goto(f"{live_server.url}{reverse('campaign_report', args=[world.campaign.pk])}")
    colour = page.locator(".campaign-head").evaluate("e => getComputedStyle(e).getPropertyValue('--campaign')")
    assert colour.strip() == world.campaign.colour
    bar = page.locator(".bar span").first.evaluate("e => e.style.inlineSize")
    assert bar.endswith("%")
    assert page.locator("svg.pygal-chart").count() >= 2


def test_the_watch_sees_a_refusal(world, live_server, browser, transactional_db):
    page = sign_in(browser, live_server, "eve.editor")

    page.evaluate("""() => {
        const script = document.createElement("script");
        script.textContent = "window.ran = true";
        document.body.append(script);
    }""")
    browser.settle()

    assert page.evaluate("window.ran === undefined")
    assert any("script-src" in text for text in browser.violations), browser.violations
    browser.violations.clear()  # seen: the fixture need not fail this test
