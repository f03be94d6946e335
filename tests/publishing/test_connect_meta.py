"""Connecting Facebook Pages, Instagram and Threads accounts: the short-lived token traded for what lasts."""

from __future__ import annotations

import datetime as dt

import httpx
import pytest
from django.urls import reverse
from django.utils import timezone

from publishing.adapters.base import Permanent, TokenInvalid
from publishing.adapters.facebook import FacebookAdapter
from publishing.adapters.instagram import InstagramAdapter
from publishing.adapters.threads import ThreadsAdapter
from publishing.models import SocialAccount
from publishing.sandbox import services
from publishing.sandbox.dialects.graph import user_id_for
from publishing.sandbox.models import SandboxAccount, SandboxPost
from tests import builders, consent


@pytest.fixture
def on_meta(world, live_server, transactional_db, client, settings):
    """Our app's clients on the sandbox's Facebook, Instagram and Threads, the manager signed in."""
    # The API addresses as the provider table has them: Facebook's and Threads' with a version, which is dropped.
    settings.PLANNER_OAUTH_CLIENTS = consent.sandbox_clients(
        live_server.url, "facebook", "instagram", "threads", api_suffix={"facebook": "v21.0/", "threads": "v1.0/"}
    )
    settings.PLANNER_PUBLIC_BASE_URL = live_server.url
    client.force_login(world.manager)
    world.live = live_server.url
    return world


def connect(client, world, platform: str, handle: str) -> httpx.Response:
    started = client.post(
        reverse("account_connect_oauth"), {"organisation": world.ministry.pk, "platform": platform, "handle": handle}
    )
    assert started.status_code == 302, started.content.decode()[:500]
    return client.get(consent.decide(started["Location"]))


def test_a_facebook_page_connects_with_its_own_token_the_only_page_of_the_login(on_meta, client):
    done = connect(client, on_meta, "facebook", "ministry")

    assert done.status_code == 302
    account = SocialAccount.objects.get(platform="facebook")
    page = SandboxAccount.objects.get(platform="facebook", token=account.credentials["access_token"])
    assert account.handle == account.display_name == "Sandbox Health Page"
    assert account.credentials["page_id"] == user_id_for(page) and "refresh_token" not in account.credentials
    assert account.api_base_url == f"{on_meta.live}/sandbox/facebook/" and account.token_expires_at is None
    variant = builders.make_variant(on_meta.item, platform="facebook", text="Free flu jabs this week.")
    FacebookAdapter().publish(builders.make_publication(variant, account))
    assert SandboxPost.objects.get().account == page


def test_with_several_pages_the_one_typed_is_kept_and_an_unknown_one_is_refused_naming_them(on_meta, client, settings):
    settings.SANDBOX_FACEBOOK_PAGES = ("Ministry of Health", "Vaccination Week")

    refused = connect(client, on_meta, "facebook", "Flu Campaign")
    done = connect(client, on_meta, "facebook", "vaccination week")

    assert refused.status_code == 400 and not SocialAccount.objects.filter(handle="Flu Campaign").exists()
    assert "Ministry of Health (id " in refused.content.decode() and "Vaccination Week (id " in refused.content.decode()
    assert done.status_code == 302 and SocialAccount.objects.get(platform="facebook").handle == "Vaccination Week"


def test_an_instagram_account_connects_with_a_60_day_token_and_its_username(on_meta, client):
    connect(client, on_meta, "instagram", "@whatever")

    account = SocialAccount.objects.get(platform="instagram")
    me = SandboxAccount.objects.get(platform="instagram", token=account.credentials["access_token"])
    assert account.handle == f"@sandbox_user_{me.pk}" and account.credentials["user_id"] == user_id_for(me)
    assert account.token_expires_at > timezone.now() + dt.timedelta(days=59)
    assert "refresh_token" not in account.credentials
    assert InstagramAdapter().publishing_limit(account).used == 0  # the token and the id work


