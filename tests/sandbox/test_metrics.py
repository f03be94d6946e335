"""Metrics grow with a post's age, the same way every time, so the demo shows curves."""

from __future__ import annotations

import datetime as dt
import itertools

from django.utils import timezone

from publishing.sandbox import services
from publishing.sandbox.models import SandboxPost

FIGURES = ["impressions", "likes", "shares", "replies", "clicks"]


def aged(post_id: str, age: dt.timedelta) -> None:
    SandboxPost.objects.filter(remote_id=post_id).update(received_at=timezone.now() - age)


def test_metrics_grow_with_the_posts_age(sandbox):
    post_id = sandbox.publish("Donate blood today.", link="https://example.org/donate").json()["id"]
    readings = []
    for age in [dt.timedelta(0), dt.timedelta(minutes=1), dt.timedelta(hours=1), dt.timedelta(days=2)]:
        aged(post_id, age)
        response = sandbox.get(f"posts/{post_id}/metrics")
        assert response.status_code == 200
        readings.append(response.json())

    assert sorted(readings[0]) == sorted(FIGURES)
    assert readings[0]["impressions"] <= 1
    for earlier, later in itertools.pairwise(readings):
        assert all(later[name] >= earlier[name] for name in FIGURES), (earlier, later)
    assert readings[1]["impressions"] < readings[2]["impressions"] < readings[3]["impressions"]
    assert readings[3]["likes"] > 0 and readings[3]["clicks"] > 0


def test_the_same_post_at_the_same_age_has_the_same_figures(sandbox):
    sandbox.publish("A", link="https://example.org")
    sandbox.publish("B", link="https://example.org")
    first, second = SandboxPost.objects.all()
    at = first.received_at + dt.timedelta(minutes=30)

    assert services.metrics_for(first, at) == services.metrics_for(first, at)
    assert services.metrics_for(first, at) != services.metrics_for(
        second, second.received_at + dt.timedelta(minutes=30)
    )


def test_a_post_without_a_link_gets_no_clicks(sandbox):
    post_id = sandbox.publish("No link here.").json()["id"]
    aged(post_id, dt.timedelta(days=1))

    assert sandbox.get(f"posts/{post_id}/metrics").json()["clicks"] == 0


def test_a_deleted_post_has_no_metrics(sandbox):
    post_id = sandbox.publish().json()["id"]
    sandbox.delete(f"posts/{post_id}")

    assert sandbox.get(f"posts/{post_id}/metrics").status_code == 404


def test_a_post_stored_with_its_audience_and_pace_grows_towards_that_audience_at_that_pace(sandbox):
    post_id = sandbox.publish("Seeded history.", link="https://example.org").json()["id"]
    SandboxPost.objects.filter(remote_id=post_id).update(payload={"audience": 123_456, "half_life_s": 86_400})
    post = SandboxPost.objects.get(remote_id=post_id)

    assert services.metrics_for(post, post.received_at + dt.timedelta(days=1))["impressions"] == 61_728
    assert 123_000 < services.metrics_for(post, post.received_at + dt.timedelta(days=365))["impressions"] <= 123_456
