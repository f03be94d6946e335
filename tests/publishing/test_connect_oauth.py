"""Connecting an account on the other platforms: OAuth 2 with PKCE, the app's client from settings."""

from __future__ import annotations

import pytest
from django.urls import reverse

from publishing.connect import providers
from publishing.models import SocialAccount
from publishing.sandbox.models import SandboxAccount
from tests import consent


def test_without_a_client_configured_the_page_says_what_to_configure(world, client, settings):
    settings.PLANNER_OAUTH_CLIENTS = {}
    client.force_login(world.manager)

    page = client.get(reverse("accounts")).content.decode()
    response = client.post(
        reverse("account_connect_oauth"), {"organisation": world.ministry.pk, "platform": "x", "handle": "@h"}
    )

    assert "X is not set up on this installation yet" in page and "PLANNER_OAUTH_CLIENTS" in page
    assert "redirect URL http://testserver/accounts/connected/callback/" in page
    assert response.status_code == 400 and "PLANNER_OAUTH_CLIENTS" in response.content.decode()


def test_every_other_platform_has_its_endpoints_and_scopes():
    assert set(providers.PROVIDERS) == {"x", "linkedin", "youtube", "facebook", "instagram", "threads"}
    assert all(p.authorize_url.startswith("https://") and p.token_url.startswith("https://") and p.scopes
               for p in providers.PROVIDERS.values())  # fmt: skip


@pytest.fixture
def x_on_sandbox(world, live_server, transactional_db, client, settings):
    sandbox = f"{live_server.url}/sandbox/x/"
    settings.PLANNER_OAUTH_CLIENTS = consent.sandbox_clients(live_server.url, "x")
    client.force_login(world.manager)
    world.sandbox = sandbox
    return world


def test_an_x_account_connects_through_oauth_with_pkce(x_on_sandbox, client):
    world = x_on_sandbox
    response = client.post(
        reverse("account_connect_oauth"),
        {"organisation": world.ministry.pk, "platform": "x", "handle": "@HealthMinistry"},
    )
    assert response.status_code == 302 and "code_challenge_method=S256" in response["Location"]

    done = client.get(consent.decide(response["Location"]))

    assert done.status_code == 302
    account = SocialAccount.objects.get(platform="x")
    remote = SandboxAccount.objects.get(platform="x", token=account.credentials["access_token"])
    assert account.handle == f"@sandbox{remote.pk}" and account.api_base_url == world.sandbox  # X's, not the typed one
    assert account.credentials["refresh_token"] and account.credentials["client_id"] == "planner-demo"


def test_nothing_needs_typing_the_platform_says_which_account_it_is(x_on_sandbox, client):
    world = x_on_sandbox
    response = client.post(reverse("account_connect_oauth"), {"organisation": world.ministry.pk, "platform": "x"})

    client.get(consent.decide(response["Location"]))

    account = SocialAccount.objects.get(platform="x")
    assert account.handle == f"@sandbox{SandboxAccount.objects.get(platform='x').pk}"


def test_an_unknown_platform_is_not_connected_this_way(world, client):
    client.force_login(world.manager)

    response = client.post(reverse("account_connect_oauth"), {"platform": "myspace", "handle": "@h"})

    assert response.status_code == 400 and "not connected this way" in response.content.decode()
