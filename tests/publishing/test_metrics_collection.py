"""Engagement read back from the live sandbox on a schedule: a time series, partial figures, failures, rate limits."""

from __future__ import annotations

import datetime as dt

import pytest
from django.conf import settings
from django.db.models import F
from django.utils import timezone

from campaigns.workflow import perform
from publishing import connecting, metrics, scheduling
from publishing.adapters import REGISTRY
from publishing.adapters.instagram import InstagramAdapter
from publishing.adapters.linkedin import LinkedInAdapter
from publishing.adapters.youtube import YouTubeAdapter
from publishing.models import Metric, MetricSchedule, Publication
from publishing.sandbox import services
from publishing.sandbox.models import SandboxPost
from publishing.sending import send
from tests import builders, processes
from tests.contracts.on_sandbox import TOKEN, fault

P, S = Publication.State, MetricSchedule.State
HOUR, DAY = dt.timedelta(hours=1), dt.timedelta(days=1)


@pytest.fixture
def publish_on(world, live_server, transactional_db):
    """Publish the ministry's item on a platform of the live sandbox, the real way (scheduled, claimed, sent)."""

    def publish(platform: str) -> Publication:
        world.sandbox = f"{live_server.url}/sandbox/{platform}/"
        if platform != world.account.platform:
            world.account = builders.make_account(world.ministry, platform=platform, handle="@MinistryHealth")
            world.variant = builders.make_variant(world.item, platform=platform)
        world.account.api_base_url = world.sandbox
        world.account.save(update_fields=["api_base_url"])
        world.item.author = world.editor
        world.item.save()
        perform(world.item, "submit", world.editor)
        perform(world.item, "approve", world.manager)
        [publication] = scheduling.schedule(world.item, world.editor, [(world.variant, world.account)], timezone.now())
        scheduling.claim_due(timezone.now() + dt.timedelta(seconds=1), 10)
        assert send(publication.pk) == P.PUBLISHED
        return Publication.objects.select_related("account").get(pk=publication.pk)

    yield publish
    processes.wait_for_other_sessions()


def age(publication: Publication, by: dt.timedelta) -> None:
    """As if `by` had passed: the post, its publishing and its collection's due time are that much older."""
    Publication.objects.filter(pk=publication.pk).update(published_at=F("published_at") - by)
    SandboxPost.objects.filter(remote_id=publication.remote_id).update(received_at=F("received_at") - by)
    MetricSchedule.objects.filter(pk=publication.pk).update(due_at=F("due_at") - by)


def schedule_of(publication: Publication) -> MetricSchedule:
    return MetricSchedule.objects.get(pk=publication.pk)


def collected(publication: Publication) -> tuple[str | None, dt.datetime, dt.datetime]:
    """Collect now: what happened, and the instants just before and after (what the sandbox said lies between)."""
    before = timezone.now()
    outcome = metrics.collect(publication.pk)
    return outcome, before, timezone.now()


def test_publishing_schedules_the_first_collection_an_hour_later_without_asking_the_platform(publish_on):
    publication = publish_on("mastodon")

    schedule = schedule_of(publication)
    assert (schedule.state, schedule.slot, schedule.account_id) == (S.COLLECTING, 0, publication.account_id)
    assert schedule.due_at == publication.published_at + HOUR
    assert schedule.called_at is None
    assert not Metric.objects.exists()
    assert metrics.collect(publication.pk) is None  # not due yet


def test_a_collection_stores_what_the_platform_said_under_our_columns(publish_on):
    publication = publish_on("x")
    age(publication, HOUR)

    outcome, before, after = collected(publication)

    assert outcome == "collected"
    [metric] = Metric.objects.all()
    post = SandboxPost.objects.get(remote_id=publication.remote_id)
    low, high = services.metrics_for(post, before), services.metrics_for(post, after)
    for column in ("impressions", "likes", "shares", "replies"):
        assert low[column] <= getattr(metric, column) <= high[column], column
    assert metric.impressions > 0
    assert (metric.clicks, metric.video_views, metric.watch_time_s) == (None, None, None)  # X's public counts
    assert metric.raw["impression_count"] == metric.impressions
    assert (metric.slot, before <= metric.collected_at <= after) == (0, True)
    schedule = schedule_of(publication)
    assert (schedule.slot, schedule.due_at, schedule.failures) == (1, publication.published_at - HOUR + DAY, 0)


