"""Scheduling approved content at an instant, posting slots, and the dispatcher's claims."""

from __future__ import annotations

import datetime as dt
import zoneinfo

import pytest
from django.utils import timezone

from campaigns.models import ContentItem
from campaigns.workflow import WorkflowError, perform
from publishing import scheduling
from publishing.dispatcher import dispatch_due
from publishing.models import PostingSlot, Publication
from tests import builders

P = Publication.State
PARIS = zoneinfo.ZoneInfo("Europe/Paris")


@pytest.fixture
def approved(world):
    world.item.author = world.editor
    world.item.save()
    perform(world.item, "submit", world.editor)
    perform(world.item, "approve", world.manager)
    return world


def test_scheduling_creates_a_publication_per_target_and_schedules_the_item(approved):
    world = approved
    when = dt.datetime(2026, 12, 1, 9, 0, tzinfo=PARIS)

    [publication] = scheduling.schedule(world.item, world.editor, [(world.variant, world.account)], when)

    assert publication.scheduled_at == dt.datetime(2026, 12, 1, 8, 0, tzinfo=dt.UTC)
    assert publication.latest_acceptable_at - publication.scheduled_at == scheduling.DEFAULT_LATE_CUTOFF
    assert ContentItem.objects.get(pk=world.item.pk).state == ContentItem.State.SCHEDULED


def test_an_alert_may_be_at_most_thirty_minutes_late(world):
    world.item.kind, world.item.author = ContentItem.Kind.ALERT, world.editor
    world.item.save()
    perform(world.item, "submit", world.editor)
    perform(world.item, "approve", world.manager)
    perform(world.item, "approve", world.second_manager)

    [publication] = scheduling.schedule(world.item, world.editor, [(world.variant, world.account)], timezone.now())

    assert publication.latest_acceptable_at - publication.scheduled_at == dt.timedelta(minutes=30)


def test_a_campaign_sets_how_late_its_publications_may_go_out(approved):
    world = approved
    world.campaign.late_cutoff_minutes = 10
    world.campaign.save()

    [publication] = scheduling.schedule(world.item, world.editor, [(world.variant, world.account)], timezone.now())

    assert publication.latest_acceptable_at - publication.scheduled_at == dt.timedelta(minutes=10)


def test_content_not_approved_cannot_be_scheduled(world):
    with pytest.raises(WorkflowError) as refusal:
        scheduling.schedule(world.item, world.editor, [(world.variant, world.account)], timezone.now())

    assert refusal.value.code == "not_approved"
    assert not Publication.objects.exists()


def test_a_variant_cannot_go_to_an_account_on_another_platform(approved):
    world = approved
    x_account = builders.make_account(world.ministry, platform="x", handle="@MinistryHealth")

    with pytest.raises(WorkflowError) as refusal:
        scheduling.schedule(world.item, world.editor, [(world.variant, x_account)], timezone.now())

    assert refusal.value.code == "invalid_target"
    assert ContentItem.objects.get(pk=world.item.pk).state == ContentItem.State.APPROVED


def test_a_contributor_cannot_schedule(approved):
    world = approved

    with pytest.raises(WorkflowError):
        scheduling.schedule(world.item, world.contributor, [(world.variant, world.account)], timezone.now())

    assert not Publication.objects.exists()


def test_a_wall_time_skipped_by_daylight_saving_does_not_exist():
    assert scheduling.local_instant(dt.date(2027, 3, 28), dt.time(2, 30), PARIS) is None
    assert scheduling.local_instant(dt.date(2027, 3, 28), dt.time(3, 30), PARIS) == dt.datetime(
        2027, 3, 28, 1, 30, tzinfo=dt.UTC
    )
    # The doubled hour of October takes its first occurrence (summer time).
    assert scheduling.local_instant(dt.date(2026, 10, 25), dt.time(2, 30), PARIS) == dt.datetime(
        2026, 10, 25, 0, 30, tzinfo=dt.UTC
    )


def test_next_free_slot_skips_taken_slots_and_follows_the_organisation_clock(approved):
    world = approved
    for weekday in range(5):
        PostingSlot.objects.create(account=world.account, weekday=weekday, local_time=dt.time(9, 0))
    monday_morning = dt.datetime(2026, 11, 30, 7, 0, tzinfo=PARIS)  # a Monday
    builders.make_publication(world.variant, world.account, scheduled_at=dt.datetime(2026, 11, 30, 9, 0, tzinfo=PARIS))

    slot = scheduling.next_free_slot(world.account, monday_morning)

    assert slot == dt.datetime(2026, 12, 1, 9, 0, tzinfo=PARIS)  # Tuesday: Monday's slot is taken


def test_next_free_slot_is_none_without_slots_or_history(approved):
    assert scheduling.next_free_slot(approved.account, timezone.now()) is None


def test_an_account_without_slots_is_offered_the_organisations_best_time_from_its_history(approved):
    from tests.analytics.history import published_post

    world = approved
    today = timezone.localtime(timezone.now(), PARIS).date()
    four_weeks_ago = today - dt.timedelta(days=28 + today.weekday())  # a Monday
    # Thursday 18:00 drew 40 engagements a post three times; Monday 08:00, 5.
    for week in range(3):
        monday = dt.datetime.combine(four_weeks_ago + dt.timedelta(weeks=week), dt.time(8), tzinfo=PARIS)
        published_post(world.variant, world.account, monday + dt.timedelta(days=3, hours=10), [{"likes": 40}])
        published_post(world.variant, world.account, monday, [{"likes": 5}])
    next_monday = today + dt.timedelta(days=7 - today.weekday())
    tuesday = dt.datetime.combine(next_monday + dt.timedelta(days=1), dt.time(10), tzinfo=PARIS)
    thursday_evening = dt.datetime.combine(next_monday + dt.timedelta(days=3), dt.time(18), tzinfo=PARIS)

    assert scheduling.next_free_slot(world.account, tuesday) == thursday_evening


