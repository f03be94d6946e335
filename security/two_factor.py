"""Two-factor sign-in with an authenticator app (TOTP, django-otp) and backup codes.

A person enrols by scanning a QR code (or typing the secret) and confirming with a code from
the app; they then get ten single-use backup codes. At sign-in, after the password, a session
is "verified" once a code from the app or a backup code has been given (django-otp's
`otp_device_id` in the session); until then the middleware lets it reach nothing but that step.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass
from typing import Any

import qrcode
import qrcode.image.svg
from django.db import transaction
from django.http import HttpRequest
from django.utils.translation import gettext as _
from django_otp import login as otp_login
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from security import policy

APP_DEVICE_NAME = "Authenticator app"
BACKUP_DEVICE_NAME = "Backup codes"
BACKUP_CODE_COUNT = 10
TOTP_DIGITS = 6  # django-otp's default, which authenticator apps expect


class TwoFactorError(Exception):
    """A refusal to show the person, naming the field it is about."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message


@dataclass(frozen=True)
class Enrolment:
    device: TOTPDevice
    secret: str  # base32, as authenticator apps take it when typed
    qr_svg: str


def is_enrolled(user: Any) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def pending_step(user: Any) -> str | None:
    """What a signed-in session still owes: "verify" (a code), "enrol" (the policy asks for it), or None."""
    if not user.is_authenticated or user.is_verified():
        return None
    # Backup codes alone do not count: they back up an authenticator, and go when it is removed.
    if is_enrolled(user):
        return "verify"
    if policy.two_factor_required(user):
        return "enrol"
    return None


def start_enrolment(user: Any) -> Enrolment:
    """The unconfirmed authenticator of `user`, made now or kept from an earlier visit to the page."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("-pk").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=APP_DEVICE_NAME, confirmed=False)
    url = device.config_url
    svg = qrcode.make(url, image_factory=qrcode.image.svg.SvgPathFillImage, box_size=12, border=4)
    return Enrolment(
        device=device,
        secret=base64.b32encode(device.bin_key).decode(),
        qr_svg=svg.to_string(encoding="unicode"),
    )


def confirm_enrolment(request: HttpRequest, token: str) -> list[str]:
    """Confirms the pending authenticator with a code from it; returns the new backup codes.

    The session counts as verified from now on; any earlier authenticator of the person is removed.
    """
    user = request.user
    with transaction.atomic():
        device = TOTPDevice.objects.select_for_update().filter(user=user, confirmed=False).order_by("-pk").first()
        if device is None:
            raise TwoFactorError("code", _("Start again: there is no authenticator waiting to be confirmed."))
        _check_allowed(device)
        confirmed = device.verify_token(_digits(token))
        if confirmed:
            TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
            device.confirmed = True
            device.save(update_fields=["confirmed"])
            codes = _replace_backup_codes(user)
    # Outside the transaction, so that the failure counted by the throttle stays counted.
    if not confirmed:
        raise TwoFactorError("code", _("That code is not the one the app shows now; try the current one."))
    otp_login(request, device)
    return codes


def verify(request: HttpRequest, token: str) -> None:
    """Verifies the session with a code from the authenticator app or a backup code (used up)."""
    user = request.user
    code = token.strip().replace(" ", "").replace("-", "")
    if not code:
        raise TwoFactorError("code", _("Enter the code your authenticator app shows, or a backup code."))
    # A code is tried on one kind of device only: a wrong try counts against the device's throttle, and a
    # backup code must not hold back the app's next code (nor an app code the backup codes).
    kind = TOTPDevice if code.isdigit() and len(code) == TOTP_DIGITS else StaticDevice
    with transaction.atomic():
        devices = list(kind.objects.select_for_update().filter(user=user, confirmed=True))
        for device in devices:
            _check_allowed(device)
        matched = next((device for device in devices if device.verify_token(code)), None)
    if matched is None:
        raise TwoFactorError("code", _("That code is not right. Check the app's current code and try again."))
    otp_login(request, matched)


def regenerate_backup_codes(user: Any) -> list[str]:
    """New backup codes for an enrolled person; the old ones stop working."""
    if not is_enrolled(user):
        raise TwoFactorError("code", _("Set up an authenticator app first."))
    with transaction.atomic():
        return _replace_backup_codes(user)


def remaining_backup_codes(user: Any) -> int:
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


def forget_devices(users: Any) -> None:
    """Removes the authenticators and backup codes of `users` (a queryset or list of users)."""
    TOTPDevice.objects.filter(user__in=users).delete()
    StaticDevice.objects.filter(user__in=users).delete()


def disable(user: Any) -> None:
    """Removes the person's authenticator and backup codes, unless their organisation requires them."""
    if policy.two_factor_required(user):
        raise TwoFactorError(
            "code", _("Your organisation requires two-factor sign-in of managers and admins; it cannot be turned off.")
        )
    forget_devices([user])


def _replace_backup_codes(user: Any) -> list[str]:
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name=BACKUP_DEVICE_NAME, confirmed=True)
    codes = [StaticToken.random_token() for _ in range(BACKUP_CODE_COUNT)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    return codes


def _check_allowed(device: Any) -> None:
    allowed, _details = device.verify_is_allowed()
    if not allowed:
        raise TwoFactorError("code", _("Too many wrong codes in a row: wait a few seconds, then try again."))


def _digits(token: str) -> str:
    return token.strip().replace(" ", "")
