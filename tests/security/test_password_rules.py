"""Password rules: at least PLANNER_PASSWORD_MIN_LENGTH characters, and Django's validators."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from tests import builders


def change_password(user: object, new: str) -> object:
    client = Client()
    client.force_login(user)
    return client.post(
        reverse("password_change"),
        {"old_password": builders.PASSWORD, "new_password1": new, "new_password2": new},
    )


def test_the_minimum_length_is_twelve_by_default():
    assert settings.PLANNER_PASSWORD_MIN_LENGTH == 12
    with pytest.raises(ValidationError, match="at least 12 characters"):
        validate_password("Kx9#mQ2$vL7")  # 11 characters
    validate_password("Kx9#mQ2$vL7!")


def test_a_short_new_password_is_refused_with_the_reason(world):
    response = change_password(world.editor, "Kx9#mQ2$vL7")

    assert response.status_code == 200
    assert "This password is too short. It must contain at least 12 characters." in response.text


@pytest.mark.parametrize(
    ("password", "reason"),
    [
        ("password1234", "This password is too common."),
        ("834729104857", "This password is entirely numeric."),
        ("eve.editor.2026", "The password is too similar to the username."),
    ],
)
def test_djangos_validators_apply_too(world, password, reason):
    response = change_password(world.editor, password)

    assert response.status_code == 200
    assert reason in response.text


def test_a_good_password_is_accepted_and_signs_in(world):
    response = change_password(world.editor, "tram-lantern-quiet-orchard")

    assert response.status_code == 302
    assert (
        Client()
        .post(reverse("login"), {"username": "eve.editor", "password": "tram-lantern-quiet-orchard"})
        .status_code
        == 302
    )
