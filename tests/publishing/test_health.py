"""The engine's health, for monitors (/health/) and people (/status/)."""

from __future__ import annotations

import datetime as dt

from django.test import Client
from django.urls import reverse
from django.utils import timezone

from publishing.models import Heartbeat, Publication
from tests import builders


def test_health_is_503_when_the_dispatcher_is_silent(db):
    response = Client().get(reverse("health"))

    assert response.status_code == 503
    assert "dispatcher" in response.json()["problems"][0]


def engine_alive() -> None:
    for name in ("dispatcher", "queue:publish", "queue:default"):
        Heartbeat.objects.create(name=name, beat_at=timezone.now())


def test_health_is_200_when_the_dispatcher_ticks_each_queue_answers_and_nothing_is_late(db):
    engine_alive()

    response = Client().get(reverse("health"))

    assert response.status_code == 200
    assert response.json()["healthy"] is True


def test_a_queue_without_a_worker_is_reported(db):
    engine_alive()
    Heartbeat.objects.filter(name="queue:publish").update(beat_at=timezone.now() - dt.timedelta(minutes=5))

    response = Client().get(reverse("health"))

    assert response.status_code == 503
    assert response.json()["problems"] == [
        "No worker has answered on the publish queue recently: is its worker (and the beat) running?"
    ]


def test_a_publication_overdue_by_more_than_a_minute_is_reported(world):
    engine_alive()
    builders.make_publication(world.variant, world.account, scheduled_at=timezone.now() - dt.timedelta(minutes=5))

    body = Client().get(reverse("health")).json()
    client = Client()
    client.force_login(world.editor)
    page = client.get(reverse("status")).text

    assert body["overdue"] == 1 and not body["healthy"]
    assert world.item.title in page


def test_a_retry_waiting_for_its_time_is_not_overdue(world):
    engine_alive()
    builders.make_publication(world.variant, world.account, scheduled_at=timezone.now() - dt.timedelta(minutes=5),
                              state=Publication.State.RETRYING, next_attempt_at=timezone.now() + dt.timedelta(minutes=1))  # fmt: skip

    assert Client().get(reverse("health")).json()["overdue"] == 0
