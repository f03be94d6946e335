"""Warning 24 hours ahead about scheduled publications on accounts that need reconnecting, once a day."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from campaigns.models import Notification
from publishing.account_tasks import warn_about_accounts_needing_reconnecting
from publishing.models import Publication, ReconnectWarning
from publishing.reconnect import NOTIFICATION_KIND, warn_ahead
from tests import builders

P = Publication.State


def in_hours(hours: float) -> dt.datetime:
    return timezone.now() + dt.timedelta(hours=hours)


def refused(world) -> None:
    builders.make_publication(
        world.variant, world.account, scheduled_at=in_hours(-2), state=P.FAILED,
        last_error="Reconnect the account: the platform refused the account's credentials (401)",
    )  # fmt: skip


def warnings() -> list[Notification]:
    return list(Notification.objects.filter(kind=NOTIFICATION_KIND))


def test_the_author_and_managers_are_warned_once_a_day_about_a_refused_account(world):
    world.item.author = world.editor
    world.item.save(update_fields=["author"])
    refused(world)
    builders.make_publication(world.variant, world.account, scheduled_at=in_hours(20))

    assert warn_ahead() == 1
    assert warn_ahead() == 0  # the same day: not again

    told = warnings()
    assert {n.recipient for n in told} == {world.editor, world.manager, world.second_manager}
    assert all(world.account.handle in n.message and world.item.title in n.message for n in told)
    assert ReconnectWarning.objects.get().publications == 1


def test_a_token_that_will_have_expired_by_the_post_without_a_refresh_token_is_warned_about(world):
    world.account.token_expires_at = in_hours(10)
    world.account.save()
    builders.make_publication(world.variant, world.account, scheduled_at=in_hours(12))

    assert warn_about_accounts_needing_reconnecting() == 1
    assert "cannot be renewed" in warnings()[0].message


def test_a_token_that_will_be_refreshed_is_not_warned_about(world):
    world.account.token_expires_at = in_hours(10)
    world.account.credentials = {"access_token": "a", "refresh_token": "r"}
    world.account.save()
    builders.make_publication(world.variant, world.account, scheduled_at=in_hours(12))

    assert warn_ahead() == 0 and warnings() == []


def test_posts_further_than_24_hours_ahead_wait_for_a_later_warning(world):
    refused(world)
    builders.make_publication(world.variant, world.account, scheduled_at=in_hours(30))

    assert warn_ahead() == 0
    assert warn_ahead(timezone.now() + dt.timedelta(hours=7)) == 1


def test_the_next_day_they_are_warned_again(world):
    refused(world)
    morning = dt.datetime(2030, 1, 1, 6, 0, tzinfo=dt.UTC)
    builders.make_publication(world.variant, world.account, scheduled_at=morning + dt.timedelta(hours=23))
    assert warn_ahead(morning) == 1

    assert warn_ahead(morning + dt.timedelta(hours=6)) == 0  # still 1 January
    assert warn_ahead(morning + dt.timedelta(hours=20)) == 1  # 2 January, 02:00 UTC
    assert ReconnectWarning.objects.count() == 2