def test_a_later_collection_shows_the_post_growing(publish_on):
    publication = publish_on("x")
    age(publication, HOUR)
    metrics.collect(publication.pk)
    age(publication, DAY - HOUR)

    assert metrics.collect(publication.pk) == "collected"

    first, second = Metric.objects.order_by("collected_at")
    assert (first.slot, second.slot) == (0, 1)
    assert second.impressions > first.impressions
    assert second.likes >= first.likes
    assert (first.is_latest, second.is_latest) == (False, True)  # what the reports add up


def test_mastodon_gives_no_impressions_or_clicks_and_they_stay_null_not_zero(publish_on):
    publication = publish_on("mastodon")
    age(publication, HOUR)

    outcome, before, after = collected(publication)

    assert outcome == "collected"
    metric = Metric.objects.get()
    post = SandboxPost.objects.get(remote_id=publication.remote_id)
    low, high = services.metrics_for(post, before), services.metrics_for(post, after)
    # Favourites are likes, reblogs are shares (the Status entity's counts).
    assert low["likes"] <= metric.likes <= high["likes"]
    assert low["shares"] <= metric.shares <= high["shares"]
    assert low["replies"] <= metric.replies <= high["replies"]
    assert (metric.impressions, metric.clicks, metric.video_views, metric.watch_time_s) == (None, None, None, None)
    assert set(metric.raw) == {"replies", "reblogs", "favourites"}


def test_a_platform_error_stores_nothing_retries_later_and_leaves_the_publication_alone(publish_on, world):
    publication = publish_on("mastodon")
    age(publication, HOUR)
    fault(world, "server_error", applies_to="all", remaining=1)

    assert metrics.collect(publication.pk) == "retrying"

    assert not Metric.objects.exists()
    schedule = schedule_of(publication)
    assert (schedule.state, schedule.slot, schedule.failures) == (S.COLLECTING, 0, 1)
    assert schedule.due_at >= timezone.now() + dt.timedelta(seconds=50)  # backoff: never sooner than a minute
    assert "500" in schedule.last_error
    after = Publication.objects.get(pk=publication.pk)
    assert (after.state, after.last_error, after.attempts) == (P.PUBLISHED, "", publication.attempts)
    assert metrics.collect(publication.pk) is None  # not due again before its time

    MetricSchedule.objects.filter(pk=publication.pk).update(due_at=timezone.now())
    assert metrics.collect(publication.pk) == "collected"
    assert Metric.objects.get().slot == 0
    assert (schedule_of(publication).failures, schedule_of(publication).last_error) == (0, "")


def test_a_rate_limited_platform_is_asked_again_no_sooner_than_it_said(publish_on, world):
    publication = publish_on("mastodon")
    age(publication, HOUR)
    fault(world, "rate_limit", applies_to="all", remaining=1, retry_after_s=600)

    assert metrics.collect(publication.pk) == "retrying"

    assert schedule_of(publication).due_at >= timezone.now() + dt.timedelta(seconds=590)
    assert not Metric.objects.exists()


