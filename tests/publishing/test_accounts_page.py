"""The accounts page: each account's state and what depends on it, scoped to the person's organisation."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse
from django.utils import timezone

from publishing.models import Publication
from tests import builders

P = Publication.State


def page(client, user) -> str:
    client.force_login(user)
    response = client.get(reverse("accounts"))
    assert response.status_code == 200
    return response.content.decode()


def card(html: str, account) -> str:
    start = html.index(f'id="account-{account.pk}"')
    return html[start : html.index("</section>", start)]


def test_an_account_with_a_refresh_token_is_connected_and_shows_what_is_scheduled_on_it(world, client):
    world.account.credentials = {"access_token": "a", "refresh_token": "r"}
    world.account.token_expires_at = timezone.now() - dt.timedelta(hours=1)  # renewed on its next use
    world.account.save()
    builders.make_publication(world.variant, world.account)

    shown = card(page(client, world.manager), world.account)

    assert ">connected<" in shown and "1 scheduled publication depends on it" in shown and world.item.title in shown


def test_a_token_without_a_refresh_token_expires_in_so_many_days(world, client):
    world.account.token_expires_at = timezone.now() + dt.timedelta(days=3, hours=2)
    world.account.save()

    assert "expires in 4 days" in card(page(client, world.manager), world.account)


def test_an_expired_token_without_a_refresh_token_needs_reconnecting(world, client):
    world.account.token_expires_at = timezone.now() - dt.timedelta(minutes=1)
    world.account.save()

    shown = card(page(client, world.manager), world.account)

    assert "needs reconnecting" in shown and "cannot be renewed" in shown


def test_an_account_the_platform_refused_needs_reconnecting_until_it_is_connected_again(world, client):
    builders.make_publication(
        world.variant, world.account, state=P.FAILED, last_error="Reconnect the account: the token was revoked."
    )
    shown = card(page(client, world.manager), world.account)
    assert "needs reconnecting" in shown and "the token was revoked" in shown and ">Reconnect<" in shown

    world.account.connected_at = timezone.now() + dt.timedelta(seconds=1)
    world.account.save()

    assert ">connected<" in card(page(client, world.manager), world.account)


def test_an_editor_sees_the_accounts_but_no_way_to_connect_one(world, client):
    html = page(client, world.editor)

    assert world.account.handle in html and "Connect a Mastodon account" not in html and ">Reconnect<" not in html


def test_an_outsider_sees_nothing_of_another_organisation(world, client):
    builders.make_publication(world.variant, world.account)

    html = page(client, world.outsider)

    assert f'id="account-{world.account.pk}"' not in html and world.item.title not in html
    assert f'id="account-{world.clinic_account.pk}"' in html


def test_an_organisation_without_accounts_gets_a_clear_empty_state(world, client):
    world.clinic_account.delete()

    html = page(client, world.outsider)

    assert "No account connected yet" in html and "Connect the organisation" in html


def test_the_page_asks_to_sign_in(world, client):
    response = client.get(reverse("accounts"))

    assert response.status_code == 302 and "login" in response["Location"]
