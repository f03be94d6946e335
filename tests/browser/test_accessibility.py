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
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from campaigns import corrections, myths, partner_review, workflow
from campaigns.library import upload_to_library
from publishing import retractions
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
    world.advice_item = myths.respond(world.myth, world.campaign, ["mastodon"], world.editor)
    # Its claim is the myth's debunk; signed off, the review runs out within the month (the expiring page lists it).
    builders.make_evidence(world.advice_item, expires_on=world.ministry.today() + dt.timedelta(days=10), claims=())
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
    # A published item whose Instagram post could not be retracted and which is being corrected; another to correct.
    hours = builders.make_item(world.campaign, "Clinic opening hours", author=world.editor, state="published")
    published_post(builders.make_variant(hours), world.account, now - dt.timedelta(days=2))
    instagram = builders.make_account(world.ministry, "instagram", handle="@health_ig")
    on_instagram = published_post(builders.make_variant(hours, "instagram"), instagram, now - dt.timedelta(days=2))
    retractions.retract(on_instagram, world.manager, "The hours were wrong.")  # refused: no request is sent
    world.correction = corrections.draft_correction(hours, world.editor, "The hours were wrong.")
    world.corrected = hours
    world.to_correct = builders.make_item(
        world.campaign, "Free jabs on Saturday", author=world.editor, state="published"
    )
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
    ("health advice with its evidence", "item_detail", lambda d: {"pk": d.advice_item.pk}, ""),
    ("reviews expiring", "reviews_expiring", lambda d: {}, ""),
    ("approved item, to schedule", "item_schedule", lambda d: {"pk": d.approved_item.pk}, ""),
    ("item editor", "item_edit", lambda d: {"pk": d.item.pk}, ""),
    ("corrected item", "item_detail", lambda d: {"pk": d.corrected.pk}, ""),
    ("correction", "item_detail", lambda d: {"pk": d.correction.pk}, ""),
    ("correct an item", "item_correct", lambda d: {"pk": d.to_correct.pk}, ""),
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
# page of the planner); the pages of signing in, checked on the way in; and the retraction page, a manager's only
# (the admin who walks these pages is refused it): test_the_retraction_pages_pass_axe checks it as a manager.
NOT_PAGES = {
    "login", "logout", "health", "publication_decide", "freeze_lift", "account_connect_mastodon",
    "account_connect_bluesky", "account_connect_oauth", "account_callback", "account_disconnect", "calendar_data",
    "calendar_move", "variant_add", "variant_save", "variant_media", "variant_check", "item_move", "item_comment",
    "publication_move", "library_upload", "notifications_read", "report_publications_csv", "report_tables_csv",
    "report_pdf", "target_add", "target_outcome", "target_remove", "timeline", "ready", "two_factor_backup_codes",
    "two_factor_disable", "sign_in_unlock", "item_comment_edit", "item_comment_delete", "audit_export",
    "two_factor_verify", "javascript-catalog", "partner_link_create", "partner_link_revoke",
    "item_repeat", "item_repeat_again", "publication_skip", "cadence_apply", "observance_remove",
    "account_quiet_hours", "release_move", "item_retract", "claim_add", "claim_edit", "claim_remove",
    "claim_source_add", "claim_source_remove", "clinical_review_sign", "plan_import_status", "plan_import_confirm",
    "plan_template", "plan_sample", "calendar_export",
}  # fmt: skip


def test_every_named_page_is_checked():
    named = {pattern.name for pattern in planner_patterns()}
    checked = {name for _, name, _, _ in PAGES}
    assert named - checked - NOT_PAGES == set(), "pages the accessibility check does not visit"
    assert (checked | NOT_PAGES) - named - {"admin:index"} == set(), "names that are no longer routes"


def pages(desk) -> list[tuple[str, str]]:
    """(label, address) of every main page, as its admin sees it."""
    # The day of the publication due in three hours, in the organisation's time as the calendar shows it (in UTC,
    # late on a Sunday, that day is in the week before the chip's).
    day = timezone.localdate(timezone.now() + dt.timedelta(hours=3), ZoneInfo(desk.ministry.timezone)).isoformat()
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


@pytest.mark.parametrize("language", ["en", "ar"])
def test_the_retraction_pages_pass_axe(desk, live_server, module_browser, language, transactional_db):
    """The manager's retraction page and, once confirmed, each post's outcome (Instagram's refused, Mastodon's
    failed: the demo account's server does not answer)."""
    source = axe.source_or_skip()
    page = in_language(module_browser, live_server, language)
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", desk.manager.username)
    page.fill("#id_password", builders.PASSWORD)
    page.click("button.primary")
    page.wait_for_url(f"{live_server.url}/")
    report = []
    response = page.goto(f"{live_server.url}{reverse('item_retract', args=[desk.corrected.pk])}")
    assert response.status == 200
    if found := axe.violations(page, source):
        report.append(f"retraction page:\n{axe.describe(found)}")
    page.fill("textarea[name=reason]", "The hours were wrong.")
    page.click("main form button[type=submit]")
    page.locator("#outcome").wait_for()
    if found := axe.violations(page, source):
        report.append(f"retraction outcome:\n{axe.describe(found)}")
    page.context.close()
    assert not report, f"axe-core {axe.VERSION} found WCAG 2.1 A/AA violations in {language}:\n" + "\n".join(report)