def test_a_revoked_token_waits_until_the_account_is_connected_again(publish_on, world):
    publication = publish_on("mastodon")
    age(publication, HOUR)
    fault(world, "unauthorized", applies_to="all", remaining=1)
    other = builders.make_publication(
        world.variant, world.account, state=P.PUBLISHED, remote_id="elsewhere", scheduled_at=timezone.now() - DAY
    )
    metrics.start_collecting(other.pk, world.account.pk, timezone.now())

    assert metrics.collect(publication.pk) == S.RECONNECT

    schedule = schedule_of(publication)
    assert schedule.state == S.RECONNECT and schedule.last_error.startswith("Reconnect the account")
    assert schedule_of(other).state == S.RECONNECT  # the account's other posts wait too, without a call each
    assert metrics.due_publications(timezone.now() + 30 * DAY, 10) == []
    assert Publication.objects.get(pk=publication.pk).state == P.PUBLISHED

    connecting.save_connection(
        world.admin, world.ministry, "mastodon", world.account.handle, world.sandbox, {"access_token": TOKEN}, None
    )

    assert set(metrics.due_publications(timezone.now(), 10)) == {publication.pk, other.pk}
    assert metrics.collect(publication.pk) == "collected"


def test_a_post_gone_from_the_platform_skips_that_collection(publish_on):
    publication = publish_on("mastodon")
    age(publication, HOUR)
    SandboxPost.objects.filter(remote_id=publication.remote_id).update(deleted_at=timezone.now())

    assert metrics.collect(publication.pk) == "skipped"

    schedule = schedule_of(publication)
    assert (schedule.state, schedule.slot, schedule.failures) == (S.COLLECTING, 1, 1)
    assert not Metric.objects.exists()


def test_a_collection_delivered_twice_stores_one_row(publish_on):
    publication = publish_on("mastodon")
    age(publication, HOUR)

    assert metrics.collect(publication.pk) == "collected"
    assert metrics.collect(publication.pk) is None

    assert Metric.objects.count() == 1


def test_a_call_under_way_is_left_alone_and_one_whose_worker_died_is_taken_up_after_its_lease(publish_on):
    publication = publish_on("mastodon")
    age(publication, HOUR)
    # What a worker leaves while it waits for the platform: the call stamped, the row leased past now.
    under_way = timezone.now()
    MetricSchedule.objects.filter(pk=publication.pk).update(called_at=under_way, due_at=under_way + metrics.CALL_LEASE)

    assert metrics.collect(publication.pk) is None

    died_at = timezone.now() - metrics.CALL_LEASE - dt.timedelta(seconds=1)
    MetricSchedule.objects.filter(pk=publication.pk).update(called_at=died_at, due_at=died_at + metrics.CALL_LEASE)
    assert metrics.due_publications(timezone.now(), 10) == [publication.pk]
    assert metrics.collect(publication.pk) == "collected"
    assert Metric.objects.get().slot == 0


def test_after_a_year_collection_is_done(publish_on):
    publication = publish_on("mastodon")
    age(publication, 360 * DAY)
    MetricSchedule.objects.filter(pk=publication.pk).update(slot=14, due_at=timezone.now())

    assert metrics.collect(publication.pk) == S.DONE

    assert schedule_of(publication).state == S.DONE
    assert Metric.objects.get().slot == 14
    assert metrics.due_publications(timezone.now() + 400 * DAY, 10) == []


def test_over_the_account_rate_more_collections_are_put_off_not_dropped(publish_on, world, settings):
    settings.PLANNER_METRIC_CALLS_PER_MINUTE = 1
    publication = publish_on("mastodon")
    age(publication, HOUR)
    other = builders.make_publication(
        world.variant, world.account, state=P.PUBLISHED, remote_id="elsewhere", scheduled_at=timezone.now() - DAY
    )
    metrics.start_collecting(other.pk, world.account.pk, timezone.now() - 2 * HOUR)
    assert metrics.collect(publication.pk) == "collected"

    assert metrics.collect(other.pk) == "deferred"

    schedule = schedule_of(other)
    called = schedule_of(publication).called_at
    assert (schedule.state, schedule.slot, schedule.failures, schedule.called_at) == (S.COLLECTING, 0, 0, None)
    assert schedule.due_at == called + metrics.RATE_WINDOW
    # Another account's calls are its own: the clinic's is made (and fails: its account points nowhere).
    clinic = builders.make_publication(world.clinic_variant, world.clinic_account, state=P.PUBLISHED, remote_id="1")
    metrics.start_collecting(clinic.pk, world.clinic_account.pk, timezone.now() - 2 * HOUR)
    assert metrics.collect(clinic.pk) == "retrying"


