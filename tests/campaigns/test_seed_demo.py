"""The seed_demo command: a complete, valid demo that a second run leaves exactly as it was."""

import dataclasses
import datetime as dt
import hashlib
import itertools
from collections.abc import Callable
from io import BytesIO, StringIO
from pathlib import Path

import pytest
from django.apps import apps
from django.contrib.auth import authenticate
from django.core.management import CommandError, call_command
from django.db import connection
from django.test import RequestFactory
from PIL import Image
from pytest_django.fixtures import Settings

from analytics import figures
from analytics.models import CampaignTarget
from campaigns import demo, workflow
from campaigns.demo import demo_password
from campaigns.demo_content import CAMPAIGNS, ITEMS, MINISTRY, PEOPLE, ItemSpec
from campaigns.demo_history import HISTORY_BRIEF
from campaigns.demo_history_content import GOOD_HOURS
from campaigns.models import Campaign, ContentItem, MediaAsset, Organisation, Rendition, Role, Transition, Variant
from campaigns.scoping import role_in
from publishing import engagement, metrics
from publishing.models import Metric, MetricSchedule, Publication, SocialAccount
from publishing.platforms import Platform

# Rough limits of the short-text platforms; X counts every link as 23 characters (t.co), the others in full.
TEXT_LIMITS = {Platform.X: 280, Platform.BLUESKY: 300, Platform.MASTODON: 500, Platform.THREADS: 500}
X_LINK_LENGTH = 23


@pytest.fixture
def seed(db: None, settings: Settings, tmp_path: Path) -> Callable[[], str]:
    """Runs the command with media in a temporary folder; returns what it printed."""
    settings.MEDIA_ROOT = str(tmp_path)
    # pytest-django turns DEBUG off, and the command refuses to run without it.
    settings.DEBUG = True

    def run() -> str:
        output = StringIO()
        call_command("seed_demo", stdout=output)
        return output.getvalue()

    return run


def row_counts() -> dict[str, int]:
    return {model._meta.label: model._default_manager.count() for model in apps.get_models()}


def files_under(folder: Path) -> list[Path]:
    return sorted(path for path in folder.rglob("*") if path.is_file())


def with_new_english_short_text(title: str, monkeypatch: pytest.MonkeyPatch) -> ItemSpec:
    """Makes the demo data give the item `title` another English short text, as a developer would."""
    spec = next(spec for spec in ITEMS if spec.title == title)
    short, long = spec.texts["en"]
    changed = dataclasses.replace(spec, texts={**spec.texts, "en": (short.replace(".", "!", 1), long)})
    assert changed.texts != spec.texts
    monkeypatch.setattr(demo, "ITEMS", [changed if other is spec else other for other in ITEMS])
    return changed


def test_running_twice_yields_identical_counts_for_every_model_and_the_same_files(
    seed: Callable[[], str], tmp_path: Path
) -> None:
    seed()
    counts, files = row_counts(), files_under(tmp_path)
    seed()
    assert row_counts() == counts
    assert files_under(tmp_path) == files
    stored = MediaAsset.objects.count() + MediaAsset.objects.exclude(poster="").count() + Rendition.objects.count()
    assert len(files) == stored > 0


def test_every_item_reaches_its_demo_state_through_the_workflow_starting_with_its_author(
    seed: Callable[[], str],
) -> None:
    seed()
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
    seed: Callable[[], str],
) -> None:
    seed()
    items = ContentItem.objects.filter(state__in=["approved", "scheduled", "published"])
    assert items.count() >= 3
    for item in items:
        assert workflow.is_approved_version(item), item
        for approval in workflow.standing_approvals(item):
            assert approval.manager_id != item.author_id
            assert role_in(approval.manager, item.organisation) == Role.MANAGER


def test_the_alert_is_approved_by_two_distinct_managers_neither_of_them_its_author(seed: Callable[[], str]) -> None:
    seed()
    # The heat-wave alert of the demo's items; the history's alerts are made in bulk (campaigns/demo_history.py).
    alert = ContentItem.objects.exclude(brief=HISTORY_BRIEF).get(kind=ContentItem.Kind.ALERT)
    approvers = {approval.manager.username for approval in workflow.standing_approvals(alert)}
    assert approvers == {"manager", "manager2"}
    assert alert.author.username not in approvers


