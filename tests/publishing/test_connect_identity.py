"""Connecting YouTube and LinkedIn: after the code exchange the adapter asks the platform whose account it is.

The whole generic OAuth flow, against the sandbox's consent page and token endpoint: the handle the person typed
gives way to the platform's own, and the credentials carry what the adapter needs to post (the channel, the
author URN) and where to refresh the token.
"""

from __future__ import annotations

import hashlib

import pytest
from django.urls import reverse

from publishing.adapters.base import Connection, TokenInvalid
from publishing.adapters.linkedin import LinkedInAdapter
from publishing.adapters.youtube import YouTubeAdapter
from publishing.models import SocialAccount
from publishing.sandbox.models import RevokedToken, SandboxAccount
from tests import consent
from tests.contracts import community, discovery
from tests.contracts.platforms import fault


@pytest.fixture
def connecting(world, live_server, transactional_db, client, settings):
    """Start connecting an account of `platform`, its OAuth client pointed to the sandbox; the consent page's URL."""
    client.force_login(world.manager)

    def start(platform: str, handle: str) -> str:
        world.sandbox = f"{live_server.url}/sandbox/{platform}/"
        settings.PLANNER_OAUTH_CLIENTS = consent.sandbox_clients(live_server.url, platform)
        form = {"organisation": world.ministry.pk, "platform": platform, "handle": handle}
        response = client.post(reverse("account_connect_oauth"), form)
        assert response.status_code == 302, response.content.decode()[:500]
        return response["Location"]

    return start


def test_a_youtube_channel_is_connected_under_its_own_handle_and_title(world, connecting, client):
    authorize = connecting("youtube", "Ministry channel")
    assert "youtube.force-ssl" in authorize  # commentThreads.insert needs it

    done = client.get(consent.decide(authorize))

    assert done.status_code == 302
    account = SocialAccount.objects.get(platform="youtube")
    remote = SandboxAccount.objects.get(platform="youtube", token=account.credentials["access_token"])
    assert (account.handle, account.display_name) == (f"@sandbox{remote.pk}", f"Sandbox channel {remote.pk}")
    assert account.credentials["channel_id"] == f"UCsandbox{remote.pk:013d}"
    assert account.credentials["token_uri"] == f"{world.sandbox}oauth/token"
    assert account.credentials["refresh_token"] == remote.refresh_token


def test_a_linkedin_member_is_connected_as_the_author_its_userinfo_names(world, connecting, client):
    authorize = connecting("linkedin", "@typed-by-hand")

    done = client.get(consent.decide(authorize))

    assert done.status_code == 302
    account = SocialAccount.objects.get(platform="linkedin")
    remote = SandboxAccount.objects.get(platform="linkedin", token=account.credentials["access_token"])
    sub = hashlib.sha256(f"sandbox-member-{remote.pk}".encode()).hexdigest()[:10]
    assert (account.handle, account.display_name) == (f"Sandbox Member {remote.pk}",) * 2
    assert account.credentials["author"] == f"urn:li:person:{sub}"
    assert account.credentials["token_uri"] == f"{world.sandbox}oauth/token"


@pytest.mark.parametrize("platform", ["youtube", "linkedin"])
def test_a_token_refused_when_asked_whose_it_is_connects_nothing(world, connecting, client, platform):
    remote = SandboxAccount.objects.create(platform=platform, token="ya29.before")
    authorize = connecting(platform, "@typed")
    fault(world, "unauthorized", token="ya29.before", applies_to="all", remaining=1)

    done = client.get(consent.decide(authorize, username=f"sandbox{remote.pk}"))

    assert done.status_code == 400 and "did not accept the new tokens" in done.content.decode()
    assert not SocialAccount.objects.filter(platform=platform).exists()


def test_a_revoked_token_is_token_invalid_with_each_platforms_error(world, live_server, transactional_db):
    for platform in ("youtube", "linkedin"):
        remote = SandboxAccount.objects.create(platform=platform, token=f"{platform}-new")
        RevokedToken.objects.create(account=remote, kind="access", token=f"{platform}-revoked")
    google = discovery.Contract(discovery.youtube(), "/sandbox/youtube")
    linkedin = community.Contract("/sandbox/linkedin")
    adapters = {"youtube": YouTubeAdapter(google.client(timeout=5.0)),
                "linkedin": LinkedInAdapter(linkedin.client(timeout=5.0))}  # fmt: skip

    for platform, adapter in adapters.items():
        connection = Connection("@typed", f"{live_server.url}/sandbox/{platform}/",
                                {"access_token": f"{platform}-revoked"}, 3600)  # fmt: skip
        with pytest.raises(TokenInvalid, match="authError" if platform == "youtube" else "65600"):
            adapter.complete_connection(connection)

    assert google.problems == linkedin.problems == []
    assert [status for _, _, status in google.calls + linkedin.calls] == [401, 401]
