"""The sandbox page: what each account received, to the millisecond, and the faults waiting."""

from __future__ import annotations

import datetime as dt

from django.test import Client

from publishing.sandbox.models import SandboxPost


def logged_in(user: object) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_timeline_shows_posts_deletions_and_faults(world, sandbox, sandbox_for):
    kept = sandbox.publish("Get your flu jab.", key="key-kept").json()["id"]
    gone = sandbox.publish("Wrong date, deleted.", key="key-gone").json()["id"]
    sandbox.delete(f"posts/{gone}")
    sandbox.add_fault("rate_limit", remaining=3)
    sandbox_for("x").publish("On X too.")
    received = dt.datetime(2026, 3, 1, 9, 30, 15, 123456, tzinfo=dt.UTC)
    SandboxPost.objects.filter(remote_id=kept).update(received_at=received)

    response = logged_in(world.admin).get("/sandbox/")

    assert response.status_code == 200
    page = response.text
    assert "Get your flu jab." in page and "On X too." in page
    assert "2026-03-01 09:30:15.123" in page
    assert "key-kept" in page and "key-gone" in page
    assert f'id="post-{gone}"' in page and "deleted" in page
    assert "rate_limit" in page and "3 left" in page
    assert "token-of-the-ministry" not in page


def test_the_timeline_is_for_staff(world):
    assert logged_in(world.editor).get("/sandbox/").status_code == 403


def test_the_timeline_asks_for_sign_in_first(db):
    response = Client().get("/sandbox/")

    assert response.status_code == 302
    assert response.url.startswith("/accounts/login/")


def test_an_empty_sandbox_says_so(world):
    response = logged_in(world.admin).get("/sandbox/")

    assert response.status_code == 200
    assert "Nothing received yet" in response.text
