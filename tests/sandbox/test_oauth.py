"""The token endpoint: a refresh token traded for new tokens, as RFC 6749 says; expired and revoked tokens."""

from __future__ import annotations

import base64
import datetime as dt
import time
from urllib.parse import urlencode

import pytest
from django.test import Client
from django.utils import timezone

from publishing.sandbox.models import SandboxAccount
from tests.concurrency import race
from tests.sandbox.conftest import FORM

ACCESS, REFRESH = "access-token-1", "refresh-token-1"


@pytest.fixture
def connected(db: None) -> SandboxAccount:
    """The ministry's Mastodon account as a person connected it: an access token and a refresh token."""
    return SandboxAccount.objects.create(platform="mastodon", token=ACCESS, refresh_token=REFRESH)


def test_a_refresh_token_is_traded_for_new_tokens_and_the_old_access_token_stops_working(connected, sandbox_for):
    before = int(time.time())

    response = sandbox_for(token=ACCESS).refresh(REFRESH, client_id="planner", client_secret="app-secret")

    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    grant = response.json()
    assert set(grant) == {"access_token", "token_type", "expires_in", "refresh_token", "scope", "created_at"}
    assert (grant["token_type"], grant["expires_in"], grant["scope"]) == ("Bearer", 7200, "read write")
    assert grant["access_token"] not in (ACCESS, "") and grant["refresh_token"] not in (REFRESH, "")
    assert before <= grant["created_at"] <= time.time()
    assert sandbox_for(token=grant["access_token"]).get("posts").status_code == 200
    old = sandbox_for(token=ACCESS).get("posts")
    assert old.status_code == 401
    assert old.json() == {"error": "invalid_token", "error_description": "The access token was revoked"}
    assert 'error="invalid_token"' in old.headers["WWW-Authenticate"]
    assert SandboxAccount.objects.count() == 1  # the old token did not become a new account


def test_the_new_access_token_expires_after_its_lifetime_and_the_new_refresh_token_works(connected, sandbox_for):
    first = sandbox_for().refresh(REFRESH).json()

    expires_at = SandboxAccount.objects.get().token_expires_at
    second = sandbox_for().refresh(first["refresh_token"])

    assert abs(expires_at - (timezone.now() + dt.timedelta(hours=2))) < dt.timedelta(minutes=1)
    assert second.status_code == 200
    assert second.json()["access_token"] != first["access_token"]


def test_a_used_refresh_token_is_refused_as_an_invalid_grant(connected, sandbox_for):
    sandbox_for().refresh(REFRESH)

    response = sandbox_for().refresh(REFRESH)

    assert response.status_code == 400
    assert response.json() == {
        "error": "invalid_grant",
        "error_description": "The refresh token was revoked by a refresh",
    }


@pytest.mark.parametrize("platform", ["mastodon", "x"])
def test_an_unknown_refresh_token_or_one_of_another_platform_is_an_invalid_grant(connected, sandbox_for, platform):
    token = "never-issued" if platform == "mastodon" else REFRESH

    response = sandbox_for(platform).refresh(token)

    assert response.status_code == 400
    assert response.json() == {"error": "invalid_grant", "error_description": "The refresh token is unknown"}
    assert SandboxAccount.objects.get().token == ACCESS


@pytest.mark.parametrize(
    ("form", "error"),
    [
        ({"grant_type": "password", "username": "ministry", "password": "x"}, "unsupported_grant_type"),
        ({"grant_type": "client_credentials"}, "unsupported_grant_type"),
        ({"refresh_token": REFRESH}, "invalid_request"),
        ({"grant_type": "refresh_token"}, "invalid_request"),
        ({"grant_type": "refresh_token", "refresh_token": REFRESH, "scope": "read admin:write"}, "invalid_scope"),
    ],
)
def test_a_request_the_endpoint_cannot_grant_is_refused_as_rfc_6749_says(connected, form, error):
    response = Client().post("/sandbox/mastodon/oauth/token", urlencode(form), content_type=FORM)

    assert response.status_code == 400
    assert response.json()["error"] == error
    assert response.json()["error_description"]
    assert SandboxAccount.objects.get().refresh_token == REFRESH


def test_a_refresh_may_narrow_the_scope(connected, sandbox_for):
    assert sandbox_for().refresh(REFRESH, scope="read").json()["scope"] == "read"


def test_the_client_may_authenticate_with_http_basic(connected):
    basic = base64.b64encode(b"planner:app-secret").decode()

    response = Client().post(
        "/sandbox/mastodon/oauth/token", urlencode({"grant_type": "refresh_token", "refresh_token": REFRESH}),
        content_type=FORM, headers={"Authorization": f"Basic {basic}"},
    )  # fmt: skip

    assert response.status_code == 200


def test_the_token_endpoint_only_takes_post(connected):
    response = Client().get("/sandbox/mastodon/oauth/token")

    assert response.status_code == 405
    assert response.headers["Allow"] == "POST"


def test_an_expired_access_token_is_refused_as_invalid_token(connected, sandbox_for):
    SandboxAccount.objects.update(token_expires_at=timezone.now() - dt.timedelta(seconds=1))

    response = sandbox_for(token=ACCESS).publish()

    assert response.status_code == 401
    assert response.json() == {"error": "invalid_token", "error_description": "The access token expired"}
    assert response.headers["WWW-Authenticate"] == (
        'Bearer realm="sandbox", error="invalid_token", error_description="The access token expired"'
    )


def test_a_token_with_a_future_expiry_or_none_works(connected, sandbox_for):
    SandboxAccount.objects.update(token_expires_at=timezone.now() + dt.timedelta(minutes=1))

    assert sandbox_for(token=ACCESS).publish().status_code == 201
    assert sandbox_for(token="token-made-on-first-use").publish().status_code == 201


@pytest.mark.parametrize(
    ("kind", "status", "error"),
    [
        ("server_error", 500, "internal_error"),
        ("unauthorized", 401, "invalid_client"),
        ("rate_limit", 429, "rate_limited"),
    ],
)
def test_a_fault_for_the_token_endpoint_refuses_the_refresh_and_rotates_nothing(
    connected, sandbox_for, kind, status, error
):
    sandbox_for(token=ACCESS).add_fault(kind, remaining=1, applies_to="token")

    refused = sandbox_for().refresh(REFRESH)
    granted = sandbox_for().refresh(REFRESH)

    assert (refused.status_code, refused.json()["error"]) == (status, error)
    assert granted.status_code == 200


def test_a_fault_for_creating_posts_leaves_the_token_endpoint_alone(connected, sandbox_for):
    sandbox_for(token=ACCESS).add_fault("server_error", remaining=1)

    assert sandbox_for().refresh(REFRESH).status_code == 200


def test_two_refreshes_with_the_same_token_at_once_rotate_it_once(transactional_db, sandbox_for):
    SandboxAccount.objects.create(platform="mastodon", token=ACCESS, refresh_token=REFRESH)
    first, second = sandbox_for(), sandbox_for()

    outcomes = race(lambda: first.refresh(REFRESH), lambda: second.refresh(REFRESH))

    assert sorted(o.status_code for o in outcomes) == [200, 400], outcomes
    [granted] = [o.json() for o in outcomes if o.status_code == 200]
    assert SandboxAccount.objects.get().token == granted["access_token"]