def test_changes_are_requested_by_the_manager_who_explains_them_in_a_comment(seed: Callable[[], str]) -> None:
    seed()
    item = ContentItem.objects.get(state=ContentItem.State.CHANGES_REQUESTED)
    request = item.transitions.get(action="request_changes")
    assert role_in(request.actor, item.organisation) == Role.MANAGER
    assert request.comment
    assert item.comments.filter(author=request.actor).exists()


def test_only_scheduled_and_published_items_have_publications_in_the_matching_state(seed: Callable[[], str]) -> None:
    seed()
    states = set(Publication.objects.values_list("variant__item__state", "state").distinct())
    assert states == {("scheduled", "scheduled"), ("published", "published")}


def test_a_rerun_with_changed_content_sends_a_scheduled_item_back_to_review(
    seed: Callable[[], str], monkeypatch: pytest.MonkeyPatch
) -> None:
    seed()
    spec = with_new_english_short_text("Flu by the numbers", monkeypatch)
    seed()
    item = ContentItem.objects.get(title=spec.title)
    assert item.state == ContentItem.State.IN_REVIEW
    last = item.transitions.last()
    assert (last.action, last.actor.username) == ("return_to_review", spec.author)
    assert not workflow.is_approved_version(item)
    assert not Publication.objects.filter(variant__item=item).exclude(state=Publication.State.CANCELLED).exists()
    counts = row_counts()
    seed()
    assert row_counts() == counts


def test_a_rerun_never_rewrites_a_published_item(seed: Callable[[], str], monkeypatch: pytest.MonkeyPatch) -> None:
    seed()
    spec = with_new_english_short_text("Flu vaccine now available for priority groups", monkeypatch)
    counts = row_counts()
    seed()
    assert row_counts() == counts
    item = ContentItem.objects.get(title=spec.title)
    assert item.state == ContentItem.State.PUBLISHED
    assert workflow.is_approved_version(item)


def test_refuses_an_item_an_older_demo_moved_without_history(seed: Callable[[], str]) -> None:
    seed()
    Transition.objects.filter(item__title="Why your donation matters").delete()
    with pytest.raises(CommandError, match="without any review history"):
        seed()


def test_every_kind_of_item_exists_in_the_ministry(seed: Callable[[], str]) -> None:
    seed()
    kinds = set(ContentItem.objects.filter(campaign__organisation__slug=MINISTRY).values_list("kind", flat=True))
    assert kinds == set(ContentItem.Kind.values)
    assert ContentItem.objects.get(title__startswith="Heat-wave alert").kind == ContentItem.Kind.ALERT


def test_items_are_spread_over_the_workflow_states(seed: Callable[[], str]) -> None:
    seed()
    states = set(ContentItem.objects.values_list("state", flat=True))
    assert states >= {"draft", "in_review", "changes_requested", "approved", "scheduled", "published"}


def test_variants_exist_in_english_french_and_arabic(seed: Callable[[], str]) -> None:
    seed()
    assert {"en", "fr", "ar"} <= set(Variant.objects.values_list("language", flat=True))
    arabic = Variant.objects.filter(language="ar").first()
    assert any("\u0600" <= character <= "\u06ff" for character in arabic.text)


def test_short_texts_fit_their_platform_with_the_link(seed: Callable[[], str]) -> None:
    seed()
    for variant in Variant.objects.filter(platform__in=TEXT_LIMITS):
        link_length = (X_LINK_LENGTH if variant.platform == Platform.X else len(variant.link)) if variant.link else 0
        length = len(variant.text) + (1 + link_length if link_length else 0)
        assert length <= TEXT_LIMITS[variant.platform], f"{variant} is {length} characters"


def test_every_infographic_image_is_a_png_matching_its_stored_size_and_checksum(seed: Callable[[], str]) -> None:
    seed()
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


def test_every_video_item_carries_an_mp4_on_each_variant_and_youtube_and_linkedin_have_scheduled_posts(
    seed: Callable[[], str],
) -> None:
    seed()
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


def test_the_library_shows_every_image_with_renditions_for_every_platform(seed: Callable[[], str]) -> None:
    from publishing.adapters import REGISTRY

    seed()
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
    seed: Callable[[], str],
) -> None:
    seed()
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


def test_output_lists_every_username_with_a_password_that_logs_in(seed: Callable[[], str]) -> None:
    output = seed()
    for username, *_ in PEOPLE:
        assert username in output
        assert demo_password(username) in output
        # django-axes watches every sign-in, so authenticate() is given the request it comes with.
        request = RequestFactory().post("/accounts/login/")
        assert authenticate(request, username=username, password=demo_password(username)) is not None