def test_a_threads_account_connects_with_a_60_day_token_and_is_refreshed_with_it(on_meta, client):
    connect(client, on_meta, "threads", "@ministry")

    account = SocialAccount.objects.get(platform="threads")
    me = SandboxAccount.objects.get(platform="threads", token=(first := account.credentials["access_token"]))
    assert account.handle == f"@sandbox_user_{me.pk}" and account.api_base_url == f"{on_meta.live}/sandbox/threads/"
    SocialAccount.objects.filter(pk=account.pk).update(token_expires_at=timezone.now() + dt.timedelta(days=2))
    account.refresh_from_db()

    assert ThreadsAdapter().publishing_limit(account).used == 0  # refreshed first: it ends within a week
    account.refresh_from_db()
    assert account.credentials["access_token"] not in ("", first)
    assert account.token_expires_at > timezone.now() + dt.timedelta(days=59)


def test_a_refused_exchange_connects_nothing_and_says_why(on_meta, client):
    person = SandboxAccount.objects.create(platform="threads", token="before-connecting")
    headers = {"Authorization": "Bearer before-connecting"}
    fault = {"kind": "unauthorized", "applies_to": "token", "remaining": 1}
    httpx.post(f"{on_meta.live}/sandbox/threads/faults", json=fault, headers=headers).raise_for_status()
    started = client.post(
        reverse("account_connect_oauth"), {"organisation": on_meta.ministry.pk, "platform": "threads", "handle": "@m"}
    )

    done = client.get(consent.decide(started["Location"], username=f"sandbox{person.pk}"))

    assert done.status_code == 400 and "did not accept the new tokens" in done.content.decode()
    assert "190" in done.content.decode() and not SocialAccount.objects.filter(platform="threads").exists()


def test_the_token_endpoints_answer_meta_errors_for_an_unknown_token(on_meta):
    for platform, grant in (("instagram", "ig_exchange_token"), ("threads", "th_exchange_token")):
        params = {"grant_type": grant, "client_secret": "s", "access_token": "never-issued"}
        answer = httpx.get(f"{on_meta.live}/sandbox/{platform}/access_token", params=params)
        assert answer.status_code == 400 and answer.json()["error"]["code"] == 190
    params = {"grant_type": "fb_exchange_token", "client_id": "c", "client_secret": "s", "fb_exchange_token": "x"}
    answer = httpx.get(f"{on_meta.live}/sandbox/facebook/v21.0/oauth/access_token", params=params)
    assert answer.status_code == 400 and answer.json()["error"]["type"] == "OAuthException"


def test_a_refresh_answered_without_a_token_keeps_the_stored_one(on_meta):
    account = builders.make_account(
        on_meta.ministry, platform="instagram", handle="@m", api_base_url=f"{on_meta.live}/sandbox/instagram/",
        credentials={"access_token": "kept-token"}, token_expires_at=timezone.now() + dt.timedelta(days=1),
    )  # fmt: skip
    empty = httpx.MockTransport(lambda request: httpx.Response(200, json={"access_token": "", "expires_in": 5184000}))

    with pytest.raises(Permanent, match="without an access token"):
        InstagramAdapter(httpx.Client(transport=empty)).graph(account, "GET", "me")
    account.refresh_from_db()
    assert account.credentials["access_token"] == "kept-token"


def test_a_long_lived_token_replaced_meanwhile_is_refused_as_invalid_on_refresh(on_meta):
    base = f"{on_meta.live}/sandbox/threads/"
    services.account_for("threads", "old-long-lived")
    params = {"grant_type": "th_refresh_token", "access_token": "old-long-lived"}
    httpx.get(f"{base}refresh_access_token", params=params).raise_for_status()  # the old one is revoked
    account = builders.make_account(
        on_meta.ministry, platform="threads", handle="@m", api_base_url=base,
        credentials={"access_token": "old-long-lived"}, token_expires_at=timezone.now() + dt.timedelta(days=1),
    )  # fmt: skip

    with pytest.raises(TokenInvalid, match="190"):
        ThreadsAdapter().graph(account, "GET", "me")
