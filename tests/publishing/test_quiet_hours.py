"""Quiet hours: no post between them (on the organisation's clock) unless it is an alert or crisis communication."""

from __future__ import annotations

import datetime as dt
import zoneinfo

import pytest
from django.core.exceptions import ValidationError

from campaigns.models import ContentItem
from campaigns.workflow import WorkflowError, perform
from publishing import quiet_hours, scheduling
from publishing.models import PostingSlot, Publication
from publishing.sending import prepare
from tests import builders

P = Publication.State
PARIS = zoneinfo.ZoneInfo("Europe/Paris")


@pytest.fixture
def quiet(world):
    """The ministry's account (Paris time) quiet from 23:00 to 06:00, and its item approved."""
    world.account.quiet_from, world.account.quiet_until = dt.time(23, 0), dt.time(6, 0)
    world.account.save()
    world.item.author = world.editor
    world.item.save()
    perform(world.item, "submit", world.editor)
    perform(world.item, "approve", world.manager)
    return world


def paris(*args: int) -> dt.datetime:
    return dt.datetime(*args, tzinfo=PARIS)


def test_scheduling_inside_quiet_hours_is_refused_with_the_next_allowed_time(quiet):
    with pytest.raises(WorkflowError) as refused:
        scheduling.schedule(quiet.item, quiet.editor, [(quiet.variant, quiet.account)], paris(2026, 12, 1, 23, 30))

    assert refused.value.code == "quiet_hours" and refused.value.status == 400
    assert "quiet hours from 23:00 to 06:00 (Europe/Paris)" in refused.value.message
    assert "The next allowed time is 2026-12-02 06:00" in refused.value.message
    assert not Publication.objects.exists()
    assert ContentItem.objects.get(pk=quiet.item.pk).state == ContentItem.State.APPROVED


def test_an_alert_passes_quiet_hours(world):
    world.account.quiet_from, world.account.quiet_until = dt.time(23, 0), dt.time(6, 0)
    world.account.save()
    world.item.kind, world.item.author = ContentItem.Kind.ALERT, world.editor
    world.item.save()
    perform(world.item, "submit", world.editor)
    perform(world.item, "approve", world.manager)
    perform(world.item, "approve", world.second_manager)

    [publication] = scheduling.schedule(
        world.item, world.editor, [(world.variant, world.account)], paris(2026, 12, 1, 2, 0)
    )

    assert publication.scheduled_at == paris(2026, 12, 1, 2, 0)


@pytest.mark.parametrize(
    ("local", "is_quiet"),
    [((22, 59), False), ((23, 0), True), ((0, 0), True), ((5, 59), True), ((6, 0), False), ((12, 0), False)],
)
def test_a_window_that_crosses_midnight_covers_both_evening_and_morning(quiet, local, is_quiet):
    assert quiet_hours.is_quiet(quiet.account, paris(2026, 12, 1, *local)) is is_quiet


def test_a_window_within_one_day_covers_only_its_hours(world):
    world.account.quiet_from, world.account.quiet_until = dt.time(12, 0), dt.time(14, 0)

    assert quiet_hours.is_quiet(world.account, paris(2026, 12, 1, 13, 0))
    assert not quiet_hours.is_quiet(world.account, paris(2026, 12, 1, 23, 0))
    assert quiet_hours.quiet_ends(world.account, paris(2026, 12, 1, 13, 0)) == paris(2026, 12, 1, 14, 0)


def test_the_evening_part_of_the_window_ends_the_next_morning(quiet):
    assert quiet_hours.quiet_ends(quiet.account, paris(2026, 12, 1, 23, 30)) == paris(2026, 12, 2, 6, 0)
    assert quiet_hours.quiet_ends(quiet.account, paris(2026, 12, 2, 1, 0)) == paris(2026, 12, 2, 6, 0)


def test_quiet_hours_follow_the_local_clock_across_daylight_saving_changes(quiet):
    # Paris puts its clocks forward on 29 March 2026 (UTC+1 → UTC+2) and back on 25 October 2026.
    assert quiet_hours.quiet_ends(quiet.account, paris(2026, 3, 28, 23, 30)) == dt.datetime(
        2026, 3, 29, 4, 0, tzinfo=dt.UTC
    )
    assert quiet_hours.quiet_ends(quiet.account, paris(2026, 10, 24, 23, 30)) == dt.datetime(
        2026, 10, 25, 5, 0, tzinfo=dt.UTC
    )
    # 22:30 UTC is 23:30 in winter (quiet) but was 00:30 in summer (quiet too); 21:30 UTC is quiet only in summer.
    assert quiet_hours.is_quiet(quiet.account, dt.datetime(2026, 7, 1, 21, 30, tzinfo=dt.UTC))
    assert not quiet_hours.is_quiet(quiet.account, dt.datetime(2026, 12, 1, 21, 30, tzinfo=dt.UTC))


def test_a_window_ending_at_a_time_the_clocks_skip_ends_when_they_jump(world):
    world.account.quiet_from, world.account.quiet_until = dt.time(1, 0), dt.time(2, 30)

    # 02:30 does not exist in Paris on 29 March 2026: at 02:00 (01:00 UTC) the clocks go to 03:00.
    ends = quiet_hours.quiet_ends(world.account, paris(2026, 3, 29, 1, 30))

    assert ends == dt.datetime(2026, 3, 29, 1, 0, tzinfo=dt.UTC)


