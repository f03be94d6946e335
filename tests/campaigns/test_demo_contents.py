"""What the demo holds: every kind of item in every state, reached through the workflow, with accounts, media,
history and figures. Seeded once for the module: these tests only read it (each seed takes several seconds)."""

import datetime as dt
import hashlib
import itertools
from collections.abc import Iterator
from io import BytesIO, StringIO
from typing import Any, NamedTuple

import pytest
from django.contrib.auth import authenticate
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.db import connection
from django.test import RequestFactory, override_settings
from PIL import Image

from analytics import figures
from analytics.models import CampaignTarget
from campaigns import workflow
from campaigns.demo import demo_password
from campaigns.demo_content import CAMPAIGNS, ITEMS, MINISTRY, PEOPLE
from campaigns.demo_history import HISTORY_BRIEF
from campaigns.demo_history_content import GOOD_HOURS
from campaigns.models import Campaign, ContentItem, MediaAsset, Organisation, Role, Variant
from campaigns.scoping import role_in
from publishing import engagement, metrics
from publishing.models import Metric, MetricSchedule, Publication, SocialAccount
from publishing.platforms import Platform

# Rough limits of the short-text platforms; X counts every link as 23 characters (t.co), the others in full.
TEXT_LIMITS = {Platform.X: 280, Platform.BLUESKY: 300, Platform.MASTODON: 500, Platform.THREADS: 500}
X_LINK_LENGTH = 23


pytestmark = pytest.mark.django_db


class SeededDemo(NamedTuple):
    output: str  # what seed_demo printed
    media_root: str


