"""Every main page, with data on it, in English, French and Arabic: zero WCAG 2.1 A/AA violations found by axe-core
in headless Chromium. On failure the message lists, page by page, each rule broken and the elements breaking it.
With PLANNER_SCREENSHOTS set, each page is also photographed there (to look at the Arabic, right-to-left pages)."""

from __future__ import annotations

import datetime as dt
import io
import os
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from campaigns import myths, partner_review, workflow
from campaigns.library import upload_to_library
from publishing.models import Cadence, Freeze, Publication, Release
from tests import axe, builders
from tests.analytics.history import published_post
from tests.browser.chromium import CHROMIUM
from tests.browser.conftest import watched_chromium
from tests.campaigns.plan_files import GOOD, plan_bytes, previewed
from tests.campaigns.test_organisation_scoping import planner_patterns
from tests.security.signing_in import authenticator_of

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
    """The ministry with something on every page: an item in review, one approved, a library image attached to a
    variant, a variant too long for its platform; publications scheduled, published (with figures), failed; a
    notification; a campaign frozen."""
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
    x_variant = builders.make_variant(world.item, "x", text="Too long for X. " * 30)  # the editor shows the error
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
    approved = builders.make_item(world.campaign, "Cover your cough", author=world.editor)
    builders.make_variant(approved)
    workflow.perform(approved, "submit", world.editor)
    workflow.perform(approved, "approve", world.manager)
    world.myth = myths.record_myth(
        world.ministry, world.editor, {"claim": "Vaccines cause flu", "first_seen": now.date(), "status": "circulating"},
        {"en": "They do not.", "ar": "لا يسببون الإنفلونزا."}, [("https://www.who.int/", "WHO")],
    )  # fmt: skip
    myths.respond(world.myth, world.campaign, ["mastodon"], world.editor)
    release = Release.objects.create(
        organisation=world.ministry, name="Measles figures", instant=now + dt.timedelta(days=1)
    )
    builders.make_publication(world.variant, world.account, scheduled_at=release.instant, release=release)
    world.release = release
    world.review_item = review
    world.approved_item = approved
    world.asset = asset
    link, world.partner_token = partner_review.create_link(review, world.manager, "Dr Amal Haddad", "amal@example.org")
    partner_review.leave_feedback(link, "comment", "Say who may get the jab.", partner_review.Visit(None, ""))
    world.cadence = Cadence.objects.create(
        campaign=world.campaign, name="Outbreak", times=["08:00", "13:00", "19:00"], weekdays=[0, 1, 2, 3, 4, 5, 6],
        starts_on=now.date() + dt.timedelta(days=1),
    )  # fmt: skip
    world.cadence.accounts.set([world.account])
    rows = [
        GOOD,
        GOOD | {"kind": "podcast"},
        GOOD | {"hashtags": "", "languages": "ar", "text": "لقاح الإنفلونزا مجاني."},
    ]
    world.plan = previewed(world.ministry, world.editor, plan_bytes(rows))
    return world


# Every named page of the planner: (label, URL name, its arguments, query string).
PAGES = [
    ("home and dashboard", "home", lambda d: {}, ""),
    ("campaign", "campaign_detail", lambda d: {"pk": d.campaign.pk}, ""),
    ("new item", "item_new", lambda d: {"campaign_pk": d.campaign.pk}, ""),
    ("item detail", "item_detail", lambda d: {"pk": d.item.pk}, ""),
    ("item in review", "item_detail", lambda d: {"pk": d.review_item.pk}, ""),
    ("approved item, to schedule", "item_schedule", lambda d: {"pk": d.approved_item.pk}, ""),
    ("item editor", "item_edit", lambda d: {"pk": d.item.pk}, ""),
    ("media picker", "media_picker", lambda d: {"pk": d.item.pk, "variant_pk": d.variant.pk}, ""),
    ("review queue", "review_queue", lambda d: {}, ""),
    ("library", "library", lambda d: {}, ""),
    ("new card", "card_new", lambda d: {}, ""),
    ("asset", "asset_detail", lambda d: {"pk": d.asset.pk}, ""),
    ("notifications", "notifications", lambda d: {}, ""),
    ("partner review (no account)", "partner_review", lambda d: {"pk": d.review_item.pk, "token": d.partner_token}, ""),
    ("new cadence", "cadence_new", lambda d: {"campaign_pk": d.campaign.pk}, ""),
    ("cadence plan", "cadence_preview", lambda d: {"pk": d.cadence.pk}, ""),
    ("observances", "observances", lambda d: {}, ""),
    ("plan import", "plan_imports", lambda d: {}, ""),
    ("plan import checked", "plan_import_detail", lambda d: {"pk": d.plan.pk}, ""),
    ("myth register", "myth_list", lambda d: {}, ""),
    ("new myth", "myth_new", lambda d: {}, ""),
    ("myth", "myth_detail", lambda d: {"pk": d.myth.pk}, ""),
    ("myth editor", "myth_edit", lambda d: {"pk": d.myth.pk}, ""),
    ("myth response", "myth_respond", lambda d: {"pk": d.myth.pk}, ""),
    ("calendar month", "calendar", lambda d: {}, "view=month&date={day}"),
    ("calendar week", "calendar", lambda d: {}, "view=week&date={day}"),
    ("calendar list", "calendar", lambda d: {}, "view=list&date={day}"),
    ("accounts", "accounts", lambda d: {}, ""),
    ("freezes", "freezes", lambda d: {}, ""),
    ("coordinated release", "release_detail", lambda d: {"pk": d.release.pk}, ""),
    ("publication log", "publication_log", lambda d: {}, ""),
    ("status", "status", lambda d: {}, ""),
    ("campaign report", "campaign_report", lambda d: {"pk": d.campaign.pk}, ""),
    ("annual summary", "annual_summary", lambda d: {"slug": d.ministry.slug, "year": timezone.now().year}, ""),
    ("audit", "audit", lambda d: {}, ""),
    ("preferences", "preferences", lambda d: {}, ""),
    ("sign-in policy", "sign_in_policy", lambda d: {"pk": d.ministry.pk}, ""),
    ("two-factor settings", "two_factor", lambda d: {}, ""),
    ("two-factor enrolment", "two_factor_enrol", lambda d: {}, ""),
    ("password change", "password_change", lambda d: {}, ""),
    ("password changed", "password_change_done", lambda d: {}, ""),
    ("setup (admin)", "admin:index", lambda d: {}, ""),
]
# Named routes that are no page of their own: actions (POST, answered with a redirect or one of the pages above),
# data (JSON, CSV, PDF), the OAuth return, the sandbox's timeline (the stand-in for the platforms' own sites, not a
# page of the planner); and the pages of signing in, checked on the way in.
NOT_PAGES = {
    "login", "logout", "health", "publication_decide", "freeze_lift", "account_connect_mastodon",
    "account_connect_bluesky", "account_connect_oauth", "account_callback", "account_disconnect", "calendar_data",
    "calendar_move", "variant_add", "variant_save", "variant_media", "variant_check", "item_move", "item_comment",
    "publication_move", "library_upload", "notifications_read", "report_publications_csv", "report_tables_csv",
    "report_pdf", "target_add", "target_outcome", "target_remove", "timeline", "ready", "two_factor_backup_codes",
    "two_factor_disable", "sign_in_unlock", "item_comment_edit", "item_comment_delete", "audit_export",
    "two_factor_verify", "javascript-catalog", "partner_link_create", "partner_link_revoke",
    "item_repeat", "item_repeat_again", "publication_skip", "cadence_apply", "observance_remove",
    "account_quiet_hours", "release_move", "plan_import_status", "plan_import_confirm", "plan_template", "plan_sample",
    "calendar_export",
}  # fmt: skip