def test_the_next_free_slot_skips_quiet_hours(quiet):
    PostingSlot.objects.create(account=quiet.account, weekday=1, local_time=dt.time(23, 30))  # Tuesday night
    PostingSlot.objects.create(account=quiet.account, weekday=2, local_time=dt.time(9, 0))  # Wednesday morning

    slot = scheduling.next_free_slot(quiet.account, paris(2026, 12, 1, 8, 0))  # a Tuesday

    assert slot == paris(2026, 12, 2, 9, 0)


def test_moving_a_publication_into_quiet_hours_is_refused(quiet):
    [publication] = scheduling.schedule(
        quiet.item, quiet.editor, [(quiet.variant, quiet.account)], paris(2026, 12, 1, 10, 0)
    )

    with pytest.raises(WorkflowError) as refused:
        scheduling.reschedule(publication, quiet.editor, paris(2026, 12, 1, 23, 15))

    assert refused.value.code == "quiet_hours"
    assert Publication.objects.get(pk=publication.pk).scheduled_at == paris(2026, 12, 1, 10, 0)


def test_sending_defers_a_publication_that_became_due_inside_quiet_hours_to_their_end(quiet):
    [publication] = scheduling.schedule(
        quiet.item, quiet.editor, [(quiet.variant, quiet.account)], paris(2026, 12, 1, 22, 45)
    )
    quiet.account.quiet_from = dt.time(22, 30)  # changed after it was scheduled
    quiet.account.save()
    now = paris(2026, 12, 1, 22, 45)
    queued, _ = scheduling.claim_due(now, 10)

    assert queued == [publication.pk]
    assert prepare(publication.pk, now) == P.RETRYING

    held = Publication.objects.get(pk=publication.pk)
    assert held.state == P.RETRYING and held.attempts == 0
    assert held.next_attempt_at == paris(2026, 12, 2, 6, 0)
    assert "quiet hours (22:30–06:00, Europe/Paris)" in held.last_error
    assert "2026-12-02 06:00" in held.last_error
    # It keeps the margin it had before its latest acceptable time, counted from the end of the quiet hours.
    assert held.latest_acceptable_at == paris(2026, 12, 2, 6, 0) + scheduling.DEFAULT_LATE_CUTOFF
    assert scheduling.claim_due(paris(2026, 12, 2, 5, 59), 10) == ([], [])
    assert scheduling.claim_due(paris(2026, 12, 2, 6, 0), 10) == ([publication.pk], [])


def test_quiet_hours_need_both_ends_and_two_different_times(world):
    with pytest.raises(ValidationError) as half:
        quiet_hours.set_quiet_hours(world.account, world.admin, dt.time(23, 0), None)
    with pytest.raises(ValidationError) as empty:
        quiet_hours.set_quiet_hours(world.account, world.admin, dt.time(23, 0), dt.time(23, 0))

    assert "quiet_until" in half.value.message_dict and "quiet_until" in empty.value.message_dict
    world.account.refresh_from_db()
    assert world.account.quiet_from is None


def test_setting_quiet_hours_is_recorded_in_the_audit_trail(world):
    from audit.models import Event

    quiet_hours.set_quiet_hours(world.account, world.admin, dt.time(23, 0), dt.time(6, 0))

    world.account.refresh_from_db()
    assert (world.account.quiet_from, world.account.quiet_until) == (dt.time(23, 0), dt.time(6, 0))
    assert Event.objects.filter(action="account.quiet_hours", object_id=str(world.account.pk)).exists()


def test_an_item_still_builds_without_quiet_hours(world):
    account = builders.make_account(world.ministry, handle="@noquiet")

    assert not quiet_hours.is_quiet(account, paris(2026, 12, 1, 3, 0))


def test_a_manager_sets_quiet_hours_on_the_accounts_page(world, client):
    from django.urls import reverse

    client.force_login(world.manager)
    response = client.post(
        reverse("account_quiet_hours", args=[world.account.pk]), {"quiet_from": "23:00", "quiet_until": "06:00"}
    )

    assert response.status_code == 302
    world.account.refresh_from_db()
    assert (world.account.quiet_from, world.account.quiet_until) == (dt.time(23, 0), dt.time(6, 0))
    assert "Quiet hours: 23:00 to 06:00" in client.get(reverse("accounts")).content.decode()


def test_half_quiet_hours_are_refused_on_their_field(world, client):
    from django.urls import reverse

    client.force_login(world.manager)
    response = client.post(reverse("account_quiet_hours", args=[world.account.pk]), {"quiet_from": "23:00"})

    assert response.status_code == 400
    assert "Quiet until: Give both ends of the quiet hours, or neither." in response.content.decode()
    world.account.refresh_from_db()
    assert world.account.quiet_from is None


def test_an_editor_cannot_set_quiet_hours_and_an_outsider_does_not_see_the_account(world, client):
    from django.urls import reverse

    address = reverse("account_quiet_hours", args=[world.account.pk])
    client.force_login(world.editor)
    assert client.post(address, {"quiet_from": "23:00", "quiet_until": "06:00"}).status_code == 403
    client.force_login(world.outsider)
    assert client.post(address, {"quiet_from": "23:00", "quiet_until": "06:00"}).status_code == 404
    world.account.refresh_from_db()
    assert world.account.quiet_from is None
