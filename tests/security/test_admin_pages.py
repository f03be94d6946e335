"""The admin's lockout and device pages: an organisation admin sees and resets its own members only."""

from __future__ import annotations

from django.test import Client
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.security.signing_in import authenticator_of, sign_in


def admin_client(user: object) -> Client:
    client = Client()
    client.force_login(user)
    return client


def lock(username: str, settings: object) -> None:
    client = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        sign_in(client, username, "wrong")


def test_an_organisation_admin_lists_its_members_lockouts_only(world, settings):
    lock("eve.editor", settings)
    lock("otto.outsider", settings)
    lock("nobody-at-all", settings)

    page = admin_client(world.admin).get(reverse("admin:axes_accessattempt_changelist")).text

    assert "eve.editor" in page
    assert "otto.outsider" not in page
    assert "nobody-at-all" not in page


def test_deleting_a_lockout_in_the_admin_unlocks(world, settings):
    from axes.models import AccessAttempt

    lock("eve.editor", settings)
    attempt = AccessAttempt.objects.get(username="eve.editor")
    client = admin_client(world.admin)

    response = client.post(reverse("admin:axes_accessattempt_delete", args=[attempt.pk]), {"post": "yes"})

    assert response.status_code == 302
    assert sign_in(Client(), "eve.editor").status_code == 302


def test_another_organisations_lockout_is_not_found(world, settings):
    from axes.models import AccessAttempt

    lock("otto.outsider", settings)
    attempt = AccessAttempt.objects.get(username="otto.outsider")
    client = admin_client(world.admin)

    client.post(reverse("admin:axes_accessattempt_delete", args=[attempt.pk]), {"post": "yes"})

    assert AccessAttempt.objects.filter(pk=attempt.pk).exists()


def test_an_admin_resets_a_members_lost_authenticator_without_seeing_its_secret(world):
    device = authenticator_of(world.editor)
    outsiders = authenticator_of(world.outsider)
    client = admin_client(world.admin)

    listing = client.get(reverse("admin:otp_totp_totpdevice_changelist")).text
    detail = client.get(reverse("admin:otp_totp_totpdevice_change", args=[device.pk])).text
    client.post(reverse("admin:otp_totp_totpdevice_delete", args=[outsiders.pk]), {"post": "yes"})
    client.post(reverse("admin:otp_totp_totpdevice_delete", args=[device.pk]), {"post": "yes"})

    assert "eve.editor" in listing
    assert "otto.outsider" not in listing
    assert device.key not in detail
    assert not TOTPDevice.objects.filter(pk=device.pk).exists()
    assert TOTPDevice.objects.filter(pk=outsiders.pk).exists()


def test_a_member_whose_authenticator_was_removed_signs_in_with_the_password_alone(world):
    from django_otp.plugins.otp_static.models import StaticDevice

    device = authenticator_of(world.editor)
    StaticDevice.objects.create(user=world.editor, name="Backup codes", confirmed=True)

    admin_client(world.admin).post(reverse("admin:otp_totp_totpdevice_delete", args=[device.pk]), {"post": "yes"})

    assert not StaticDevice.objects.filter(user=world.editor).exists()
    client = Client()
    sign_in(client, "eve.editor")
    assert client.get(reverse("home")).status_code == 200


def test_an_organisation_admin_cannot_add_a_device_for_someone(world):
    client = admin_client(world.admin)

    assert client.get(reverse("admin:otp_totp_totpdevice_add")).status_code == 403
