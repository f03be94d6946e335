"""People hear about the publications the engine could not settle, once per item and kind."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from campaigns.models import Notification
from publishing.attention import tell_people
from publishing.dispatcher import dispatch_due
from publishing.models import Publication
from tests import builders

P = Publication.State
Kind = Notification.Kind


def failed(world, n: int = 1) -> list[Publication]:
    world.item.author = world.editor
    world.item.save()
    return [
        builders.make_publication(world.variant, world.account, scheduled_at=timezone.now() - dt.timedelta(minutes=i),
                                  state=P.FAILED, last_error="Reconnect the account: the token was revoked.")
        for i in range(n)
    ]  # fmt: skip


def test_a_failed_publication_is_told_to_the_author_and_the_managers(world):
    [publication] = failed(world)

    tell_people([publication.pk])

    told = Notification.objects.filter(kind=Kind.PUBLICATION_FAILED)
    assert set(told.values_list("recipient__username", flat=True)) == {"eve.editor", "mona.manager", "max.manager"}
    message = told.first().message
    assert world.item.title in message and "Reconnect the account" in message and world.account.handle in message


def test_a_burst_of_failures_is_one_notification_per_person(world):
    publications = failed(world, n=50)

    tell_people([p.pk for p in publications[:25]])
    tell_people([p.pk for p in publications[25:]])  # a second batch while the first is unread

    assert Notification.objects.filter(kind=Kind.PUBLICATION_FAILED).count() == 3
    assert "25 publication(s) failed" in Notification.objects.filter(kind=Kind.PUBLICATION_FAILED).first().message


def test_after_reading_it_a_new_failure_is_told_again(world):
    first, second = failed(world, n=2)
    tell_people([first.pk])
    Notification.objects.update(read_at=timezone.now())

    tell_people([second.pk])

    assert Notification.objects.filter(kind=Kind.PUBLICATION_FAILED, read_at__isnull=True).count() == 3


def test_a_publication_that_went_out_is_not_told(world):
    published = builders.make_publication(world.variant, world.account, state=P.PUBLISHED, remote_id="1")

    assert tell_people([published.pk]) == 0


def test_the_dispatcher_tells_people_about_what_it_expired(world, django_capture_on_commit_callbacks):
    world.item.author = world.editor
    world.item.save()
    now = timezone.now()
    builders.make_publication(world.variant, world.account, scheduled_at=now - dt.timedelta(hours=2),
                              latest_acceptable_at=now - dt.timedelta(hours=1))  # fmt: skip

    with django_capture_on_commit_callbacks() as callbacks:
        tick = dispatch_due(now)

    assert tick.expired == 1
    assert len(callbacks) == 1  # tell_people, handed to a worker after the commit
    tell_people(Publication.objects.filter(state=P.EXPIRED).values_list("pk", flat=True))
    assert Notification.objects.filter(kind=Kind.PUBLICATION_EXPIRED).count() == 3