def test_refuses_to_run_when_debug_is_off(db: None, settings: Settings) -> None:
    settings.DEBUG = False
    with pytest.raises(CommandError, match="DEBUG is off"):
        call_command("seed_demo", stdout=StringIO())
    assert not ContentItem.objects.exists()


def test_the_ministry_has_months_of_published_history_on_every_platform_kind_and_language(
    seed: Callable[[], str],
) -> None:
    seed()
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


def test_each_history_post_has_a_growing_series_over_its_past_slots_and_one_latest(seed: Callable[[], str]) -> None:
    seed()
    now = dt.datetime.now(dt.UTC)
    series = Metric.objects.filter(publication__variant__item__brief=HISTORY_BRIEF).select_related("publication")
    by_post = itertools.groupby(series.order_by("publication_id", "slot"), key=lambda metric: metric.publication)
    posts = 0
    for publication, rows in by_post:
        rows = list(rows)
        posts += 1
        assert [row.slot for row in rows] == list(range(len(rows)))
        assert all(row.collected_at == metrics.slot_at(publication.published_at, row.slot) <= now for row in rows)
        assert [row.is_latest for row in rows] == [False] * (len(rows) - 1) + [True]
        for earlier, later in itertools.pairwise(rows):
            for column in metrics.COLUMNS:
                assert (getattr(earlier, column) or 0) <= (getattr(later, column) or 0), (publication, column)
        grown = [(getattr(row, column) or 0) for row in (rows[0], rows[-1]) for column in metrics.COLUMNS]
        assert sum(grown[len(metrics.COLUMNS) :]) > sum(grown[: len(metrics.COLUMNS)]) or rows[-1].slot == 0
        schedule = MetricSchedule.objects.get(pk=publication.pk)
        assert (schedule.state, schedule.slot) == (MetricSchedule.State.COLLECTING, rows[-1].slot + 1)
        assert schedule.due_at == metrics.slot_at(publication.published_at, schedule.slot) > now
    assert posts == Publication.objects.filter(variant__item__brief=HISTORY_BRIEF).count()


def test_history_figures_are_those_each_platform_gives(seed: Callable[[], str]) -> None:
    seed()
    latest = Metric.objects.filter(is_latest=True, publication__variant__item__brief=HISTORY_BRIEF)
    mastodon = latest.filter(publication__account__platform=Platform.MASTODON)
    assert mastodon.exists() and not mastodon.filter(impressions__isnull=False).exists()
    assert not mastodon.filter(clicks__isnull=False).exists() and not mastodon.filter(likes__isnull=True).exists()
    for platform in (Platform.YOUTUBE, Platform.FACEBOOK):
        views = latest.filter(publication__account__platform=platform, publication__variant__item__kind="video")
        assert views.exists() and not views.filter(video_views__isnull=True).exists(), platform
    assert not latest.filter(publication__account__platform=Platform.X, impressions__isnull=True).exists()


def test_best_posting_times_are_the_seeded_weekday_mornings_and_evenings(seed: Callable[[], str]) -> None:
    seed()
    best = engagement.best_times(Organisation.objects.get(slug=MINISTRY))
    assert len(best) == 3
    assert all(time.weekday < 5 and time.hour in GOOD_HOURS for time in best), best


def test_the_main_campaigns_report_reach_and_engagement_and_have_targets(seed: Callable[[], str]) -> None:
    seed()
    for key in ("flu", "blood", "smoking", "summer"):
        campaign = Campaign.objects.get(name=CAMPAIGNS[key].name)
        totals = figures.totals(figures.published(variant__item__campaign=campaign))
        assert totals.posts and totals.reach and totals.engagement, key
        assert CampaignTarget.objects.filter(campaign=campaign).exists(), key
    donors = CampaignTarget.objects.get(measure="outcome", label="blood donors registered")
    assert (donors.target, donors.achieved) == (5_000, 3_120)


def test_history_items_carry_the_review_trail_of_their_walk_to_published(seed: Callable[[], str]) -> None:
    seed()
    items = ContentItem.objects.filter(brief=HISTORY_BRIEF)
    assert items.count() >= 50
    for item in items.prefetch_related("transitions"):
        moves = list(item.transitions.all())
        assert [move.from_state for move in moves] == [ContentItem.State.DRAFT] + [move.to_state for move in moves[:-1]]
        assert moves[0].actor_id == item.author_id and moves[-1].to_state == ContentItem.State.PUBLISHED
        assert moves[-1].created_at <= item.variants.first().publications.get().published_at
