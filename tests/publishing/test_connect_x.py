"""Connecting an X account: after the code exchange, the adapter asks X whose account it is (GET /2/users/me)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from publishing.adapters.base import AuthFailed, Connection
from publishing.adapters.x import XAdapter
from publishing.models import SocialAccount
from publishing.sandbox.models import SandboxAccount
from tests import consent
from tests.contracts import openapi


@pytest.fixture
def x_on_sandbox(world, live_server, transactional_db, client, settings):
    """X's OAuth client pointed at the live sandbox, and the ministry's manager signed in."""
    sandbox = f"{live_server.url}/sandbox/x/"
    settings.PLANNER_OAUTH_CLIENTS = consent.sandbox_clients(live_server.url, "x")
    client.force_login(world.manager)
    world.sandbox, world.contract = sandbox, openapi.Contract(openapi.x(f"{live_server.url}/sandbox/x"))
    yield world
    assert world.contract.problems == [], "\n".join(world.contract.problems)


def test_the_typed_handle_is_replaced_by_the_one_x_names_with_its_name_and_user_id(x_on_sandbox, client):
    start = {"organisation": x_on_sandbox.ministry.pk, "platform": "x", "handle": "@HealthMinistry"}
    response = client.post(reverse("account_connect_oauth"), start)

    done = client.get(consent.decide(response["Location"]))

    assert done.status_code == 302
    account = SocialAccount.objects.get(platform="x")
    remote = SandboxAccount.objects.get(platform="x", token=account.credentials["access_token"])
    assert (account.handle, account.display_name) == (f"@sandbox{remote.pk}", f"Sandbox account {remote.pk}")
    assert account.credentials["user_id"] == str(remote.pk) and account.credentials["refresh_token"]


def test_the_identity_read_back_follows_the_definition(x_on_sandbox):
    remote = SandboxAccount.objects.create(platform="x", token="access-1")
    adapter = XAdapter(x_on_sandbox.contract.client())
    typed = Connection("@typed", x_on_sandbox.sandbox, {"access_token": "access-1"}, 7200)

    connection = adapter.complete_connection(typed)

    assert (connection.handle, connection.credentials["user_id"]) == (f"@sandbox{remote.pk}", str(remote.pk))
    assert x_on_sandbox.contract.calls == [("GET", "/sandbox/x/2/users/me", 200)]


def test_a_token_x_no_longer_takes_refuses_the_connection_with_xs_problem(x_on_sandbox):
    remote = SandboxAccount.objects.create(platform="x", token="access-1")
    SandboxAccount.objects.filter(pk=remote.pk).update(token_expires_at=timezone.now() - dt.timedelta(seconds=1))
    adapter = XAdapter(x_on_sandbox.contract.client())

    with pytest.raises(AuthFailed, match=r"\(401\)"):
        adapter.complete_connection(Connection("@typed", x_on_sandbox.sandbox, {"access_token": "access-1"}, None))

    assert x_on_sandbox.contract.calls == [("GET", "/sandbox/x/2/users/me", 401)]
