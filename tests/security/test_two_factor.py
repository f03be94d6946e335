"""Two-factor sign-in: enrolling an authenticator app, signing in with its codes, backup codes."""

from __future__ import annotations

import re

from django.test import Client
from django.urls import reverse
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.security.signing_in import authenticator_of, code_of, sign_in, wait_out_throttle


def signed_in(user: object) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_enrolment_page_shows_a_qr_code_and_the_secret_as_text(world):
    client = signed_in(world.editor)

    page = client.get(reverse("two_factor_enrol")).text

    device = TOTPDevice.objects.get(user=world.editor)
    assert not device.confirmed
    assert "<svg" in page
    secret = re.search(r'<code class="secret" dir="ltr">([A-Z2-7]+)</code>', page).group(1)
    assert len(secret) == 32  # 20 random bytes in base32
    # Visiting again keeps the same secret, so that an app already scanned stays right.
    assert secret in client.get(reverse("two_factor_enrol")).text
    assert TOTPDevice.objects.filter(user=world.editor).count() == 1


def test_enrolment_is_confirmed_with_a_code_from_the_app_and_gives_backup_codes(world):
    client = signed_in(world.editor)
    client.get(reverse("two_factor_enrol"))
    device = TOTPDevice.objects.get(user=world.editor)

    response = client.post(reverse("two_factor_enrol"), {"code": code_of(device)})

    assert response.status_code == 200
    assert "Your backup codes" in response.text
    device.refresh_from_db()
    assert device.confirmed
    codes = re.findall(r"<li><code>([a-z0-9]+)</code></li>", response.text)
    assert len(codes) == 10
    assert sorted(codes) == sorted(
        StaticToken.objects.filter(device__user=world.editor).values_list("token", flat=True)
    )
    assert client.get(reverse("home")).status_code == 200  # this session is verified


def test_a_wrong_code_does_not_confirm_the_enrolment(world):
    client = signed_in(world.editor)
    client.get(reverse("two_factor_enrol"))
    device = TOTPDevice.objects.get(user=world.editor)
    wrong = f"{(int(code_of(device)) + 1) % 1_000_000:06d}"

    response = client.post(reverse("two_factor_enrol"), {"code": wrong})

    assert response.status_code == 200
    assert "That code is not the one the app shows now" in response.text
    device.refresh_from_db()
    assert not device.confirmed
    assert not StaticToken.objects.filter(device__user=world.editor).exists()


def test_signing_in_asks_for_the_code_after_the_password(world):
    device = authenticator_of(world.editor)
    client = Client()

    response = sign_in(client, "eve.editor")
    assert response.status_code == 302
    home = client.get(reverse("home"))
    assert home.status_code == 302
    assert home.url == reverse("two_factor_verify") + "?next=%2F"
    assert "Enter your sign-in code" in client.get(home.url).text

    verified = client.post(reverse("two_factor_verify"), {"code": code_of(device), "next": "/"})

    assert verified.status_code == 302
    assert verified.url == "/"
    assert "Flu vaccination" in client.get(reverse("home")).text


def test_a_wrong_code_is_refused_and_the_session_stays_unverified(world):
    device = authenticator_of(world.editor)
    client = Client()
    sign_in(client, "eve.editor")
    wrong = f"{(int(code_of(device)) + 500_000) % 1_000_000:06d}"

    response = client.post(reverse("two_factor_verify"), {"code": wrong})

    assert response.status_code == 200
    assert "That code is not right" in response.text
    assert client.get(reverse("home")).status_code == 302
    assert client.get(reverse("campaign_detail", args=[world.campaign.pk])).status_code == 302


def test_codes_in_quick_succession_after_a_wrong_one_are_held_back(world):
    device = authenticator_of(world.editor)
    client = Client()
    sign_in(client, "eve.editor")
    client.post(reverse("two_factor_verify"), {"code": "000000" if code_of(device) != "000000" else "111111"})

    held = client.post(reverse("two_factor_verify"), {"code": code_of(device)})
    assert "Too many wrong codes" in held.text

    wait_out_throttle()
    assert client.post(reverse("two_factor_verify"), {"code": code_of(device)}).status_code == 302