def test_every_named_page_is_checked():
    named = {pattern.name for pattern in planner_patterns()}
    checked = {name for _, name, _, _ in PAGES}
    assert named - checked - NOT_PAGES == set(), "pages the accessibility check does not visit"
    assert (checked | NOT_PAGES) - named - {"admin:index"} == set(), "names that are no longer routes"


def pages(desk) -> list[tuple[str, str]]:
    """(label, address) of every main page, as its admin sees it."""
    day = timezone.localdate(timezone.now() + dt.timedelta(hours=3)).isoformat()
    found = []
    for label, name, arguments, query in PAGES:
        address = reverse(name, kwargs=arguments(desk))
        found.append((label, f"{address}?{query.format(day=day)}" if query else address))
    return found


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

    def check(name: str, page: object = page) -> None:
        html = page.locator("html")
        assert html.get_attribute("lang") == language, f"{name}: lang={html.get_attribute('lang')}"
        assert html.get_attribute("dir") == ("rtl" if language == "ar" else "ltr"), f"{name}: dir is wrong"
        if screenshots:
            page.screenshot(path=str(screenshots / f"{language}-{re.sub('[^a-z0-9]+', '-', name)}.png"), full_page=True)
        found = axe.violations(page, source)
        if found:
            report.append(f"{name} ({page.url}):\n{axe.describe(found)}")

    page.goto(f"{live_server.url}/accounts/login/")
    check("sign-in")
    page.fill("#id_username", desk.admin.username)
    page.fill("#id_password", "not the password")
    page.click("button.primary")
    page.locator("[role=alert]").wait_for()
    check("sign-in refused")
    authenticator_of(desk.editor)
    second_step = in_language(module_browser, live_server, language)
    second_step.goto(f"{live_server.url}/accounts/login/")
    second_step.fill("#id_username", desk.editor.username)
    second_step.fill("#id_password", builders.PASSWORD)
    second_step.click("button.primary")
    second_step.wait_for_url(f"{live_server.url}{reverse('two_factor_verify')}**")
    check("two-factor code", second_step)
    second_step.context.close()
    page.fill("#id_username", desk.admin.username)
    page.fill("#id_password", builders.PASSWORD)
    page.click("button.primary")
    page.wait_for_url(f"{live_server.url}/")
    for name, address in pages(desk):
        response = page.goto(f"{live_server.url}{address}")
        assert response.status == 200, f"{name}: {address} answered {response.status}"
        check(name)
    page.goto(f"{live_server.url}{dict(pages(desk))['calendar week']}")
    page.locator(".chip.movable .chip-move").first.click()
    page.locator("[data-move-dialog] input[name=when]").wait_for()
    check("calendar week, move dialog open")
    page.goto(f"{live_server.url}{dict(pages(desk))['new item']}")
    page.locator("main form").evaluate("(form) => { form.noValidate = true; }")  # on to the server's refusal
    page.click("main form button[type=submit]")
    page.locator(".error").first.wait_for()
    check("new item refused")
    page.context.close()
    assert not report, f"axe-core {axe.VERSION} found WCAG 2.1 A/AA violations in {language}:\n" + "\n".join(report)