@pytest.fixture(scope="module")
def seeded_demo(
    django_db_setup: None, django_db_blocker: Any, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[SeededDemo]:
    """The demo, committed once for the module (its media in a temporary folder of the module's).

    Each test still runs in a transaction of its own on top of it; the rows are flushed once the module is done."""
    media_root = str(tmp_path_factory.mktemp("demo-media"))
    output = StringIO()
    # The tests' own settings (tests/conftest.py) are function-scoped: the fast hasher is set here too.
    fast_hasher = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    with (
        django_db_blocker.unblock(),
        override_settings(MEDIA_ROOT=media_root, DEBUG=True, PASSWORD_HASHERS=fast_hasher),
    ):
        call_command("seed_demo", stdout=output)
    try:
        yield SeededDemo(output.getvalue(), media_root)
    finally:
        with django_db_blocker.unblock():
            call_command("flush", interactive=False, verbosity=0)
        ContentType.objects.clear_cache()  # flush recreated the content types under new ids


@pytest.fixture
def demo_media(seeded_demo: SeededDemo, settings: Any) -> None:
    """Reads the demo's media where it was seeded (each test otherwise gets an empty media folder of its own)."""
    settings.MEDIA_ROOT = seeded_demo.media_root


def test_every_item_reaches_its_demo_state_through_the_workflow_starting_with_its_author(
    seeded_demo: SeededDemo,
) -> None:
    for spec in ITEMS:
        item = ContentItem.objects.get(title=spec.title)
        assert item.state == spec.state, item
        moves = list(item.transitions.all())
        if item.state == ContentItem.State.DRAFT:
            assert moves == []
            continue
        assert (moves[0].action, moves[0].actor.username) == ("submit", spec.author)
        assert [move.from_state for move in moves] == [ContentItem.State.DRAFT] + [move.to_state for move in moves[:-1]]
        assert moves[-1].to_state == item.state


def test_approved_scheduled_and_published_items_carry_approvals_of_their_current_content(
    seeded_demo: SeededDemo,
) -> None:
    items = ContentItem.objects.filter(state__in=["approved", "scheduled", "published"])
    assert items.count() >= 3
    for item in items:
        assert workflow.is_approved_version(item), item
        for approval in workflow.standing_approvals(item):
            assert approval.manager_id != item.author_id
            assert role_in(approval.manager, item.organisation) == Role.MANAGER


def test_the_alert_is_approved_by_two_distinct_managers_neither_of_them_its_author(seeded_demo: SeededDemo) -> None:
    # The heat-wave alert of the demo's items; the history's alerts are made in bulk (campaigns/demo_history.py).
    alert = ContentItem.objects.exclude(brief=HISTORY_BRIEF).get(kind=ContentItem.Kind.ALERT)
    approvers = {approval.manager.username for approval in workflow.standing_approvals(alert)}
    assert approvers == {"manager", "manager2"}
    assert alert.author.username not in approvers


def test_changes_are_requested_by_the_manager_who_explains_them_in_a_comment(seeded_demo: SeededDemo) -> None:
    item = ContentItem.objects.get(state=ContentItem.State.CHANGES_REQUESTED)
    request = item.transitions.get(action="request_changes")
    assert role_in(request.actor, item.organisation) == Role.MANAGER
    assert request.comment
    assert item.comments.filter(author=request.actor).exists()


def test_only_scheduled_and_published_items_have_publications_in_the_matching_state(seeded_demo: SeededDemo) -> None:
    states = set(Publication.objects.values_list("variant__item__state", "state").distinct())
    assert states == {("scheduled", "scheduled"), ("published", "published")}


def test_every_kind_of_item_exists_in_the_ministry(seeded_demo: SeededDemo) -> None:
    kinds = set(ContentItem.objects.filter(campaign__organisation__slug=MINISTRY).values_list("kind", flat=True))
    assert kinds == set(ContentItem.Kind.values)
    assert ContentItem.objects.get(title__startswith="Heat-wave alert").kind == ContentItem.Kind.ALERT


def test_items_are_spread_over_the_workflow_states(seeded_demo: SeededDemo) -> None:
    states = set(ContentItem.objects.values_list("state", flat=True))
    assert states >= {"draft", "in_review", "changes_requested", "approved", "scheduled", "published"}


def test_variants_exist_in_english_french_and_arabic(seeded_demo: SeededDemo) -> None:
    assert {"en", "fr", "ar"} <= set(Variant.objects.values_list("language", flat=True))
    arabic = Variant.objects.filter(language="ar").first()
    assert any("\u0600" <= character <= "\u06ff" for character in arabic.text)


def test_short_texts_fit_their_platform_with_the_link(seeded_demo: SeededDemo) -> None:
    for variant in Variant.objects.filter(platform__in=TEXT_LIMITS):
        link_length = (X_LINK_LENGTH if variant.platform == Platform.X else len(variant.link)) if variant.link else 0
        length = len(variant.text) + (1 + link_length if link_length else 0)
        assert length <= TEXT_LIMITS[variant.platform], f"{variant} is {length} characters"


@pytest.mark.usefixtures("demo_media")
def test_every_infographic_image_is_a_png_matching_its_stored_size_and_checksum(seeded_demo: SeededDemo) -> None:
    assets = MediaAsset.objects.filter(kind=MediaAsset.Kind.IMAGE)
    assert assets
    for asset in assets:
        with asset.file.open("rb") as stored:
            content = stored.read()
        with Image.open(BytesIO(content)) as image:
            assert image.format == "PNG"
            assert image.size == (asset.width, asset.height)
        assert hashlib.sha256(content).hexdigest() == asset.checksum
        assert len(content) == asset.size_bytes
        assert asset.mime_type == "image/png"
        assert set(asset.alt_text) <= set(asset.organisation.languages)
    infographics = Variant.objects.filter(item__kind=ContentItem.Kind.INFOGRAPHIC)
    assert all(variant.attachments.exists() for variant in infographics)


@pytest.mark.usefixtures("demo_media")
def test_every_video_item_carries_an_mp4_on_each_variant_and_youtube_and_linkedin_have_scheduled_posts(
    seeded_demo: SeededDemo,
) -> None:
    videos = Variant.objects.filter(item__kind=ContentItem.Kind.VIDEO)
    assert videos.filter(platform=Platform.YOUTUBE).count() >= 2
    for variant in videos:
        [asset] = [attachment.asset for attachment in variant.attachments.all()]
        with asset.file.open("rb") as stored:
            content = stored.read()
        assert content[4:8] == b"ftyp" and asset.mime_type == "video/mp4", asset  # ISO/IEC 14496-12 §4.3
        assert (len(content), hashlib.sha256(content).hexdigest()) == (asset.size_bytes, asset.checksum)
        assert asset.duration_ms and asset.width and asset.height
    scheduled = Publication.objects.filter(state=Publication.State.SCHEDULED)
    assert {Platform.YOUTUBE, Platform.LINKEDIN} <= set(scheduled.values_list("account__platform", flat=True))


@pytest.mark.usefixtures("demo_media")
def test_the_library_shows_every_image_with_renditions_for_every_platform(seeded_demo: SeededDemo) -> None:
    from publishing.adapters import REGISTRY

    ministry_images = MediaAsset.objects.filter(organisation__slug=MINISTRY, kind=MediaAsset.Kind.IMAGE)
    assert ministry_images
    for asset in ministry_images:
        made = set(asset.renditions.values_list("purpose", "shape"))
        wanted = {(p, shape.name) for p in Platform.values for shape in REGISTRY[p].image_shapes if not shape.animated} | {("library", s)
                  for s in asset.renditions.filter(purpose="library").values_list("shape", flat=True)}  # fmt: skip
        assert wanted <= made and any(purpose == "library" for purpose, _ in made), asset
        assert all(not r.is_stale and r.size_bytes > 0 for r in asset.renditions.all())
    assert all(asset.campaign_id for asset in ministry_images if "logo" not in asset.tags)  # the picker's order
    logo = Organisation.objects.get(slug=MINISTRY).logo  # drawn on the health cards made from the demo
    assert logo is not None and logo.organisation.slug == MINISTRY and logo.kind == MediaAsset.Kind.IMAGE


def test_every_ministry_platform_has_an_account_whose_credentials_are_encrypted_at_rest(
    seeded_demo: SeededDemo,
) -> None:
    accounts = SocialAccount.objects.filter(organisation__slug=MINISTRY)
    assert sorted(accounts.values_list("platform", flat=True)) == sorted(Platform.values)
    for account in accounts:
        assert account.credentials["access_token"] == f"demo-token-{account.platform}"
    table = connection.ops.quote_name(SocialAccount._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT credentials FROM {table}")  # noqa: S608 - no user input
        raw_values = [row[0] for row in cursor.fetchall()]
    assert raw_values
    assert not any("demo-token" in raw for raw in raw_values)


def test_output_lists_every_username_with_a_password_that_logs_in(seeded_demo: SeededDemo) -> None:
    output = seeded_demo.output
    for username, *_ in PEOPLE:
        assert username in output
        assert demo_password(username) in output
        # django-axes watches every sign-in, so authenticate() is given the request it comes with.
        request = RequestFactory().post("/accounts/login/")
        assert authenticate(request, username=username, password=demo_password(username)) is not None


def test_the_ministry_has_months_of_published_history_on_every_platform_kind_and_language(
    seeded_demo: SeededDemo,
) -> None:
    history = Publication.objects.filter(account__organisation__slug=MINISTRY, variant__item__brief=HISTORY_BRIEF)
    assert 300 <= history.count() <= 600
    assert set(history.values_list("state", flat=True)) == {Publication.State.PUBLISHED}
    assert set(history.values_list("account__platform", flat=True)) == set(Platform.values)
    assert set(history.values_list("variant__item__kind", flat=True)) == set(ContentItem.Kind.values)
    assert set(history.values_list("variant__language", flat=True)) == {"en", "fr", "ar"}
    first, last = (history.order_by(order).first().published_at for order in ("published_at", "-published_at"))
    assert last - first > dt.timedelta(days=150)
    assert not history.filter(remote_id="").exists() and not history.filter(remote_url="").exists()
    assert Publication.objects.filter(account__organisation__slug="riverside-hospital", state="published").exists()


def test_each_history_post_has_a_growing_series_over_its_past_slots_and_one_latest(seeded_demo: SeededDemo) -> None:
    now = dt.datetime.now(dt.UTC)
    series = Metric.objects.filter(publication__variant__item__brief=HISTORY_BRIEF).select_related("publication")
    by_post = itertools.groupby(series.order_by("publication_id", "slot"), key=lambda metric: metric.publication)
    posts = several_slots = grew = 0
    for publication, rows in by_post:
        rows = list(rows)
        posts += 1
        assert [row.slot for row in rows] == list(range(len(rows)))
        assert all(row.collected_at == metrics.slot_at(publication.published_at, row.slot) <= now for row in rows)
        assert [row.is_latest for row in rows] == [False] * (len(rows) - 1) + [True]
        for earlier, later in itertools.pairwise(rows):
            for column in metrics.COLUMNS:
                assert (getattr(earlier, column) or 0) <= (getattr(later, column) or 0), (publication, column)
        if len(rows) > 1:
            several_slots += 1
            first, last = (sum(getattr(row, column) or 0 for column in metrics.COLUMNS) for row in (rows[0], rows[-1]))
            grew += last > first
        schedule = MetricSchedule.objects.get(pk=publication.pk)
        assert (schedule.state, schedule.slot) == (MetricSchedule.State.COLLECTING, rows[-1].slot + 1)
        assert schedule.due_at == metrics.slot_at(publication.published_at, schedule.slot) > now
    assert posts == Publication.objects.filter(variant__item__brief=HISTORY_BRIEF).count()
    # Series grow; a post seen by very few (a small Mastodon audience at night) may still count nothing at all.
    assert several_slots and grew >= 0.9 * several_slots, (grew, several_slots)


def test_history_figures_are_those_each_platform_gives(seeded_demo: SeededDemo) -> None:
    latest = Metric.objects.filter(is_latest=True, publication__variant__item__brief=HISTORY_BRIEF)
    mastodon = latest.filter(publication__account__platform=Platform.MASTODON)
    assert mastodon.exists() and not mastodon.filter(impressions__isnull=False).exists()
    assert not mastodon.filter(clicks__isnull=False).exists() and not mastodon.filter(likes__isnull=True).exists()
    for platform in (Platform.YOUTUBE, Platform.FACEBOOK):
        views = latest.filter(publication__account__platform=platform, publication__variant__item__kind="video")
        assert views.exists() and not views.filter(video_views__isnull=True).exists(), platform
    assert not latest.filter(publication__account__platform=Platform.X, impressions__isnull=True).exists()


def test_best_posting_times_are_the_seeded_weekday_mornings_and_evenings(seeded_demo: SeededDemo) -> None:
    best = engagement.best_times(Organisation.objects.get(slug=MINISTRY))
    assert len(best) == 3
    assert all(time.weekday < 5 and time.hour in GOOD_HOURS for time in best), best


def test_the_main_campaigns_report_reach_and_engagement_and_have_targets(seeded_demo: SeededDemo) -> None:
    for key in ("flu", "blood", "smoking", "summer"):
        campaign = Campaign.objects.get(name=CAMPAIGNS[key].name)
        totals = figures.totals(figures.published(variant__item__campaign=campaign))
        assert totals.posts and totals.reach and totals.engagement, key
        assert CampaignTarget.objects.filter(campaign=campaign).exists(), key
    donors = CampaignTarget.objects.get(measure="outcome", label="blood donors registered")
    assert (donors.target, donors.achieved) == (5_000, 3_120)


def test_history_items_carry_the_review_trail_of_their_walk_to_published(seeded_demo: SeededDemo) -> None:
    items = ContentItem.objects.filter(brief=HISTORY_BRIEF)
    assert items.count() >= 50
    for item in items.prefetch_related("transitions"):
        moves = list(item.transitions.all())
        assert [move.from_state for move in moves] == [ContentItem.State.DRAFT] + [move.to_state for move in moves[:-1]]
        assert moves[0].actor_id == item.author_id and moves[-1].to_state == ContentItem.State.PUBLISHED
        assert moves[-1].created_at <= item.variants.first().publications.get().published_at


def test_an_item_waits_for_partner_review_on_a_live_link_opened_once(seeded_demo: SeededDemo) -> None:
    from campaigns.demo_partner_review import ITEM_TITLE
    from campaigns.models import PartnerLink

    (link,) = PartnerLink.objects.filter(item__title=ITEM_TITLE)
    assert link.is_live()
    assert link.item.state == ContentItem.State.IN_REVIEW
    assert [use.action for use in link.uses.all()] == ["viewed"]
    assert not link.feedback.exists()


def test_the_demo_has_a_recurring_prevention_post_at_nine_in_the_ministrys_time(seeded_demo: SeededDemo) -> None:
    from campaigns.demo_recurring import TIMES, TITLE

    item = ContentItem.objects.get(title=TITLE)
    publications = Publication.objects.filter(variant__item=item, recurrence__isnull=False)
    zone = item.campaign.organisation.zone
    assert item.state == ContentItem.State.SCHEDULED
    assert publications.count() == TIMES
    assert {p.scheduled_at.astimezone(zone).time() for p in publications} == {dt.time(9, 0)}


def _ministry_manager_client() -> Any:
    from django.contrib.auth import get_user_model
    from django.test import Client

    client = Client()
    client.force_login(get_user_model().objects.get(username="manager"))
    return client


def test_the_embargoed_announcement_goes_out_together_on_three_accounts_in_three_languages(
    seeded_demo: SeededDemo,
) -> None:
    from django.urls import reverse

    from campaigns.demo_release import PLATFORMS, RELEASE_NAME
    from publishing.models import Release

    release = Release.objects.get(organisation__slug=MINISTRY, name=RELEASE_NAME)
    publications = list(release.publications.select_related("variant", "account"))
    assert release.embargo_note and release.instant > dt.datetime.now(dt.UTC)
    assert {p.account.platform for p in publications} == set(PLATFORMS)
    assert {p.variant.language for p in publications} == {"en", "fr", "ar"} and len(publications) == 9
    assert {(p.scheduled_at, p.state) for p in publications} == {(release.instant, Publication.State.SCHEDULED)}
    client = _ministry_manager_client()
    page = client.get(reverse("release_detail", args=[release.pk])).content.decode()
    assert RELEASE_NAME in page and "scheduled: 9" in page.lower()  # the state named in the reader's language
    day = release.instant.astimezone(release.organisation.zone).date().isoformat()
    week = client.get(reverse("calendar"), {"view": "week", "date": day, "org": MINISTRY}).content.decode()
    assert week.count(f"released together: {RELEASE_NAME}") >= 9


def test_the_flu_campaign_has_the_outbreak_cadence_set_up_and_its_plan_places_an_approved_item(
    seeded_demo: SeededDemo,
) -> None:
    from django.urls import reverse

    from campaigns.demo_release import OUTBREAK_TITLE
    from publishing import cadence as cadences
    from publishing.models import Cadence

    cadence = Cadence.objects.get(campaign__organisation__slug=MINISTRY, name=cadences.PRESETS["outbreak"][0])
    assert cadence.local_times == [dt.time(8, 0), dt.time(13, 0), dt.time(19, 0)]
    assert cadence.weekdays == list(range(7)) and cadence.accounts.count() == 3
    plan = cadences.plan(cadence)
    assert [placement.item.title for placement in plan.placements] == [OUTBREAK_TITLE]
    assert not Publication.objects.filter(variant__item__title=OUTBREAK_TITLE).exists()  # shown, not applied
    page = _ministry_manager_client().get(reverse("cadence_preview", args=[cadence.pk]))
    assert page.status_code == 200 and OUTBREAK_TITLE in page.content.decode()


def test_the_demo_calendar_shows_an_observance_in_every_month(seeded_demo: SeededDemo) -> None:
    from django.urls import reverse

    from campaigns import observances

    ministry = Organisation.objects.get(slug=MINISTRY)
    this_year = ministry.today().year
    for month in range(1, 13):
        first = dt.date(this_year, month, 1)
        last = (first + dt.timedelta(days=31)).replace(day=1) - dt.timedelta(days=1)
        assert observances.on_days(ministry, first, last), f"no observance in {first:%B}"
    today = ministry.today()
    first = today.replace(day=1)
    last = (first + dt.timedelta(days=31)).replace(day=1) - dt.timedelta(days=1)
    page = _ministry_manager_client().get(reverse("calendar"), {"org": MINISTRY, "date": today.isoformat()})
    shown = [o.name for days in observances.on_days(ministry, first, last).values() for o in days]
    assert page.status_code == 200 and any(name in page.content.decode() for name in shown)
