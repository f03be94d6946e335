"""Signing in through the real pages, and codes from a real authenticator computation."""

from __future__ import annotations

import time

from django.http import HttpResponse
from django.test import Client
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests import builders


def sign_in(client: Client, username: str, password: str = builders.PASSWORD) -> HttpResponse:
    return client.post(reverse("login"), {"username": username, "password": password})


def code_of(device: TOTPDevice, steps_ahead: int = 0) -> str:
    """The code an authenticator app holding the device's secret shows now (or some 30-second steps later)."""
    device.refresh_from_db()
    value = totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits, drift=steps_ahead)
    return f"{value:0{device.digits}d}"


def authenticator_of(user: object) -> TOTPDevice:
    """A confirmed authenticator app, as enrolment leaves it."""
    return TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=True)


def wait_out_throttle() -> None:
    """django-otp refuses any code for a second after a wrong one."""
    time.sleep(1.1)
