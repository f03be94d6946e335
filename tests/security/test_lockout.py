"""Lockout after repeated failed sign-ins (django-axes), its page, its expiry and unlocking."""

from __future__ import annotations

import datetime as dt
from io import StringIO

import pytest
from axes.models import AccessAttempt
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from tests import builders
from tests.security.signing_in import sign_in

WRONG = "not-the-password"


@pytest.fixture(autouse=True)
def limits(settings: object) -> None:
    settings.AXES_FAILURE_LIMIT = 5
    settings.AXES_COOLOFF_TIME = dt.timedelta(minutes=15)


def fail(client: Client, username: str, times: int) -> list[int]:
    return [sign_in(client, username, WRONG).status_code for _ in range(times)]


def test_the_fifth_failure_locks_the_username_with_a_clear_page(world):
    client = Client()

    statuses = fail(client, "eve.editor", 5)

    assert statuses == [200, 200, 200, 200, 429]
    page = sign_in(client, "eve.editor", WRONG).text
    assert "Sign-in locked for now" in page
    assert "After 5 failed sign-ins in a row" in page
    assert "Try again in 15 minutes" in page


def test_a_locked_username_is_refused_even_with_the_right_password(world):
    client = Client()
    fail(client, "eve.editor", 5)

    response = sign_in(client, "eve.editor")

    assert response.status_code == 429
    assert client.get(reverse("home")).status_code == 302  # not signed in


def test_the_lockout_is_per_username(world):
    client = Client()
    fail(client, "eve.editor", 5)

    response = sign_in(client, "mona.manager")

    assert response.status_code == 302
    assert response.url == reverse("home")


def test_a_success_resets_the_count(world):
    client = Client()
    fail(client, "eve.editor", 4)
    assert sign_in(client, "eve.editor").status_code == 302
    client.post(reverse("logout"))

    assert fail(client, "eve.editor", 4) == [200] * 4
    assert sign_in(client, "eve.editor").status_code == 302


def test_the_lockout_ends_after_its_minutes(world):
    client = Client()
    fail(client, "eve.editor", 5)

    AccessAttempt.objects.filter(username="eve.editor").update(
        attempt_time=dt.datetime.now(dt.UTC) - dt.timedelta(minutes=16)
    )

    assert sign_in(client, "eve.editor").status_code == 302


def test_the_limit_comes_from_the_settings(world, settings):
    settings.AXES_FAILURE_LIMIT = 2

    assert fail(Client(), "eve.editor", 2) == [200, 429]


def test_an_organisation_admin_sees_and_unlocks_a_locked_member(world):
    fail(Client(), "eve.editor", 5)
    admin = Client()
    admin.force_login(world.admin)

    page = admin.get(reverse("sign_in_policy", args=[world.ministry.pk])).text
    assert "Unlock eve.editor" in page
    response = admin.post(reverse("sign_in_unlock", args=[world.ministry.pk]), {"username": "eve.editor"})

    assert response.status_code == 302
    assert sign_in(Client(), "eve.editor").status_code == 302
    assert "No member is locked out" in admin.get(reverse("sign_in_policy", args=[world.ministry.pk])).text


def test_an_admin_cannot_unlock_someone_of_another_organisation(world):
    fail(Client(), "otto.outsider", 5)
    admin = Client()
    admin.force_login(world.admin)

    response = admin.post(reverse("sign_in_unlock", args=[world.ministry.pk]), {"username": "otto.outsider"})

    assert response.status_code == 403
    assert sign_in(Client(), "otto.outsider").status_code == 429
    page = admin.get(reverse("sign_in_policy", args=[world.ministry.pk])).text
    assert "otto.outsider" not in page


def test_a_manager_may_not_unlock(world):
    fail(Client(), "eve.editor", 5)
    manager = Client()
    manager.force_login(world.manager)

    response = manager.post(reverse("sign_in_unlock", args=[world.ministry.pk]), {"username": "eve.editor"})

    assert response.status_code == 403
    assert sign_in(Client(), "eve.editor").status_code == 429


def test_the_operator_unlocks_with_the_axes_command(world):
    fail(Client(), "eve.editor", 5)

    call_command("axes_reset_username", "eve.editor", stdout=StringIO())

    assert sign_in(Client(), "eve.editor").status_code == 302


def test_the_admin_site_sign_in_is_counted_too(world):
    client = Client()
    url = reverse("admin:login")

    statuses = [client.post(url, {"username": "ada.admin", "password": WRONG}).status_code for _ in range(5)]

    assert statuses[-1] == 429
    assert client.post(url, {"username": "ada.admin", "password": builders.PASSWORD}).status_code == 429


def test_the_lockout_page_speaks_the_persons_language(world):
    client = Client(HTTP_ACCEPT_LANGUAGE="ar")

    fail(client, "eve.editor", 5)
    page = sign_in(client, "eve.editor").text

    assert 'dir="rtl"' in page
    assert "تسجيل الدخول مقفل مؤقتًا" in page
    assert "حاول مرة أخرى بعد 15 دقيقة." in page
