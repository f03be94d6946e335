"""Writes through the API: campaigns, items, variants, scheduling and pausing, by the same services as the pages."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse
from django.utils import timezone

from campaigns.models import Campaign, ContentItem, MediaAsset
from publishing.models import Freeze, Publication
from tests import media_files

S = ContentItem.State


def campaign_body(world, **fields) -> dict:
    today = timezone.localdate()
    return {
        "organisation": world.ministry.pk, "name": "Measles catch-up", "goal": "Vaccinate the children who missed it",
        "start_date": today.isoformat(), "end_date": (today + dt.timedelta(days=30)).isoformat(),
        "hashtags": ["#Measles"], "priority": 2,
    } | fields  # fmt: skip


def test_a_manager_sets_up_a_campaign(world, api_as):
    response = api_as("manager").post(reverse("api:campaign-list"), campaign_body(world), format="json")

    assert response.status_code == 201, response.json()
    campaign = Campaign.objects.get(pk=response.json()["id"])
    assert campaign.organisation == world.ministry and campaign.created_by == world.manager
    assert campaign.history.first().history_change_reason == "Created through the API"


def test_an_editor_cannot_set_up_a_campaign(world, api_as):
    response = api_as("editor").post(reverse("api:campaign-list"), campaign_body(world), format="json")

    assert response.status_code == 403
    assert response.json()["errors"][0]["code"] == "forbidden"
    assert not Campaign.objects.filter(name="Measles catch-up").exists()


def test_a_campaign_cannot_be_set_up_in_another_organisation(world, api_as):
    response = api_as("manager").post(
        reverse("api:campaign-list"), campaign_body(world, organisation=world.clinic.pk), format="json"
    )

    assert response.status_code == 400
    assert response.json()["errors"][0] == {
        "field": "organisation", "code": "does_not_exist", "message": f'Invalid pk "{world.clinic.pk}" - object does not exist.'
    }  # fmt: skip


def test_the_models_validation_answers_per_field(world, api_as):
    client = api_as("manager")
    today = timezone.localdate()

    ends_first = client.post(
        reverse("api:campaign-list"),
        campaign_body(world, end_date=(today - dt.timedelta(days=1)).isoformat()),
        format="json",
    )
    same_name = client.post(reverse("api:campaign-list"), campaign_body(world, name="FLU VACCINATION"), format="json")
    bad_tag = client.post(reverse("api:campaign-list"), campaign_body(world, hashtags=["no hash"]), format="json")

    assert ends_first.status_code == same_name.status_code == bad_tag.status_code == 400
    assert "The campaign cannot end before it starts." in str(ends_first.json())
    assert "already has a campaign with this name" in str(same_name.json())
    assert bad_tag.json()["errors"][0]["field"] == "hashtags"


def test_a_manager_changes_a_campaign_and_an_editor_cannot(world, api_as):
    url = reverse("api:campaign-detail", args=[world.campaign.pk])

    refused = api_as("editor").patch(url, {"goal": "New goal"}, format="json")
    changed = api_as("manager").patch(url, {"goal": "New goal"}, format="json")

    assert refused.status_code == 403
    assert changed.status_code == 200 and changed.json()["goal"] == "New goal"


def test_a_contributor_drafts_an_item_with_variants(world, api_as):
    body = {
        "campaign": world.campaign.pk, "title": "Jabs at the pharmacy", "master_text": "Ask your pharmacist. #FluVaccine",
        "platforms": ["mastodon", "bluesky"], "languages": ["en"],
    }  # fmt: skip

    response = api_as("contributor").post(reverse("api:item-list"), body, format="json")

    assert response.status_code == 201, response.json()
    row = response.json()
    assert row["state"] == S.DRAFT and row["author"] == "carla.contributor"
    assert sorted(v["platform"] for v in row["variants"]) == ["bluesky", "mastodon"]


def test_an_item_cannot_be_drafted_in_another_organisations_campaign(world, api_as):
    response = api_as("editor").post(
        reverse("api:item-list"), {"campaign": world.clinic_campaign.pk, "title": "Sneaky"}, format="json"
    )

    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == "campaign"
    assert not ContentItem.objects.filter(title="Sneaky").exists()


def test_an_edit_on_a_stale_version_is_a_conflict(world, api_as):
    item = world.item
    client = api_as("editor")
    url = reverse("api:item-detail", args=[item.pk])

    saved = client.patch(url, {"version": item.version, "title": "New title"}, format="json")
    stale = client.patch(url, {"version": item.version, "title": "Another title"}, format="json")
    unversioned = client.patch(url, {"title": "Another title"}, format="json")

    assert saved.status_code == 200 and saved.json()["version"] == item.version + 1
    assert stale.status_code == 409 and stale.json()["errors"][0]["code"] == "stale"
    assert unversioned.status_code == 400
    assert unversioned.json()["errors"] == [
        {"field": "version", "code": "required", "message": "Give the version you read."}
    ]
    item.refresh_from_db()
    assert item.title == "New title"


def test_editing_approved_content_sends_it_back_to_review(world, api_as):
    approved = approve(world, api_as)

    response = api_as("editor").patch(
        reverse("api:variant-detail", args=[world.variant.pk]),
        {"version": approved["version"], "text": "Changed after approval. #FluVaccine"},
        format="json",
    )

    assert response.status_code == 200 and response.json()["text"].startswith("Changed after approval")
    world.item.refresh_from_db()
    assert world.item.state == S.IN_REVIEW


def approve(world, api_as) -> dict:
    world.item.author = world.editor
    world.item.save()
    api_as("editor").post(reverse("api:item-submit", args=[world.item.pk]), {}, format="json")
    response = api_as("manager").post(reverse("api:item-approve", args=[world.item.pk]), {}, format="json")
    assert response.status_code == 200, response.json()
    return response.json()


def test_an_editor_schedules_the_approved_item_and_unschedules_it(world, api_as):
    approve(world, api_as)
    client = api_as("editor")
    when = timezone.now() + dt.timedelta(days=2)
    target = {"variant": world.variant.pk, "account": world.account.pk}
    body = {"when": when.isoformat(), "targets": [target, target]}  # twice: still one publication

    scheduled = client.post(reverse("api:item-schedule", args=[world.item.pk]), body, format="json")
    unscheduled = client.post(reverse("api:item-unschedule", args=[world.item.pk]), {}, format="json")

    assert scheduled.status_code == 201, scheduled.json()
    [publication] = scheduled.json()
    assert publication["account"] == world.account.pk and publication["state"] == "scheduled"
    assert unscheduled.status_code == 200 and unscheduled.json()["state"] == S.APPROVED
    assert Publication.objects.get(pk=publication["id"]).state == Publication.State.CANCELLED


def test_scheduling_refuses_a_past_time_and_an_unapproved_item(world, api_as):
    client = api_as("editor")
    target = [{"variant": world.variant.pk, "account": world.account.pk}]
    url = reverse("api:item-schedule", args=[world.item.pk])

    past = client.post(url, {"when": "2020-01-01T09:00:00Z", "targets": target}, format="json")
    unapproved = client.post(
        url, {"when": (timezone.now() + dt.timedelta(days=1)).isoformat(), "targets": target}, format="json"
    )

    assert past.status_code == 400 and past.json()["errors"][0] == {
        "field": "when", "code": "in_the_past", "message": "This time has passed; choose a time to come."
    }  # fmt: skip
    assert unapproved.status_code == 409 and unapproved.json()["errors"][0]["code"] == "not_approved"


def test_an_account_of_another_organisation_cannot_be_a_target(world, api_as):
    approve(world, api_as)
    body = {
        "when": (timezone.now() + dt.timedelta(days=1)).isoformat(),
        "targets": [{"variant": world.variant.pk, "account": world.clinic_account.pk}],
    }

    response = api_as("editor").post(reverse("api:item-schedule", args=[world.item.pk]), body, format="json")

    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == "targets.0.account"
    assert not Publication.objects.exists()


def test_a_manager_pauses_and_resumes_a_campaign(world, api_as):
    manager = api_as("manager")
    pause_url = reverse("api:campaign-pause", args=[world.campaign.pk])
    resume_url = reverse("api:campaign-resume", args=[world.campaign.pk])

    no_reason = manager.post(pause_url, {}, format="json")
    paused = manager.post(pause_url, {"reason": "A correction is coming"}, format="json")
    resumed = manager.post(resume_url)
    again = manager.post(resume_url)

    assert no_reason.status_code == 400 and no_reason.json()["errors"][0]["field"] == "reason"
    assert paused.status_code == 201 and paused.json()["campaign"] == world.campaign.pk
    assert resumed.status_code == 200 and [f["id"] for f in resumed.json()["lifted"]] == [paused.json()["id"]]
    assert again.status_code == 409 and again.json()["errors"][0]["code"] == "wrong_state"
    assert Freeze.objects.get().lifted_by == world.manager


def test_an_editor_cannot_pause_publishing(world, api_as):
    response = api_as("editor").post(
        reverse("api:campaign-pause", args=[world.campaign.pk]), {"reason": "Oops"}, format="json"
    )

    assert response.status_code == 403
    assert not Freeze.objects.exists()


def test_an_editor_uploads_an_image_and_describes_it(world, api_as):
    client = api_as("editor")
    png = media_files.upload("hands.png", media_files.image_bytes("PNG"))

    uploaded = client.post(reverse("api:media-list"), {"organisation": world.ministry.pk, "file": png, "title": ""})
    asset_id = uploaded.json()["id"]
    described = client.patch(
        reverse("api:media-detail", args=[asset_id]), {"alt_text": {"en": "Hands under a tap"}}, format="json"
    )

    assert uploaded.status_code == 201, uploaded.json()
    assert uploaded.json()["title"] == "hands" and uploaded.json()["mime_type"] == "image/png"
    assert uploaded.json()["file"].startswith("http://testserver/")
    assert described.status_code == 200 and described.json()["alt_text"] == {"en": "Hands under a tap"}
    assert MediaAsset.objects.get(pk=asset_id).history.first().history_change_reason == "Edited in the library"


def test_a_refused_upload_is_a_400_on_the_file_and_stores_nothing(world, api_as):
    bomb = media_files.upload("big.png", media_files.png_bomb())

    response = api_as("editor").post(reverse("api:media-list"), {"organisation": world.ministry.pk, "file": bomb})

    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == "file"
    assert not MediaAsset.objects.exists()


def test_nobody_uploads_to_another_organisations_library(world, api_as):
    png = media_files.upload("hands.png", media_files.image_bytes("PNG"))

    response = api_as("editor").post(reverse("api:media-list"), {"organisation": world.clinic.pk, "file": png})

    assert response.status_code == 400 and response.json()["errors"][0]["field"] == "organisation"
    assert not MediaAsset.objects.exists()


def test_a_contributor_edits_their_own_items_only(world, api_as):
    item = world.item
    item.author = world.editor
    item.save()

    response = api_as("contributor").patch(
        reverse("api:item-detail", args=[item.pk]), {"version": item.version, "title": "Mine now"}, format="json"
    )

    assert response.status_code == 403
    assert response.json()["errors"] == [
        {"field": None, "code": "forbidden", "message": "Contributors edit their own items only."}
    ]
