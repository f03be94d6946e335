"""An organisation's sign-in policy: two-factor required of its managers and admins."""

from __future__ import annotations

from django.test import Client
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from api.tokens import issue_token
from security.models import SignInPolicy
from tests.api.conftest import client_with_token
from tests.security.signing_in import code_of, sign_in


def require_two_factor(organisation: object) -> None:
    SignInPolicy.objects.create(organisation=organisation, require_two_factor_for_managers=True)


def test_a_manager_is_sent_to_enrol_before_anything_else(world):
    require_two_factor(world.ministry)
    client = Client()
    sign_in(client, "mona.manager")

    for url in (reverse("home"), reverse("review_queue"), reverse("campaign_detail", args=[world.campaign.pk])):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response.url.startswith(reverse("two_factor_enrol") + "?next=")
    page = client.get(reverse("two_factor_enrol")).text
    assert "Your organisation requires managers and admins to sign in with a second factor" in page


def test_after_enrolling_the_manager_reaches_the_page_asked_for(world):
    require_two_factor(world.ministry)
    client = Client()
    sign_in(client, "mona.manager")
    client.get(reverse("two_factor_enrol"))
    device = TOTPDevice.objects.get(user=world.manager)

    page = client.post(reverse("two_factor_enrol"), {"code": code_of(device), "next": reverse("review_queue")})

    assert f'href="{reverse("review_queue")}"' in page.text  # past the backup codes
    assert client.get(reverse("review_queue")).status_code == 200


def test_admins_are_obliged_too_and_contributors_and_editors_are_not(world):
    require_two_factor(world.ministry)

    for user, obliged in [(world.admin, True), (world.contributor, False), (world.editor, False)]:
        client = Client()
        sign_in(client, user.username)
        assert (client.get(reverse("home")).status_code == 302) is obliged, user.username


def test_another_organisations_policy_does_not_apply(world):
    require_two_factor(world.clinic)
    client = Client()
    sign_in(client, "mona.manager")

    assert client.get(reverse("home")).status_code == 200


def test_the_requirement_cannot_be_turned_off_by_the_person(world):
    require_two_factor(world.ministry)
    client = Client()
    sign_in(client, "mona.manager")
    client.get(reverse("two_factor_enrol"))
    client.post(reverse("two_factor_enrol"), {"code": code_of(TOTPDevice.objects.get(user=world.manager))})

    client.post(reverse("two_factor_disable"))

    assert TOTPDevice.objects.filter(user=world.manager, confirmed=True).exists()
    assert "it cannot be turned off" in client.get(reverse("two_factor")).text


def test_api_tokens_skip_two_factor_by_design(world):
    require_two_factor(world.ministry)
    _, secret = issue_token(world.manager, "newsroom sync")

    response = client_with_token(secret).get("/api/items/")

    assert response.status_code == 200


def test_an_organisation_admin_turns_the_requirement_on_in_a_page_and_is_obliged_at_once(world):
    client = Client()
    client.force_login(world.admin)
    url = reverse("sign_in_policy", args=[world.ministry.pk])
    assert "require two-factor for managers and admins" in client.get(url).text.lower()

    response = client.post(url, {"require_two_factor_for_managers": "on"})

    assert response.status_code == 302
    assert SignInPolicy.objects.get(organisation=world.ministry).require_two_factor_for_managers
    assert client.get(url).url.startswith(reverse("two_factor_enrol"))


def test_an_enrolled_admin_turns_the_requirement_off(world):
    require_two_factor(world.ministry)
    client = Client()
    sign_in(client, "ada.admin")
    client.get(reverse("two_factor_enrol"))
    client.post(reverse("two_factor_enrol"), {"code": code_of(TOTPDevice.objects.get(user=world.admin))})

    response = client.post(reverse("sign_in_policy", args=[world.ministry.pk]), {})

    assert response.status_code == 302
    assert not SignInPolicy.objects.get(organisation=world.ministry).require_two_factor_for_managers


def test_the_policy_page_is_for_the_organisations_admins_only(world):
    url = reverse("sign_in_policy", args=[world.ministry.pk])
    manager = Client()
    manager.force_login(world.manager)
    outsider = Client()
    outsider.force_login(world.outsider)

    assert manager.post(url, {"require_two_factor_for_managers": "on"}).status_code == 403
    assert outsider.get(url).status_code == 404
    assert not SignInPolicy.objects.filter(organisation=world.ministry).exists()


def test_the_sign_in_security_page_links_an_admin_to_the_policy(world):
    client = Client()
    client.force_login(world.admin)

    page = client.get(reverse("two_factor")).text

    assert reverse("sign_in_policy", args=[world.ministry.pk]) in page
    assert reverse("sign_in_policy", args=[world.clinic.pk]) not in page


def test_the_admin_site_edits_the_policy_of_the_admins_organisation_only(world):
    SignInPolicy.objects.create(organisation=world.clinic)
    client = Client()
    client.force_login(world.admin)

    listing = client.get(reverse("admin:security_signinpolicy_changelist")).text
    assert "Clinic B" not in listing
    refused = client.post(reverse("admin:security_signinpolicy_add"), {"organisation": world.clinic.pk})
    assert refused.status_code == 200
    assert "Select a valid choice" in refused.text

    response = client.post(
        reverse("admin:security_signinpolicy_add"),
        {"organisation": world.ministry.pk, "require_two_factor_for_managers": "on"},
    )

    assert response.status_code == 302
    assert SignInPolicy.objects.get(organisation=world.ministry).require_two_factor_for_managers
