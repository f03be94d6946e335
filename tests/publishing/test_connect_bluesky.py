"""Connecting a Bluesky account with an app password, checked against the live sandbox's PDS dialect."""

from __future__ import annotations

import httpx
import pytest
from django.urls import reverse

from publishing.adapters.bluesky import BlueskyAdapter
from publishing.models import SocialAccount
from publishing.sandbox.dialects.bluesky import did_for, session_account_token
from publishing.sandbox.models import SandboxPost
from tests import builders

HANDLE = "health.example.org"
APP_PASSWORD = "abcd-efgh-ijkl-mnop"


@pytest.fixture
def pds(world, live_server, transactional_db, client):
    client.force_login(world.manager)
    world.pds = f"{live_server.url}/sandbox/bluesky/"
    return world


def connect(world, client, **fields: str):
    form = {"organisation": world.ministry.pk, "handle": HANDLE, "app_password": APP_PASSWORD, "pds": world.pds}
    return client.post(reverse("account_connect_bluesky"), form | fields)


def bluesky_accounts():
    return SocialAccount.objects.filter(platform="bluesky")


def test_a_handle_and_app_password_connect_an_account_that_publishes(pds, client):
    response = connect(pds, client, handle=f"@{HANDLE.upper()}")

    assert response.status_code == 302
    account = bluesky_accounts().get()
    assert account.handle == f"@{HANDLE}" and account.api_base_url == pds.pds
    credentials = account.credentials
    assert (credentials["identifier"], credentials["app_password"], credentials["did"]) == (
        HANDLE, APP_PASSWORD, did_for(HANDLE),
    )  # fmt: skip
    assert credentials["access_jwt"] and credentials["refresh_jwt"]
    variant = builders.make_variant(pds.item, platform="bluesky", text="Flu jabs are free this week.")
    published = BlueskyAdapter().publish(builders.make_publication(variant, account))
    assert SandboxPost.objects.filter(payload__rkey=published.remote_id.rsplit("/", 1)[1]).exists()


def test_a_wrong_app_password_is_refused_on_the_app_password_field_and_nothing_is_saved(pds, client):
    # The sandbox takes any password; told to refuse this one's session as a PDS refuses a wrong password.
    token = session_account_token(HANDLE, APP_PASSWORD)
    fault = {"kind": "unauthorized", "applies_to": "token", "remaining": 1}
    assert httpx.post(f"{pds.pds}faults", json=fault, headers={"Authorization": f"Bearer {token}"}).status_code == 201

    response = connect(pds, client)

    assert response.status_code == 400
    assert "App password: Bluesky refused this handle and app password" in response.content.decode()
    assert not bluesky_accounts().exists()


def test_a_main_password_is_refused_before_bluesky_is_asked(pds, client):
    response = connect(pds, client, app_password="my-long-main-password!")

    assert response.status_code == 400
    page = response.content.decode()
    assert "This is not an app password" in page and "never use the main password" in page
    assert not bluesky_accounts().exists()


def test_a_handle_that_cannot_be_one_is_a_form_error_on_the_handle_field(pds, client):
    response = connect(pds, client, handle="not a handle")

    assert response.status_code == 400 and "Handle: “not a handle” is not a Bluesky handle" in response.content.decode()


def test_reconnecting_gives_the_same_account_its_new_app_password(pds, client):
    connect(pds, client)
    connect(pds, client, app_password="wxyz-wxyz-wxyz-wxyz")

    assert bluesky_accounts().get().credentials["app_password"] == "wxyz-wxyz-wxyz-wxyz"


def test_the_form_says_to_use_an_app_password_never_the_main_password(pds, client):
    page = client.get(reverse("accounts")).content.decode()

    assert "Connect a Bluesky account" in page and "never the account&#x27;s main password" in page


def test_a_server_over_plain_http_is_a_form_error_on_the_server_field(pds, client):
    response = connect(pds, client, pds="http://pds.example.org")

    assert response.status_code == 400
    assert "Server: The server must be reached over https." in response.content.decode()
    assert not bluesky_accounts().exists()
