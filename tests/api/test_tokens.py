"""Token authentication: a live token gets in; a wrong, revoked or missing one gets 401 with the error body."""

from __future__ import annotations

import hashlib
from io import StringIO

from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from api.models import ApiToken
from api.tokens import issue_token, revoke
from tests.api.conftest import client_with_token

ITEMS = "/api/items/"


def test_a_valid_token_lists_items_and_records_its_use(world):
    token, secret = issue_token(world.editor, "script")

    response = client_with_token(secret).get(ITEMS)

    assert response.status_code == 200
    assert [row["id"] for row in response.json()["results"]] == [world.item.pk]
    token.refresh_from_db()
    assert token.last_used_at is not None


def test_only_a_hash_and_a_prefix_of_the_secret_are_stored(world):
    token, secret = issue_token(world.editor, "script")

    token.refresh_from_db()
    assert secret.startswith(token.prefix + ".")
    assert token.key_hash == hashlib.sha256(secret.encode()).hexdigest()
    stored = [str(value) for value in ApiToken.objects.filter(pk=token.pk).values().get().values()]
    assert secret not in stored


def test_a_wrong_secret_with_a_real_prefix_is_refused(world):
    _, secret = issue_token(world.editor, "script")

    response = client_with_token(secret[:-2] + "xx").get(ITEMS)

    assert response.status_code == 401
    assert response.json() == {
        "errors": [
            {"field": None, "code": "authentication_failed", "message": "The token is not valid, or was revoked."}
        ]
    }


def test_a_garbage_token_is_refused(world):
    response = client_with_token("not-a-token").get(ITEMS)

    assert response.status_code == 401
    assert response.json()["errors"][0]["code"] == "authentication_failed"


def test_a_revoked_token_is_refused(world):
    token, secret = issue_token(world.editor, "script")
    revoke(token)

    response = client_with_token(secret).get(ITEMS)

    assert response.status_code == 401
    assert response.json()["errors"][0]["code"] == "authentication_failed"


def test_a_token_of_a_deactivated_user_is_refused(world):
    _, secret = issue_token(world.editor, "script")
    world.editor.is_active = False
    world.editor.save(update_fields=["is_active"])

    assert client_with_token(secret).get(ITEMS).status_code == 401


def test_no_credentials_answer_401_asking_for_a_token(world):
    response = APIClient().get(ITEMS)

    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"
    assert response.json()["errors"][0]["code"] == "not_authenticated"


def test_the_web_session_reaches_the_browsable_api(world):
    client = Client()
    client.force_login(world.editor)

    response = client.get(ITEMS, HTTP_ACCEPT="text/html")

    assert response.status_code == 200
    assert world.item.title in response.text


def test_the_command_prints_a_working_secret_once(world):
    out = StringIO()

    call_command("create_api_token", "--user", "eve.editor", "--name", "CMS import", stdout=out, stderr=StringIO())

    secret = out.getvalue().strip()
    token = ApiToken.objects.get(name="CMS import")
    assert token.user == world.editor and secret.startswith(token.prefix)
    assert client_with_token(secret).get(ITEMS).status_code == 200


def test_the_admin_shows_the_prefix_and_only_to_the_tokens_organisation(world):
    own, own_secret = issue_token(world.editor, "ministry script")
    theirs, _ = issue_token(world.outsider, "clinic script")
    client = Client()
    client.force_login(world.admin)

    response = client.get(reverse("admin:api_apitoken_changelist"))

    assert response.status_code == 200
    assert own.prefix in response.text and own_secret not in response.text and own.key_hash not in response.text
    assert theirs.prefix not in response.text and "clinic script" not in response.text
    assert client.get(reverse("admin:api_apitoken_change", args=[theirs.pk])).status_code in (302, 404)


def test_the_admin_revokes_a_token(world):
    token, secret = issue_token(world.editor, "script")
    client = Client()
    client.force_login(world.admin)

    client.post(reverse("admin:api_apitoken_changelist"), {"action": "revoke_tokens", "_selected_action": [token.pk]})

    token.refresh_from_db()
    assert token.revoked_at is not None and token.revoked_at <= timezone.now()
    assert client_with_token(secret).get(ITEMS).status_code == 401
