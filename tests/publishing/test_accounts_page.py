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


def scheduled_item(world, account, *others):
    """The world's item approved and scheduled on `account` (and on `others`)."""
    from campaigns.workflow import perform
    from publishing import scheduling

    world.item.author = world.editor
    world.item.save()
    perform(world.item, "submit", world.editor)
    perform(world.item, "approve", world.manager)
    when = timezone.now() + dt.timedelta(days=2)
    targets = [(world.variant, account), *((world.variant, other) for other in others)]
    return scheduling.schedule(world.item, world.editor, targets, when)


def test_disconnecting_forgets_the_credentials_cancels_what_was_scheduled_and_unschedules_the_item(world, client):
    from campaigns.models import ContentItem

    [publication] = scheduled_item(world, world.account)
    client.force_login(world.manager)

    response = client.post(reverse("account_disconnect", args=[world.account.pk]), follow=True)

    account = type(world.account).objects.get(pk=world.account.pk)
    assert (account.credentials, account.is_active, account.token_expires_at) == ({}, False, None)
    assert Publication.objects.get(pk=publication.pk).state == P.CANCELLED
    assert "was disconnected" in Publication.objects.get(pk=publication.pk).last_error
    assert ContentItem.objects.get(pk=world.item.pk).state == ContentItem.State.APPROVED
    assert "@health is disconnected" in response.text and "1 scheduled publication was cancelled" in response.text
    assert ">inactive<" in card(response.text, account) and "Disconnect @health" not in card(response.text, account)


def test_an_item_still_scheduled_on_another_account_stays_scheduled(world, client):
    from campaigns.models import ContentItem

    other = builders.make_account(world.ministry, handle="@vaccines")
    scheduled_item(world, world.account, other)
    client.force_login(world.admin)

    client.post(reverse("account_disconnect", args=[world.account.pk]))

    assert ContentItem.objects.get(pk=world.item.pk).state == ContentItem.State.SCHEDULED
    assert Publication.objects.get(account=other).state == P.SCHEDULED


def test_only_managers_and_admins_of_its_organisation_disconnect_an_account(world, client):
    for user, status in ((world.editor, 403), (world.outsider, 404)):
        client.force_login(user)
        assert client.post(reverse("account_disconnect", args=[world.account.pk])).status_code == status
    assert type(world.account).objects.get(pk=world.account.pk).is_active
    client.force_login(world.manager)
    assert client.get(reverse("account_disconnect", args=[world.account.pk])).status_code == 405


def test_reconnecting_a_disconnected_account_switches_it_on_again(world):
    from publishing import connecting

    connecting.disconnect(world.manager, world.account)
    connecting.save_connection(world.manager, world.ministry, "mastodon", "@health", world.account.api_base_url,
                               {"access_token": "new"}, None)  # fmt: skip

    account = type(world.account).objects.get(pk=world.account.pk)
    assert account.is_active and account.credentials == {"access_token": "new"}


def test_what_is_scheduled_shows_in_the_organisations_time_zone(world, client):
    builders.make_publication(world.variant, world.account, scheduled_at=dt.datetime(2026, 12, 20, 8, 0, tzinfo=dt.UTC))

    assert "20 Dec 2026 09:00 CET" in card(page(client, world.manager), world.account)  # Europe/Paris
