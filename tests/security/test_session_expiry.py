"""Sessions end after PLANNER_SESSION_IDLE_MINUTES without a request and PLANNER_SESSION_MAX_HOURS after sign-in."""

from __future__ import annotations

import time

import pytest
from django.test import Client
from django.urls import reverse

from security.sessions import SEEN_AT, SIGNED_IN_AT
from tests.security.signing_in import sign_in

MINUTE_S = 60.0
HOUR_S = 3600.0


@pytest.fixture(autouse=True)
def limits(settings: object) -> None:
    settings.PLANNER_SESSION_IDLE_MINUTES = 60
    settings.PLANNER_SESSION_MAX_HOURS = 12


def signed_in(username: str = "eve.editor") -> Client:
    client = Client()
    sign_in(client, username)
    return client


def set_clock(client: Client, *, signed_in_ago_s: float, seen_ago_s: float) -> None:
    session = client.session
    now = time.time()
    session[SIGNED_IN_AT] = now - signed_in_ago_s
    session[SEEN_AT] = now - seen_ago_s
    session.save()


def test_signing_in_starts_the_clock(world):
    before = time.time()
    client = signed_in()

    assert before <= client.session[SIGNED_IN_AT] <= time.time()
    assert client.session[SEEN_AT] == client.session[SIGNED_IN_AT]


def test_a_session_idle_for_longer_than_the_limit_is_signed_out(world):
    client = signed_in()
    set_clock(client, signed_in_ago_s=2 * HOUR_S, seen_ago_s=61 * MINUTE_S)

    response = client.get(reverse("home"))

    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))
    page = client.get(response.url).text
    assert "signed out after a while without activity" in page
    assert client.get(reverse("home")).status_code == 302


def test_a_session_used_within_the_idle_limit_goes_on_and_its_activity_is_noted(world):
    client = signed_in()
    set_clock(client, signed_in_ago_s=5 * HOUR_S, seen_ago_s=59 * MINUTE_S)
    before = time.time()

    assert client.get(reverse("home")).status_code == 200

    assert client.session[SEEN_AT] >= before


def test_a_session_ends_at_its_maximum_age_however_busy(world):
    client = signed_in()
    set_clock(client, signed_in_ago_s=12 * HOUR_S + 1, seen_ago_s=1)

    response = client.get(reverse("home"))

    assert response.status_code == 302
    assert "maximum length" in client.get(response.url).text


def test_the_limits_come_from_the_settings(world, settings):
    settings.PLANNER_SESSION_IDLE_MINUTES = 5
    client = signed_in()
    set_clock(client, signed_in_ago_s=6 * MINUTE_S, seen_ago_s=6 * MINUTE_S)

    assert client.get(reverse("home")).status_code == 302


def test_the_cookie_lasts_no_longer_than_the_maximum():
    from django.conf import settings as live

    assert live.SESSION_COOKIE_AGE == live.PLANNER_SESSION_MAX_HOURS * 3600
