"""The demo, as `scripts/run` seeds it, publishes on every platform through that platform's own adapter.

Every scheduled publication of the ministry is claimed and sent against the live sandbox, each platform
speaking its own dialect: text, images, a carousel, multi-image and video posts, and first comments. Its posts
already published are on the sandbox too, so that their metrics are collected like any other post's.
"""

from __future__ import annotations

import datetime as dt
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from campaigns.demo_content import MINISTRY
from campaigns.demo_history import HISTORY_BRIEF
from publishing import metrics, scheduling
from publishing.models import Metric, MetricSchedule, Publication
from publishing.platforms import Platform
from publishing.sandbox.models import SandboxMedia, SandboxPost
from publishing.sending import send
from tests import processes

P = Publication.State


@pytest.fixture
def demo(settings, live_server, transactional_db, graph_sandbox, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    settings.DEBUG = True  # seed_demo refuses to run without it
    settings.PLANNER_SANDBOX_URL = f"{live_server.url}/sandbox/"
    settings.PLANNER_BLUESKY_APPVIEW_URL = f"{live_server.url}/sandbox/bluesky"  # as scripts/run sets it
    call_command("seed_demo", stdout=StringIO())
    yield
    processes.wait_for_other_sessions()


def test_every_scheduled_publication_of_the_demo_is_published_by_its_platform_adapter(demo, settings):
    settings.PLANNER_RATE_LIMITS = {platform: {"per_minute": 6000.0, "burst": 1000.0} for platform in Platform.values}
    scheduled = Publication.objects.filter(state=P.SCHEDULED, account__organisation__slug=MINISTRY)
    count = scheduled.count()
    assert count > len(Platform.values)
    # The demo's posts go out over the coming days; here they are all due at once, more on one account than its
    # posting rate's burst (publishing/rate_limits.py), which is set wide for this. A microsecond apart: the
    # occurrences of a recurring post share their variant and account, which may publish once per instant.
    now = timezone.now()
    for offset, pk in enumerate(scheduled.values_list("pk", flat=True)):
        Publication.objects.filter(pk=pk).update(
            scheduled_at=now - dt.timedelta(seconds=1, microseconds=offset),
            latest_acceptable_at=now + dt.timedelta(hours=1),
        )
    claimed, expired = scheduling.claim_due(timezone.now(), 1000)
    assert len(claimed) == count and not expired

    outcomes = [send(pk) for pk in claimed]

    publications = Publication.objects.filter(pk__in=claimed).select_related("account", "variant")
    failed = [
        f"{p.account.platform} {p.variant.language}: {p.last_error}" for p in publications if p.state != P.PUBLISHED
    ]
    assert not failed and set(outcomes) == {P.PUBLISHED}
    posts = SandboxPost.objects.select_related("account")
    assert {post.account.platform for post in posts} == set(Platform.values)
    with_media = {m.account.platform for m in SandboxMedia.objects.filter(post__isnull=False).select_related("account")}
    with_media |= {post.account.platform for post in posts if post.media}
    assert {Platform.YOUTUBE, Platform.LINKEDIN, Platform.INSTAGRAM, Platform.FACEBOOK, Platform.X} <= with_media


def test_the_demos_published_posts_are_on_the_sandbox_and_their_metrics_are_collected(demo):
    published = Publication.objects.filter(state=P.PUBLISHED, account__organisation__slug=MINISTRY).exclude(
        variant__item__brief=HISTORY_BRIEF
    )
    platforms = set(published.values_list("account__platform", flat=True))
    assert {Platform.X, Platform.MASTODON, Platform.FACEBOOK, Platform.INSTAGRAM} <= platforms

    # Their first collection is long due: published days ago, before the demo started (the myth's answer was
    # seeded with figures collected already, its next collection days ahead).
    due = MetricSchedule.objects.filter(pk__in=published.values("pk"), due_at__lte=timezone.now())
    outcomes = {pk: metrics.collect(pk) for pk in due.values_list("pk", flat=True)}
    assert len(outcomes) > len(Platform.values)

    assert set(outcomes.values()) == {"collected"}, {
        pk: MetricSchedule.objects.get(pk=pk).last_error for pk, outcome in outcomes.items() if outcome != "collected"
    }
    latest = {m.publication.account.platform: m for m in Metric.objects.filter(is_latest=True, publication__in=outcomes)
              .select_related("publication__account")}  # fmt: skip
    assert set(latest) == platforms
    assert all(metric.likes for metric in latest.values())
    assert latest[Platform.X].impressions and latest[Platform.FACEBOOK].impressions
    assert latest[Platform.INSTAGRAM].impressions
    assert latest[Platform.MASTODON].impressions is None and latest[Platform.MASTODON].clicks is None
    assert all(schedule.due_at > dt.datetime.now(dt.UTC) for schedule in MetricSchedule.objects.filter(pk__in=outcomes))


def test_collecting_a_history_post_continues_its_seeded_series_on_every_platform(demo):
    history = Publication.objects.filter(variant__item__brief=HISTORY_BRIEF, account__organisation__slug=MINISTRY)
    now = timezone.now()
    for platform in Platform.values:
        publication = history.filter(account__platform=platform).order_by("published_at").first()
        seeded = Metric.objects.get(publication=publication, is_latest=True)
        # The beat would reach it at its next slot; here it is due now.
        MetricSchedule.objects.filter(pk=publication.pk).update(due_at=now - dt.timedelta(seconds=1))

        assert metrics.collect(publication.pk) == "collected", MetricSchedule.objects.get(pk=publication.pk).last_error

        live = Metric.objects.get(publication=publication, is_latest=True)
        assert live.slot > seeded.slot
        for column in metrics.COLUMNS:
            before, after = getattr(seeded, column), getattr(live, column)
            assert (before is None) == (after is None), (platform, column, before, after)
            assert before is None or after >= before, (platform, column, before, after)
