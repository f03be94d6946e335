"""Refreshing an account's access token through the sandbox's token endpoint, over real HTTP."""

from __future__ import annotations

import datetime as dt

import httpx
import pytest
from django.utils import timezone

from campaigns.workflow import perform
from publishing import scheduling
from publishing.adapters.base import AuthFailed, Transient
from publishing.adapters.sandbox import SandboxAdapter
from publishing.models import Publication, SocialAccount
from publishing.sandbox.models import SandboxAccount, SandboxPost
from publishing.sending import send

ACCESS, REFRESH = "access-token-1", "refresh-token-1"


@pytest.fixture
def connected(on_sandbox):
    """The ministry's account connected to the live sandbox with an access and a refresh token."""
    world = on_sandbox
    world.account.credentials = {"access_token": ACCESS, "refresh_token": REFRESH, "client_id": "planner"}
    world.account.save(update_fields=["credentials"])
    world.remote = SandboxAccount.objects.create(platform="mastodon", token=ACCESS, refresh_token=REFRESH)
    return world


def expiring(world: object, *, planner_knows: bool = True, in_: dt.timedelta = dt.timedelta(minutes=2)) -> None:
    """The platform's token expires soon (or has expired); the planner's record says so when it knows."""
    at = timezone.now() + in_
    SandboxAccount.objects.filter(pk=world.remote.pk).update(token_expires_at=at)
    if planner_knows:
        SocialAccount.objects.filter(pk=world.account.pk).update(token_expires_at=at)


def publish(world: object, adapter: SandboxAdapter | None = None) -> object:
    return (adapter or SandboxAdapter()).publish(Publication.objects.get(pk=world.publication.pk))


def stored(world: object) -> SocialAccount:
    return SocialAccount.objects.get(pk=world.account.pk)


def fault(world: object, kind: str, **fields: object) -> None:
    token = SandboxAccount.objects.get(pk=world.remote.pk).token
    response = httpx.post(
        world.sandbox + "faults", json={"kind": kind, **fields}, headers={"Authorization": f"Bearer {token}"}
    )
    assert response.status_code == 201, response.text


def test_a_token_about_to_expire_is_refreshed_before_posting_and_the_new_tokens_are_saved(connected):
    expiring(connected)

    publish(connected)

    remote, account = SandboxAccount.objects.get(pk=connected.remote.pk), stored(connected)
    assert remote.token != ACCESS and remote.refresh_token != REFRESH
    assert account.credentials == {
        "access_token": remote.token,
        "refresh_token": remote.refresh_token,
        "client_id": "planner",
    }
    assert abs(account.token_expires_at - (timezone.now() + dt.timedelta(hours=2))) < dt.timedelta(minutes=1)
    assert SandboxPost.objects.get().account == remote


def test_a_token_far_from_its_expiry_is_not_refreshed(connected):
    expiring(connected, in_=dt.timedelta(hours=1))

    publish(connected)

    assert stored(connected).credentials["access_token"] == ACCESS
    assert SandboxPost.objects.count() == 1


def test_a_token_refused_as_invalid_token_is_refreshed_and_the_post_sent_once(connected):
    # The planner does not know the expiry; the platform says it on the 401.
    expiring(connected, planner_knows=False, in_=-dt.timedelta(seconds=1))

    publish(connected)

    new_token = SandboxAccount.objects.get(pk=connected.remote.pk).token
    assert stored(connected).credentials["access_token"] == new_token != ACCESS
    assert SandboxPost.objects.count() == 1


def test_a_token_refused_without_a_refresh_token_to_use_fails_as_an_auth_failure(connected):
    connected.account.credentials = {"access_token": ACCESS}
    connected.account.save(update_fields=["credentials"])
    expiring(connected, in_=-dt.timedelta(seconds=1))

    with pytest.raises(AuthFailed, match="invalid_token"):
        publish(connected)

    assert not SandboxPost.objects.exists()


def test_an_expiring_token_without_a_refresh_token_is_used_as_it_is(connected):
    # The demo's accounts: an expiry on record, no refresh token, a platform token that never expires.
    connected.account.credentials = {"access_token": ACCESS}
    connected.account.save(update_fields=["credentials"])
    SocialAccount.objects.filter(pk=connected.account.pk).update(token_expires_at=timezone.now())

    publish(connected)

    assert SandboxPost.objects.count() == 1


def test_a_refresh_another_worker_made_meanwhile_is_adopted_instead_of_failing(connected):
    stale = Publication.objects.select_related("account", "variant").get(pk=connected.publication.pk)
    SandboxAdapter().refresh_access_token(stored(connected), connected.sandbox + "oauth/token")  # the other worker

    SandboxAdapter().publish(stale)  # its old token is refused, its old refresh token too

    assert stale.account.credentials == stored(connected).credentials
    assert SandboxPost.objects.count() == 1


@pytest.mark.parametrize("kind", ["server_error", "timeout", "rate_limit"])
def test_a_failing_token_endpoint_is_transient_and_changes_nothing(connected, kind):
    # A timeout too: a refresh is never a post, so there is nothing to reconcile.
    expiring(connected)
    fault(connected, kind, remaining=1, applies_to="token", retry_after_s=1)

    with pytest.raises(Transient):
        publish(connected)

    assert stored(connected).credentials["refresh_token"] == REFRESH
    assert not SandboxPost.objects.exists()
    publish(connected)
    assert SandboxPost.objects.count() == 1


def test_a_client_the_token_endpoint_refuses_is_an_auth_failure(connected):
    expiring(connected)
    fault(connected, "unauthorized", remaining=1, applies_to="token")

    with pytest.raises(AuthFailed, match="invalid_client"):
        publish(connected)


def test_a_platform_that_sends_no_new_refresh_token_leaves_the_stored_one(connected):
    # Google, for one, answers a refresh without a new refresh token. The one seam mocked: the HTTP call.
    def platform(request: httpx.Request) -> httpx.Response:
        assert b"grant_type=refresh_token" in request.content and b"client_id=planner" in request.content
        return httpx.Response(200, json={"access_token": "access-token-2", "token_type": "Bearer", "expires_in": 3600})

    account = stored(connected)
    SandboxAdapter(httpx.Client(transport=httpx.MockTransport(platform))).refresh_access_token(account, "https://x/t")

    assert stored(connected).credentials == {
        "access_token": "access-token-2", "refresh_token": REFRESH, "client_id": "planner",
    }  # fmt: skip


def test_a_refused_refresh_token_fails_the_publication_with_reconnect_the_account(connected):
    SandboxAccount.objects.filter(pk=connected.remote.pk).update(refresh_token="revoked-on-the-platform")
    expiring(connected)
    connected.item.author = connected.editor
    connected.item.save()
    perform(connected.item, "submit", connected.editor)
    perform(connected.item, "approve", connected.manager)
    [publication] = scheduling.schedule(
        connected.item, connected.editor, [(connected.variant, stored(connected))], timezone.now()
    )
    scheduling.claim_due(timezone.now() + dt.timedelta(seconds=1), 10)

    assert send(publication.pk) == Publication.State.FAILED

    publication.refresh_from_db()
    assert publication.last_error.startswith("Reconnect the account: ")
    assert "invalid_grant" in publication.last_error
    assert publication.attempts == 1
    assert stored(connected).credentials["refresh_token"] == REFRESH  # kept for a person to look at
