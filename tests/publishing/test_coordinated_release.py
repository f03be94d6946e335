"""Coordinated release: one instant shared by many accounts and languages, claimed and sent together."""

from __future__ import annotations

import datetime as dt
import time
from collections import Counter

import pytest
from django.utils import timezone

from campaigns.models import ContentItem
from campaigns.workflow import WorkflowError, perform
from publishing import freezes, scheduling
from publishing.models import Publication, PublicationAttempt, Release
from publishing.release_sending import send_together
from publishing.sandbox.models import SandboxPost
from tests import builders, loopback, processes

P = Publication.State
RELEASE_SIZE = 200
# Enough for the worker to prepare 200 sends (~20 ms each, up to 50 under the other test runs' load) and open its
# connections before the instant; were it late, they would still go out together, only late.
RELEASE_PREPARED_WITHIN = dt.timedelta(seconds=12)


def approve(world, item: ContentItem, *, alert: bool = False) -> ContentItem:
    item.author = world.editor
    if alert:
        item.kind = ContentItem.Kind.ALERT
    item.save()
    perform(item, "submit", world.editor)
    perform(item, "approve", world.manager)
    if alert:
        perform(item, "approve", world.second_manager)
    return item


def release_of(world, size: int, when: dt.datetime, base: str = "http://127.0.0.1:9/") -> Release:
    """`size` publications of two items (English and French) over `size // 2` accounts, all in one release."""
    release = Release.objects.create(organisation=world.ministry, name="Measles figures", instant=when)
    approve(world, world.item)
    second = builders.make_item(world.campaign, "Measles: the figures")
    english, french = builders.make_variant(second, language="en"), builders.make_variant(second, language="fr")
    approve(world, second)
    accounts = [
        builders.make_account(world.ministry, handle=f"@region{n}", api_base_url=base,
                              credentials={"access_token": f"token-region{n}"})
        for n in range(size // 2)
    ]  # fmt: skip
    scheduling.schedule(world.item, world.editor, [(world.variant, a) for a in accounts[: size // 4]], when, release)
    scheduling.schedule(
        second, world.editor,
        [(english, a) for a in accounts[size // 4 :]] + [(french, a) for a in accounts],
        when, release,
    )  # fmt: skip
    return release


def test_claim_due_returns_the_whole_release_despite_its_limit(world):
    when = timezone.now() + dt.timedelta(minutes=5)
    release = release_of(world, 40, when)
    alone = builders.make_publication(world.variant, world.account, scheduled_at=when - dt.timedelta(minutes=1))

    queued, expired = scheduling.claim_due(when + dt.timedelta(seconds=1), limit=10)

    assert sorted(queued) == sorted(release.publications.values_list("pk", flat=True)) and expired == []
    assert len(queued) == 40 and alone.pk not in queued  # the limit was used up by the release
    assert scheduling.claim_due(when + dt.timedelta(seconds=1), limit=10) == ([alone.pk], [])


def test_a_freeze_on_one_account_holds_the_whole_release(world):
    when = timezone.now() + dt.timedelta(minutes=5)
    release = release_of(world, 8, when)
    one = release.publications.first().account
    freezes.start_freeze(world.ministry, world.manager, "Figures disputed", account=one)

    assert scheduling.claim_due(when + dt.timedelta(seconds=1), limit=100) == ([], [])
    assert release.publications.filter(state=P.SCHEDULED).count() == 8


def test_a_release_is_claimed_a_little_before_its_instant_and_not_earlier(world):
    when = timezone.now() + dt.timedelta(minutes=5)
    release = release_of(world, 4, when)

    assert scheduling.claim_due(when - scheduling.RELEASE_CLAIM_AHEAD - dt.timedelta(seconds=1), limit=10) == ([], [])
    queued, _ = scheduling.claim_due(when - scheduling.RELEASE_CLAIM_AHEAD, limit=10)

    assert sorted(queued) == sorted(release.publications.values_list("pk", flat=True))


def test_a_freeze_on_one_account_after_the_claim_holds_the_whole_release_and_nothing_is_posted(
    world, live_server, transactional_db
):
    when = timezone.now() + dt.timedelta(seconds=2)
    release = release_of(world, 6, when, base=f"{live_server.url}/sandbox/mastodon/")
    queued, _ = scheduling.claim_due(when, limit=100)
    freezes.start_freeze(
        world.ministry, world.manager, "Figures disputed", account=release.publications.first().account
    )

    states = send_together(queued)

    assert set(states.values()) == {P.SCHEDULED} and len(states) == 6
    assert release.publications.filter(state=P.SCHEDULED).count() == 6
    assert not SandboxPost.objects.exists()
    processes.wait_for_other_sessions()


def test_a_release_prepared_before_its_instant_keeps_the_quiet_hours_of_its_instant(world):
    from publishing.sending import Prepared, prepare

    tomorrow = timezone.localdate(timezone=world.ministry.zone) + dt.timedelta(days=1)
    instant = dt.datetime.combine(tomorrow, dt.time(10, 0, 5), tzinfo=world.ministry.zone)
    release = release_of(world, 4, instant)
    quiet = release.publications.first()
    quiet.account.quiet_from, quiet.account.quiet_until = dt.time(10, 0), dt.time(11, 0)  # set after scheduling
    quiet.account.save()
    before = instant - dt.timedelta(seconds=10)  # not quiet yet
    queued, _ = scheduling.claim_due(before, limit=10)

    outcomes = {pk: prepare(pk, before) for pk in queued}

    held = set(quiet.account.publications.values_list("pk", flat=True))
    assert {pk: outcomes.pop(pk) for pk in held} == {pk: P.RETRYING for pk in held}
    assert Publication.objects.get(pk=quiet.pk).next_attempt_at.astimezone(world.ministry.zone).time() == dt.time(11, 0)
    assert len(outcomes) == 2 and all(isinstance(outcome, Prepared) for outcome in outcomes.values())


def test_moving_the_release_moves_all_its_publications(world):
    when = timezone.now() + dt.timedelta(hours=2)
    release = release_of(world, 8, when)
    later = when + dt.timedelta(hours=1)

    scheduling.move_release(release, world.editor, later)

    assert set(release.publications.values_list("scheduled_at", flat=True)) == {later}
    assert Release.objects.get(pk=release.pk).instant == later
    assert all(p.latest_acceptable_at == later + scheduling.DEFAULT_LATE_CUTOFF for p in release.publications.all())


def test_one_publication_of_a_release_is_not_moved_on_its_own(world):
    release = release_of(world, 4, timezone.now() + dt.timedelta(hours=2))

    with pytest.raises(WorkflowError) as refused:
        scheduling.reschedule(release.publications.first(), world.editor, timezone.now() + dt.timedelta(hours=3))

    assert refused.value.code == "in_release" and "Measles figures" in refused.value.message


def test_a_release_already_going_out_cannot_be_moved(world):
    when = timezone.now() + dt.timedelta(minutes=5)
    release = release_of(world, 4, when)
    scheduling.claim_due(when, limit=10)

    with pytest.raises(WorkflowError) as refused:
        scheduling.move_release(release, world.editor, when + dt.timedelta(hours=1))

    assert refused.value.code == "wrong_state"


def test_a_non_alert_release_inside_quiet_hours_is_refused_and_an_alert_release_passes(world):
    world.account.quiet_from, world.account.quiet_until = dt.time(23, 0), dt.time(6, 0)
    world.account.save()
    night = dt.datetime(2026, 12, 1, 23, 30, tzinfo=world.ministry.zone)
    release = Release.objects.create(organisation=world.ministry, name="Night", instant=night)
    approve(world, world.item)
    with pytest.raises(WorkflowError) as refused:
        scheduling.schedule(world.item, world.editor, [(world.variant, world.account)], night, release)
    alert = builders.make_item(world.campaign, "Boil your water")
    alert_variant = builders.make_variant(alert)
    approve(world, alert, alert=True)

    [passed] = scheduling.schedule(alert, world.editor, [(alert_variant, world.account)], night, release)

    assert passed.release == release and passed.scheduled_at == night
    assert refused.value.code == "quiet_hours"
    assert list(release.publications.all()) == [passed]


def test_an_outsider_cannot_use_another_organisations_release(world):
    release = Release.objects.create(organisation=world.clinic, name="Clinic news", instant=timezone.now())
    approve(world, world.item)

    with pytest.raises(WorkflowError):
        scheduling.schedule(world.item, world.editor, [(world.variant, world.account)], timezone.now(), release)


@pytest.mark.worker
def test_two_hundred_publications_of_one_release_reach_the_sandbox_within_a_second(world, transactional_db, tmp_path):
    from publishing.dispatcher import dispatch_due

    log = tmp_path / "release-worker.log"
    worker = processes.start_worker(f"release-{time.time_ns()}@localhost", log, processes.engine_env(),
                                    queues="publish")  # fmt: skip
    try:
        with loopback.project_server() as server:
            processes.wait_for_line(worker, log, "ready.")
            release = release_of(world, RELEASE_SIZE, timezone.now() + dt.timedelta(hours=1),
                                 base=f"{server}/sandbox/mastodon/")  # fmt: skip
            # Claimed at once (within RELEASE_CLAIM_AHEAD), prepared and its connections opened before the instant.
            when = timezone.now() + RELEASE_PREPARED_WITHIN
            scheduling.move_release(release, world.editor, when)
            deadline = time.monotonic() + 60
            while time.monotonic() < deadline:
                dispatch_due()
                if not release.publications.exclude(state=P.PUBLISHED).exists():
                    break
                time.sleep(0.2)
    finally:
        processes.stop(worker)
        processes.wait_for_other_sessions()

    states = dict(Counter(release.publications.values_list("state", flat=True)))
    assert states == {P.PUBLISHED: RELEASE_SIZE}, states
    # When each request reached the sandbox's socket (tests/loopback.py): the sandbox then takes seconds of its own
    # to store 200 posts on this machine, which a platform's servers do side by side.
    received = list(SandboxPost.objects.values_list("received_at", flat=True))
    assert len(received) == RELEASE_SIZE
    spread = max(received) - min(received)
    assert spread <= dt.timedelta(seconds=1), f"reached the platform over {spread.total_seconds():.2f} s"
    assert min(received) >= when  # not one before the embargo's instant
    assert PublicationAttempt.objects.filter(publication__release=release).count() == RELEASE_SIZE  # each sent once


def test_the_release_page_lists_its_publications_and_states_and_an_outsider_gets_404(world, client):
    from django.urls import reverse

    release = release_of(world, 4, timezone.now() + dt.timedelta(hours=2))
    client.force_login(world.editor)
    page = client.get(reverse("release_detail", args=[release.pk])).content.decode()

    assert "Measles figures" in page and page.count("@region") == 4 and "Scheduled: 4" in page
    client.force_login(world.outsider)
    assert client.get(reverse("release_detail", args=[release.pk])).status_code == 404
    assert client.post(reverse("release_move", args=[release.pk]), {"when": "2030-01-01T10:00"}).status_code == 404


def test_the_release_page_moves_the_release(world, client):
    from django.urls import reverse

    release = release_of(world, 4, timezone.now() + dt.timedelta(hours=2))
    client.force_login(world.editor)
    later = timezone.localtime(timezone.now() + dt.timedelta(days=2), world.ministry.zone).replace(
        second=0, microsecond=0
    )

    response = client.post(reverse("release_move", args=[release.pk]), {"when": later.strftime("%Y-%m-%dT%H:%M")})

    assert response.status_code == 302
    assert set(release.publications.values_list("scheduled_at", flat=True)) == {later}


def test_a_bad_time_for_the_release_is_refused_naming_the_field(world, client):
    from django.urls import reverse

    release = release_of(world, 4, timezone.now() + dt.timedelta(hours=2))
    client.force_login(world.editor)

    response = client.post(reverse("release_move", args=[release.pk]), {"when": "not a time"})

    assert response.status_code == 400 and "when:" in response.content.decode()
