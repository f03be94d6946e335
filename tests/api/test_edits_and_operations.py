"""The rest of what the pages do, through the API: variants, sources and media of an item; notifications read;
pausing an organisation or an account; moving, resending and confirming a publication; disconnecting."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse
from django.utils import timezone

from campaigns.models import ContentItem, Notification, Source, VariantMedia
from publishing.models import Freeze, Publication, SocialAccount
from tests import builders

S = ContentItem.State
P = Publication.State


def test_an_editor_adds_a_variant_from_the_master_text(world, api_as):
    world.item.master_text = "Flu jabs are free for the over-65s."
    world.item.save()
    url = reverse("api:item-add-variant", args=[world.item.pk])
    body = {"version": world.item.version, "platform": "bluesky", "language": "fr"}

    added = api_as("editor").post(url, body, format="json")
    stale = api_as("editor").post(url, body | {"platform": "x"}, format="json")

    assert added.status_code == 201, added.json()
    assert added.json()["platform"] == "bluesky" and added.json()["text"] == "Flu jabs are free for the over-65s."
    assert stale.status_code == 409 and stale.json()["errors"][0]["code"] == "stale"
    assert sorted(world.item.variants.values_list("platform", flat=True)) == ["bluesky", "mastodon"]


def test_a_variant_in_a_language_the_campaign_does_not_have_is_refused_by_field(world, api_as):
    url = reverse("api:item-add-variant", args=[world.item.pk])

    response = api_as("editor").post(
        url, {"version": world.item.version, "platform": "bluesky", "language": "de"}, format="json"
    )

    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == "language"
    assert world.item.variants.count() == 1


def test_a_contributor_cannot_add_a_variant_to_someone_elses_item(world, api_as):
    world.item.author = world.editor
    world.item.save()

    response = api_as("contributor").post(
        reverse("api:item-add-variant", args=[world.item.pk]),
        {"version": world.item.version, "platform": "bluesky", "language": "en"},
        format="json",
    )

    assert response.status_code == 403 and response.json()["errors"][0]["code"] == "forbidden"
    assert world.item.variants.count() == 1


def test_the_sources_are_replaced_in_order_and_shown_with_the_item(world, api_as):
    client = api_as("editor")
    url = reverse("api:item-sources", args=[world.item.pk])
    sources = [
        {"url": "https://www.who.int/news-room/fact-sheets/detail/influenza-(seasonal)", "title": "WHO fact sheet"},
        {"url": "https://www.ecdc.europa.eu/en/seasonal-influenza", "title": ""},
    ]

    replaced = client.put(url, {"version": world.item.version, "sources": sources}, format="json")
    bad = client.put(
        url, {"version": replaced.json()["version"], "sources": [{"url": "not an address"}]}, format="json"
    )
    emptied = client.put(url, {"version": replaced.json()["version"], "sources": []}, format="json")

    assert replaced.status_code == 200, replaced.json()
    assert replaced.json()["sources"] == sources
    assert bad.status_code == 400 and bad.json()["errors"][0]["field"] == "sources.0.url"
    assert emptied.status_code == 200 and emptied.json()["sources"] == []
    assert not Source.objects.filter(item=world.item).exists()


def test_an_editor_attaches_describes_and_detaches_an_asset(world, api_as):
    client = api_as("editor")
    asset = builders.make_media(world.ministry, title="Flu card")
    variant_url = reverse("api:variant-attach", args=[world.variant.pk])

    attached = client.post(variant_url, {"version": world.item.version, "asset": asset.pk}, format="json")
    version = ContentItem.objects.get(pk=world.item.pk).version
    described = client.post(
        reverse("api:variant-alt-text", args=[world.variant.pk]),
        {"version": version, "asset": asset.pk, "alt_text": "A nurse gives a flu jab"},
        format="json",
    )
    version = ContentItem.objects.get(pk=world.item.pk).version
    detached = client.post(
        reverse("api:variant-detach", args=[world.variant.pk]), {"version": version, "asset": asset.pk}, format="json"
    )

    assert attached.status_code == 200 and attached.json()["media"] == [asset.pk]
    assert described.status_code == 200
    asset.refresh_from_db()
    assert asset.alt_text == {"en": "A nurse gives a flu jab"}
    assert detached.status_code == 200 and detached.json()["media"] == []
    assert not VariantMedia.objects.exists()
    assert asset.__class__.objects.filter(pk=asset.pk).exists()  # it stays in the library


def test_another_organisations_asset_cannot_be_attached(world, api_as):
    foreign = builders.make_media(world.clinic, title="Clinic card")

    response = api_as("editor").post(
        reverse("api:variant-attach", args=[world.variant.pk]),
        {"version": world.item.version, "asset": foreign.pk},
        format="json",
    )

    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == "asset"
    assert response.json()["errors"][0]["code"] == "does_not_exist"
    assert not VariantMedia.objects.exists()


def test_attaching_to_approved_content_sends_it_back_to_review(world, api_as):
    ContentItem.objects.filter(pk=world.item.pk).update(state=S.APPROVED)
    asset = builders.make_media(world.ministry, title="Flu card", alt_text={"en": "A nurse"})

    response = api_as("editor").post(
        reverse("api:variant-attach", args=[world.variant.pk]),
        {"version": world.item.version, "asset": asset.pk},
        format="json",
    )

    assert response.status_code == 200, response.json()
    assert ContentItem.objects.get(pk=world.item.pk).state == S.IN_REVIEW


def test_notifications_are_marked_read_by_id_or_all(world, api_as):
    mine = [
        Notification.objects.create(recipient=world.editor, item=world.item, kind="mentioned", message=f"Note {n}")
        for n in range(3)
    ]
    theirs = Notification.objects.create(recipient=world.manager, item=world.item, kind="mentioned", message="x")
    client = api_as("editor")
    url = reverse("api:notification-read")

    some = client.post(url, {"ids": [mine[0].pk, theirs.pk]}, format="json")
    rest = client.post(url, {}, format="json")
    bad = client.post(url, {"ids": ["one"]}, format="json")

    assert some.json() == {"marked": 1} and rest.json() == {"marked": 2}
    assert bad.status_code == 400 and bad.json()["errors"][0]["field"] == "ids.0"
    assert not Notification.objects.filter(recipient=world.editor, read_at__isnull=True).exists()
    assert Notification.objects.get(pk=theirs.pk).read_at is None


def test_a_manager_pauses_and_resumes_the_whole_organisation(world, api_as):
    manager = api_as("manager")
    campaign_pause = manager.post(
        reverse("api:campaign-pause", args=[world.campaign.pk]), {"reason": "Campaign check"}, format="json"
    )

    paused = manager.post(
        reverse("api:organisation-pause", args=[world.ministry.pk]),
        {"reason": "Crisis: hold everything"},
        format="json",
    )
    resumed = manager.post(reverse("api:organisation-resume", args=[world.ministry.pk]))
    again = manager.post(reverse("api:organisation-resume", args=[world.ministry.pk]))

    assert paused.status_code == 201, paused.json()
    assert paused.json()["campaign"] is None and paused.json()["account"] is None
    assert [f["id"] for f in resumed.json()["lifted"]] == [paused.json()["id"]]
    assert again.status_code == 409
    # The campaign's own pause is not the organisation's: it is still on.
    assert Freeze.objects.get(pk=campaign_pause.json()["id"]).lifted_at is None


def test_pausing_an_account_holds_its_publications_and_resuming_sends_them_back_to_review(world, api_as):
    ContentItem.objects.filter(pk=world.item.pk).update(state=S.SCHEDULED)
    builders.make_publication(world.variant, world.account)
    manager = api_as("manager")

    paused = manager.post(
        reverse("api:account-pause", args=[world.account.pk]), {"reason": "Password leak"}, format="json"
    )
    by_editor = api_as("editor").post(reverse("api:account-resume", args=[world.account.pk]))
    resumed = manager.post(reverse("api:account-resume", args=[world.account.pk]))

    assert paused.status_code == 201 and paused.json()["account"] == world.account.pk
    assert by_editor.status_code == 403
    assert resumed.status_code == 200 and resumed.json()["held_items"] == [world.item.pk]
    assert ContentItem.objects.get(pk=world.item.pk).state == S.IN_REVIEW


def test_a_publication_is_moved_but_not_into_the_past(world, api_as):
    ContentItem.objects.filter(pk=world.item.pk).update(state=S.SCHEDULED)
    publication = builders.make_publication(world.variant, world.account)
    url = reverse("api:publication-reschedule", args=[publication.pk])
    later = (timezone.now() + dt.timedelta(days=3)).replace(microsecond=0)

    moved = api_as("editor").post(url, {"when": later.isoformat()}, format="json")
    past = api_as("editor").post(url, {"when": "2020-01-01T09:00:00Z"}, format="json")
    by_contributor = api_as("contributor").post(url, {"when": later.isoformat()}, format="json")

    assert moved.status_code == 200, moved.json()
    assert Publication.objects.get(pk=publication.pk).scheduled_at == later
    assert past.status_code == 400 and past.json()["errors"][0]["code"] == "in_the_past"
    assert by_contributor.status_code == 403


def test_a_failed_publication_is_sent_again_and_an_unconfirmed_one_confirmed(world, api_as):
    failed = builders.make_publication(world.variant, world.account, state=P.FAILED)
    unconfirmed = builders.make_publication(
        world.variant, world.account, state=P.UNCONFIRMED, scheduled_at=timezone.now() - dt.timedelta(hours=1)
    )
    client = api_as("editor")

    retried = client.post(reverse("api:publication-retry-now", args=[failed.pk]))
    retried_twice = client.post(reverse("api:publication-retry-now", args=[failed.pk]))
    no_url = client.post(reverse("api:publication-confirm-published", args=[unconfirmed.pk]), {}, format="json")
    confirmed = client.post(
        reverse("api:publication-confirm-published", args=[unconfirmed.pk]),
        {"remote_url": "https://mastodon.example/@health/112233"},
        format="json",
    )

    assert retried.status_code == 200 and retried.json()["state"] == P.SCHEDULED
    assert retried_twice.status_code == 409 and retried_twice.json()["errors"][0]["code"] == "wrong_state"
    assert no_url.status_code == 400 and no_url.json()["errors"][0]["field"] == "remote_url"
    assert confirmed.status_code == 200 and confirmed.json()["state"] == P.PUBLISHED
    assert Publication.objects.get(pk=unconfirmed.pk).remote_id == "112233"


def test_a_manager_disconnects_an_account_and_its_schedule_is_cancelled(world, api_as):
    ContentItem.objects.filter(pk=world.item.pk).update(state=S.SCHEDULED)
    builders.make_publication(world.variant, world.account)

    by_editor = api_as("editor").post(reverse("api:account-disconnect", args=[world.account.pk]))
    done = api_as("manager").post(reverse("api:account-disconnect", args=[world.account.pk]))

    assert by_editor.status_code == 403
    assert done.status_code == 200, done.json()
    assert done.json()["cancelled_publications"] == 1 and done.json()["account"]["is_active"] is False
    assert "credentials" not in done.json()["account"]
    assert SocialAccount.objects.get(pk=world.account.pk).credentials in ({}, None, "")
