"""Connecting a Mastodon account: app registered per server, OAuth 2 with PKCE, over HTTP against the live sandbox."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from django.db import connection
from django.urls import reverse

from publishing.adapters.mastodon import MastodonAdapter
from publishing.connect import mastodon as connect
from publishing.connect import oauth
from publishing.connect.oauth import ConnectRefused
from publishing.models import OAuthApplication, Publication, SocialAccount
from publishing.sandbox.models import SandboxAccount, SandboxPost
from tests import builders, consent
from tests.contracts import openapi


@pytest.fixture
def server(world, live_server, transactional_db, client):
    """The sandbox's Mastodon server, and the ministry's manager signed in to the planner."""
    client.force_login(world.manager)
    world.server = f"{live_server.url}/sandbox/mastodon/"
    return world


def start(world, client) -> str:
    response = client.post(
        reverse("account_connect_mastodon"), {"organisation": world.ministry.pk, "server": world.server}
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    return response["Location"]


def test_a_manager_connects_a_mastodon_account_and_it_publishes(server, client):
    world = server
    authorize_url = start(world, client)
    query = parse_qs(urlsplit(authorize_url).query)
    assert authorize_url.startswith(f"{world.server}oauth/authorize?")
    assert query["code_challenge_method"] == ["S256"] and query["response_type"] == ["code"]
    app = OAuthApplication.objects.get()
    assert app.server_url == world.server and query["client_id"] == [app.client_id]

    response = client.get(consent.decide(authorize_url))

    assert response.status_code == 302 and response["Location"] == reverse("accounts")
    account = SocialAccount.objects.exclude(pk__in=[world.account.pk, world.clinic_account.pk]).get()
    sandbox_account = SandboxAccount.objects.get(platform="mastodon", token=account.credentials["access_token"])
    host = urlsplit(world.server).netloc
    assert account.handle == f"@sandbox{sandbox_account.pk}@{host}"
    assert account.organisation == world.ministry and account.api_base_url == world.server
    assert account.credentials["refresh_token"] == sandbox_account.refresh_token
    assert account.credentials["client_id"] == app.client_id and account.token_expires_at is not None
    with connection.cursor() as cursor:  # encrypted at rest: the column holds no token
        cursor.execute("SELECT credentials FROM publishing_socialaccount WHERE id = %s", [account.pk])
        stored = cursor.fetchone()[0]
    assert account.credentials["access_token"] not in stored and "refresh_token" not in stored
    variant = builders.make_variant(builders.make_item(world.campaign, "Connected"), text="Hello from the planner")
    published = MastodonAdapter().publish(builders.make_publication(variant, account))
    assert SandboxPost.objects.get(remote_id=published.remote_id).account == sandbox_account


def test_the_app_is_registered_once_per_server_and_reconnecting_keeps_the_account(server, client):
    world = server
    client.get(consent.decide(start(world, client)))
    account = SocialAccount.objects.exclude(pk__in=[world.account.pk, world.clinic_account.pk]).get()
    publication = builders.make_publication(world.variant, world.account)  # another account's: untouched
    old_token = account.credentials["access_token"]

    username = account.handle.split("@")[1]
    client.get(consent.decide(start(world, client), username=username))

    assert OAuthApplication.objects.count() == 1
    account.refresh_from_db()
    assert SocialAccount.objects.filter(organisation=world.ministry).count() == 2
    assert account.credentials["access_token"] != old_token and account.connected_at is not None
    assert Publication.objects.get(pk=publication.pk).account == world.account


def test_a_callback_with_a_wrong_state_is_refused_and_connects_nothing(server, client):
    world = server
    back = consent.decide(start(world, client))
    forged = back.replace("state=", "state=forged")

    response = client.get(forged)

    assert response.status_code == 400
    assert "state that does not match" in response.content.decode()
    assert SocialAccount.objects.count() == 2  # the world's two
    # The person's own flow is still there and finishes.
    assert client.get(back).status_code == 302
    assert SocialAccount.objects.count() == 3


def test_a_callback_without_a_flow_started_is_refused(server, client):
    response = client.get(reverse("account_callback") + "?code=abc&state=xyz")

    assert response.status_code == 400 and "not started here" in response.content.decode()


def test_a_denied_authorization_is_explained(server, client):
    response = client.get(consent.decide(start(server, client), authorize=False))

    assert response.status_code == 400
    assert "authorization was denied" in response.content.decode()
    assert SocialAccount.objects.count() == 2


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("", "This field is required"),
        ("ftp://example.org", "is not a server name"),
        ("http://mastodon.social", "must be reached over https"),
    ],
)
def test_a_server_that_cannot_be_one_is_a_form_error_on_the_server_field(server, client, typed, message):
    response = client.post(reverse("account_connect_mastodon"), {"organisation": server.ministry.pk, "server": typed})

    assert response.status_code == 400
    assert message in response.content.decode() and OAuthApplication.objects.count() == 0


def test_a_server_that_does_not_answer_is_a_form_error_not_a_500(server, client):
    response = client.post(
        reverse("account_connect_mastodon"), {"organisation": server.ministry.pk, "server": "http://127.0.0.1:9/"}
    )

    assert response.status_code == 400 and "could not be reached" in response.content.decode()


def test_an_editor_cannot_connect_an_account(server, client):
    client.force_login(server.editor)

    response = client.post(
        reverse("account_connect_mastodon"), {"organisation": server.ministry.pk, "server": server.server}
    )

    assert response.status_code == 400  # no organisation they manage to choose
    assert OAuthApplication.objects.count() == 0


def test_the_sandbox_refuses_a_code_with_the_wrong_pkce_verifier(server, client):
    world = server
    http = httpx.Client(timeout=10.0)
    app = connect.application(http, world.server, "http://testserver/callback/")
    verifier = oauth.new_verifier()
    back = consent.decide(connect.authorize_url(app, "s1", verifier))
    code = parse_qs(urlsplit(back).query)["code"][0]

    with pytest.raises(ConnectRefused, match="code_verifier does not match"):
        connect.exchange(http, app, code, oauth.new_verifier())
    assert connect.exchange(http, app, code, verifier).access_token  # the right one still works, once
    with pytest.raises(ConnectRefused, match="already used"):
        connect.exchange(http, app, code, verifier)


def test_every_connect_request_and_reply_is_as_mastodons_definition_has_it(server, live_server):
    contract = openapi.Contract(openapi.mastodon(f"{live_server.url}/sandbox/mastodon"))
    http = contract.client(timeout=10.0)
    app = connect.application(http, server.server, "http://testserver/callback/")
    verifier = oauth.new_verifier()
    authorize_url = connect.authorize_url(app, "state-1", verifier)
    contract.check(http.get(authorize_url))  # the consent page's address and parameters, as documented
    code = parse_qs(urlsplit(consent.decide(authorize_url)).query)["code"][0]

    tokens = connect.exchange(http, app, code, verifier)
    handle, _ = connect.whoami(http, server.server, tokens.access_token)

    assert handle.startswith("@sandbox")
    called = [(method, path.removeprefix("/sandbox/mastodon")) for method, path, _ in contract.calls]
    assert ("POST", "/api/v1/apps") in called and ("POST", "/oauth/token") in called
    assert ("GET", "/api/v1/accounts/verify_credentials") in called
    assert contract.problems == [], "\n".join(contract.problems)