def test_the_dispatcher_claims_only_what_is_due(approved, django_capture_on_commit_callbacks):
    world = approved
    now = timezone.now()
    due = builders.make_publication(world.variant, world.account, scheduled_at=now - dt.timedelta(seconds=1))
    later = builders.make_publication(world.variant, world.account, scheduled_at=now + dt.timedelta(minutes=5))
    waiting = builders.make_publication(world.variant, world.account, scheduled_at=now - dt.timedelta(minutes=1),
                                        state=P.RETRYING, next_attempt_at=now + dt.timedelta(seconds=30))  # fmt: skip

    with django_capture_on_commit_callbacks() as callbacks:
        tick = dispatch_due(now)

    assert (tick.queued, tick.expired) == (1, 0)
    assert len(callbacks) == 1
    states = dict(Publication.objects.values_list("pk", "state"))
    assert states == {due.pk: P.QUEUED, later.pk: P.SCHEDULED, waiting.pk: P.RETRYING}


def test_a_publication_past_its_latest_acceptable_time_is_expired_not_sent(
    approved, django_capture_on_commit_callbacks
):
    world = approved
    now = timezone.now()
    stale = builders.make_publication(
        world.variant,
        world.account,
        scheduled_at=now - dt.timedelta(hours=2),
        latest_acceptable_at=now - dt.timedelta(hours=1),
    )

    with django_capture_on_commit_callbacks() as callbacks:
        tick = dispatch_due(now)

    assert (tick.queued, tick.expired, len(callbacks)) == (0, 1, 1)  # nothing to send; people are told
    assert Publication.objects.get(pk=stale.pk).state == P.EXPIRED


def test_a_message_lost_by_the_broker_is_handed_over_again(approved, django_capture_on_commit_callbacks):
    world = approved
    now = timezone.now()
    lost = builders.make_publication(world.variant, world.account, scheduled_at=now - dt.timedelta(minutes=5),
                                     state=P.QUEUED, enqueued_at=now - dt.timedelta(minutes=3))  # fmt: skip

    with django_capture_on_commit_callbacks() as callbacks:
        tick = dispatch_due(now)

    assert tick.requeued == 1 and len(callbacks) == 1
    assert Publication.objects.get(pk=lost.pk).enqueued_at == now


def test_a_send_whose_worker_died_becomes_unconfirmed_not_resent(approved):
    world = approved
    now = timezone.now()
    stuck = builders.make_publication(world.variant, world.account, scheduled_at=now - dt.timedelta(minutes=5),
                                      state=P.PUBLISHING, lease_expires_at=now - dt.timedelta(seconds=1))  # fmt: skip

    tick = dispatch_due(now)

    assert tick.unconfirmed == 1
    assert Publication.objects.get(pk=stuck.pk).state == P.UNCONFIRMED


def test_a_duplicate_message_does_nothing(approved):
    world = approved
    publication = builders.make_publication(world.variant, world.account, state=P.PUBLISHING)

    assert scheduling.start_sending(publication.pk, timezone.now(), dt.timedelta(seconds=60)) is False
    assert Publication.objects.get(pk=publication.pk).attempts == 0


def test_the_same_text_on_another_x_account_near_then_draws_a_warning_but_mastodon_does_not(approved):
    world = approved
    when = timezone.now() + dt.timedelta(days=3)
    x_variant = builders.make_variant(world.item, platform="x")
    mine, theirs = (builders.make_account(world.ministry, "x", handle) for handle in ("@health", "@vaccines"))
    other_item = builders.make_item(world.campaign, "Same words elsewhere")
    twin = builders.make_variant(other_item, platform="x", text=x_variant.text)
    builders.make_publication(twin, theirs, scheduled_at=when + dt.timedelta(hours=20))
    far = builders.make_variant(builders.make_item(world.campaign, "Later"), platform="x", text=x_variant.text)
    builders.make_publication(
        far, builders.make_account(world.ministry, "x", "@later"), scheduled_at=when + dt.timedelta(days=2)
    )
    mastodon_twin = builders.make_account(world.ministry, "mastodon", "@vaccines")

    [warning] = scheduling.same_text_elsewhere_warnings([(x_variant, mine)], when)
    assert "@health, @vaccines" in warning and "within 24 hours" in warning
    assert (
        scheduling.same_text_elsewhere_warnings([(world.variant, world.account), (world.variant, mastodon_twin)], when)
        == []
    )
    assert scheduling.same_text_elsewhere_warnings([(x_variant, theirs)], when) == []  # only its own post


def test_scheduling_is_refused_where_the_accounts_own_server_takes_fewer_characters(approved, live_server, settings):
    from publishing.adapters import adapter_for

    world = approved
    world.account.api_base_url = f"{live_server.url}/sandbox/mastodon/"
    world.account.save(update_fields=["api_base_url"])
    settings.PLATFORM_RULES = {"mastodon": {"text_limit": 40}}  # the sandbox server's own limit, as it reads it
    adapter_for("mastodon").read_limits(world.account)
    settings.PLATFORM_RULES = {}  # our defaults: 500

    with pytest.raises(WorkflowError, match=r"@health would refuse the Mastodon variant \(en\): .* at most 40"):
        scheduling.schedule(world.item, world.editor, [(world.variant, world.account)], timezone.now())
    assert not Publication.objects.exists()
