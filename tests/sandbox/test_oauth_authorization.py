"""The sandbox's OAuth 2 authorization step: apps registered per server, PKCE required, codes taken once."""

from __future__ import annotations

import base64
import hashlib
import json
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
from django.test import Client

from publishing.sandbox.models import RevokedToken, SandboxAccount

CALLBACK = "https://planner.example.org/accounts/connected/callback/mastodon/"
VERIFIER = "v" * 50


def challenge_of(verifier: str) -> str:
    """RFC 7636 §4.2 S256, written out here: the sandbox is checked against the RFC, not against our client."""
    return base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).decode().rstrip("=")


@pytest.fixture
def app(db: None) -> dict:
    body = {"client_name": "Campaign planner", "redirect_uris": [CALLBACK], "scopes": "read write"}
    response = Client().post("/sandbox/mastodon/api/v1/apps", json.dumps(body), content_type="application/json")
    assert response.status_code == 200
    return response.json()


def authorize(app: dict, decision: str = "authorize", **params: str) -> tuple[int, dict[str, list[str]]]:
    query = {
        "response_type": "code", "client_id": app["client_id"], "redirect_uri": CALLBACK, "scope": "read write",
        "state": "st", "code_challenge": challenge_of(VERIFIER), "code_challenge_method": "S256", **params,
    }  # fmt: skip
    response = Client().post("/sandbox/mastodon/oauth/authorize?" + urlencode(query), query | {decision: "1"})
    location = urlsplit(response.get("Location", ""))
    return response.status_code, parse_qs(location.query) if response.status_code == 302 else {}


def token(app: dict, code: str, **form: str) -> dict:
    body = {"grant_type": "authorization_code", "code": code, "redirect_uri": CALLBACK, "client_id": app["client_id"],
            "client_secret": app["client_secret"], "code_verifier": VERIFIER, **form}  # fmt: skip
    response = Client().post("/sandbox/mastodon/oauth/token", json.dumps(body), content_type="application/json")
    return response.json() | {"status": response.status_code}


def test_an_app_registers_with_its_redirect_uris_and_scopes(app):
    assert app["redirect_uris"] == [CALLBACK] and app["scopes"] == ["read", "write"]
    assert app["client_id"] and app["client_secret"] and app["client_secret_expires_at"] == 0


def test_an_app_without_a_redirect_uri_is_refused(db):
    body = json.dumps({"client_name": "x", "redirect_uris": []})
    response = Client().post("/sandbox/mastodon/api/v1/apps", body, content_type="application/json")

    assert response.status_code == 422


def test_an_authorized_code_with_its_verifier_brings_tokens_for_a_new_account(app):
    status, back = authorize(app)
    assert status == 302 and back["state"] == ["st"]

    tokens = token(app, back["code"][0])

    assert tokens["status"] == 200 and tokens["token_type"] == "Bearer" and tokens["scope"] == "read write"
    account = SandboxAccount.objects.get(token=tokens["access_token"])
    assert account.refresh_token == tokens["refresh_token"] and account.token_expires_at is not None


def test_authorizing_as_an_existing_account_revokes_its_old_tokens(app):
    existing = SandboxAccount.objects.create(platform="mastodon", token="old-access", refresh_token="old-refresh")
    _, back = authorize(app, username=f"sandbox{existing.pk}")

    tokens = token(app, back["code"][0])

    existing.refresh_from_db()
    assert existing.token == tokens["access_token"]
    assert set(RevokedToken.objects.values_list("token", flat=True)) == {"old-access", "old-refresh"}


def test_a_denied_authorization_goes_back_with_access_denied_and_the_state(app):
    status, back = authorize(app, decision="deny")

    assert status == 302 and back["error"] == ["access_denied"] and back["state"] == ["st"]


def test_an_authorization_without_pkce_goes_back_with_invalid_request(app):
    status, back = authorize(app, code_challenge="", code_challenge_method="")

    assert status == 302 and back["error"] == ["invalid_request"] and "code" not in back


def test_a_redirect_uri_the_app_did_not_register_is_shown_not_redirected_to(app):
    status, back = authorize(app, redirect_uri="https://attacker.example/cb")

    assert status == 400 and back == {}


def test_an_unknown_client_is_refused_on_mastodon(app):
    status, _ = authorize({"client_id": "not-ours"})

    assert status == 401


@pytest.mark.parametrize(
    ("change", "error"),
    [
        ({"code_verifier": "w" * 50}, "invalid_grant"),
        ({"code_verifier": ""}, "invalid_grant"),
        ({"redirect_uri": "https://planner.example.org/other/"}, "invalid_grant"),
        ({"client_secret": "wrong"}, "invalid_client"),
    ],
)
def test_a_code_grant_that_does_not_match_its_authorization_is_refused(app, change, error):
    _, back = authorize(app)

    assert token(app, back["code"][0], **change)["error"] == error


def test_a_code_is_taken_once(app):
    _, back = authorize(app)
    assert token(app, back["code"][0])["status"] == 200

    again = token(app, back["code"][0])

    assert again["status"] == 400 and again["error"] == "invalid_grant"


def test_another_platform_takes_a_client_configured_in_the_planner_without_registration(db):
    query = {"response_type": "code", "client_id": "planner-x", "redirect_uri": CALLBACK, "state": "s",
             "code_challenge": challenge_of(VERIFIER), "code_challenge_method": "S256", "scope": "tweet.read"}  # fmt: skip
    response = Client().post("/sandbox/x/oauth/authorize?" + urlencode(query), query | {"authorize": "1"})
    code = parse_qs(urlsplit(response["Location"]).query)["code"][0]

    form = {"grant_type": "authorization_code", "code": code, "redirect_uri": CALLBACK, "code_verifier": VERIFIER}
    tokens = Client().post("/sandbox/x/oauth/token", form).json()

    assert SandboxAccount.objects.get(platform="x", token=tokens["access_token"])