def test_the_beat_hands_over_due_collections_only_once_until_their_lease_runs_out(world):
    now = timezone.now()
    due, later, done = (
        builders.make_publication(world.variant, world.account, state=P.PUBLISHED, remote_id=str(n),
                                  scheduled_at=now - dt.timedelta(days=n))
        for n in (1, 2, 3)
    )  # fmt: skip
    metrics.start_collecting(due.pk, world.account.pk, now - 2 * HOUR)
    metrics.start_collecting(later.pk, world.account.pk, now - dt.timedelta(minutes=55))
    metrics.start_collecting(done.pk, world.account.pk, now - 2 * HOUR)
    MetricSchedule.objects.filter(pk=done.pk).update(state=S.DONE)

    assert metrics.due_publications(now, 10) == [due.pk]
    assert metrics.due_publications(now + HOUR, 1) == [due.pk]  # the oldest first, `limit` at a time
    assert metrics.claim_due(now, 10) == [due.pk]
    assert metrics.claim_due(now + dt.timedelta(minutes=5), 10) == [later.pk]  # the first still handed over
    assert metrics.claim_due(now + metrics.CLAIM_LEASE + dt.timedelta(seconds=1), 10) == [due.pk]  # its message lost


def test_the_beat_runs_every_minute_on_the_default_queue_never_on_publish():
    beat = settings.CELERY_BEAT_SCHEDULE["collect-due-metrics"]
    assert (beat["task"], beat["schedule"], beat["options"]["queue"]) == (
        "publishing.tasks.collect_due_metrics", 60.0, "default",
    )  # fmt: skip
    assert settings.CELERY_TASK_ROUTES["publishing.tasks.collect_metrics"] == {"queue": "default"}


def test_a_person_confirming_a_post_starts_its_collection(world):
    publication = builders.make_publication(world.variant, world.account, state=P.UNCONFIRMED)

    scheduling.confirm_published(publication, world.editor, "https://mastodon.example/@health/123")

    schedule = schedule_of(publication)
    assert schedule.due_at == Publication.objects.get(pk=publication.pk).published_at + HOUR


def test_the_schedule_is_an_hour_a_day_a_week_a_month_then_monthly_for_a_year():
    published = dt.datetime(2026, 1, 1, 9, 0, tzinfo=dt.UTC)

    offsets = [metrics.slot_at(published, slot) - published for slot in range(15)]

    assert offsets[:5] == [HOUR, DAY, 7 * DAY, 30 * DAY, 60 * DAY]
    assert offsets[-1] == 360 * DAY
    assert metrics.slot_at(published, 15) is None
    # Collections missed while the engine was down are not caught up one by one: the next is the first ahead.
    assert metrics.next_slot(published, 0, published + 10 * DAY) == (3, published + 30 * DAY)
    assert metrics.next_slot(published, 14, published + 361 * DAY) is None


def test_every_adapter_names_only_our_columns():
    known = set(metrics.COLUMNS) | set(metrics.MILLISECONDS)
    for platform, adapter in REGISTRY.items():
        assert adapter.metric_names, platform
        assert set(adapter.metric_names.values()) <= known, platform


def test_views_stand_for_impressions_and_milliseconds_become_seconds():
    youtube = metrics.canonical(YouTubeAdapter(), {"viewCount": 120, "likeCount": 7, "favoriteCount": 0})
    reel = metrics.canonical(InstagramAdapter(), {"views": 300, "ig_reels_video_view_total_time": 95_500})
    member_post = metrics.canonical(LinkedInAdapter(), {"LIKE": 4, "PRAISE": 2, "comments.count": 1})

    assert (youtube["impressions"], youtube["video_views"], youtube["likes"], youtube["shares"]) == (120, 120, 7, None)
    assert (reel["impressions"], reel["watch_time_s"], reel["video_views"]) == (300, 95, None)
    assert (member_post["likes"], member_post["replies"], member_post["impressions"]) == (6, 1, None)