def test_a_used_code_cannot_be_used_again(world):
    device = authenticator_of(world.editor)
    code = code_of(device)
    first = Client()
    sign_in(first, "eve.editor")
    assert first.post(reverse("two_factor_verify"), {"code": code}).status_code == 302

    second = Client()
    sign_in(second, "eve.editor")
    response = second.post(reverse("two_factor_verify"), {"code": code})

    assert "That code is not right" in response.text


def test_enrol_then_sign_in_again_with_the_next_code(world):
    client = signed_in(world.editor)
    client.get(reverse("two_factor_enrol"))
    device = TOTPDevice.objects.get(user=world.editor)
    client.post(reverse("two_factor_enrol"), {"code": code_of(device)})
    client.post(reverse("logout"))

    sign_in(client, "eve.editor")
    assert client.get(reverse("home")).status_code == 302
    # The code just used is spent; the app's next one (30 s on) is accepted within the tolerance.
    assert client.post(reverse("two_factor_verify"), {"code": code_of(device, steps_ahead=1)}).status_code == 302
    assert client.get(reverse("home")).status_code == 200


def test_a_backup_code_signs_in_once(world):
    client = signed_in(world.editor)
    client.get(reverse("two_factor_enrol"))
    device = TOTPDevice.objects.get(user=world.editor)
    page = client.post(reverse("two_factor_enrol"), {"code": code_of(device)}).text
    backup = re.findall(r"<li><code>([a-z0-9]+)</code></li>", page)[0]
    client.post(reverse("logout"))

    sign_in(client, "eve.editor")
    assert client.post(reverse("two_factor_verify"), {"code": backup}).status_code == 302
    assert client.get(reverse("home")).status_code == 200
    assert StaticToken.objects.filter(device__user=world.editor).count() == 9

    again = Client()
    sign_in(again, "eve.editor")
    assert "That code is not right" in again.post(reverse("two_factor_verify"), {"code": backup}).text


def test_someone_with_only_the_password_cannot_add_an_authenticator(world):
    authenticator_of(world.editor)
    client = Client()
    sign_in(client, "eve.editor")

    response = client.get(reverse("two_factor_enrol"))

    assert response.status_code == 302
    assert response.url.startswith(reverse("two_factor_verify"))
    assert TOTPDevice.objects.filter(user=world.editor).count() == 1


def test_an_unverified_session_gets_a_clear_refusal_from_the_api(world):
    authenticator_of(world.editor)
    client = Client()
    sign_in(client, "eve.editor")

    response = client.get("/api/items/")

    assert response.status_code == 403
    assert response.json()["errors"][0]["code"] == "two_factor_required"


def test_new_backup_codes_replace_the_old_ones(world):
    client = signed_in(world.editor)
    client.get(reverse("two_factor_enrol"))
    device = TOTPDevice.objects.get(user=world.editor)
    first = re.findall(
        r"<li><code>([a-z0-9]+)</code></li>", client.post(reverse("two_factor_enrol"), {"code": code_of(device)}).text
    )

    second = re.findall(r"<li><code>([a-z0-9]+)</code></li>", client.post(reverse("two_factor_backup_codes")).text)

    assert len(second) == 10
    assert not set(first) & set(second)
    assert set(StaticToken.objects.filter(device__user=world.editor).values_list("token", flat=True)) == set(second)


def test_two_factor_can_be_turned_off_when_not_required(world):
    client = signed_in(world.editor)
    client.get(reverse("two_factor_enrol"))
    device = TOTPDevice.objects.get(user=world.editor)
    client.post(reverse("two_factor_enrol"), {"code": code_of(device)})

    client.post(reverse("two_factor_disable"))

    assert not TOTPDevice.objects.filter(user=world.editor).exists()
    assert "Two-factor sign-in is off" in client.get(reverse("two_factor")).text
