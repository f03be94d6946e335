"""Each action leaves one audit event with its actor, whether made in the web UI or through the API."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from api.models import Webhook, WebhookEvent
from audit.models import Event
from campaigns import editing
from campaigns.models import ContentItem
from campaigns.workflow import perform
from publishing import connecting
from publishing.models import Freeze, Publication
from tests import builders
from tests.audit.conftest import trail

S = ContentItem.State


def approved(world) -> ContentItem:
    perform(world.item, "submit", world.editor)
    return perform(world.item, "approve", world.manager)


def local_input(moment: dt.datetime, world) -> str:
    return moment.astimezone(world.ministry.zone).strftime("%Y-%m-%dT%H:%M")


# Content


def test_drafting_an_item_in_the_editor_is_recorded_once(world, web_as):
    form = {"title": "Flu shots at pharmacies", "kind": "post", "master_text": "Get vaccinated #FluVaccine",
            "platforms": ["mastodon"], "languages": ["en"], "planned_at": ""}  # fmt: skip

    response = web_as("editor").post(reverse("item_new", args=[world.campaign.pk]), form)

    item = ContentItem.objects.get(title="Flu shots at pharmacies")
    assert response.status_code == 302
    assert trail("item.created") == [("eve.editor", "item", str(item.pk))]
    assert Event.objects.get(action="item.created").details["variants"] == ["mastodon/en"]


def test_drafting_an_item_through_the_api_is_recorded_once(world, api_as):
    body = {"campaign": world.campaign.pk, "title": "Jabs", "master_text": "Ask. #FluVaccine",
            "platforms": ["mastodon"], "languages": ["en"]}  # fmt: skip

    response = api_as("contributor").post(reverse("api:item-list"), body, format="json")

    assert response.status_code == 201, response.json()
    assert trail("item.created") == [("carla.contributor", "item", str(response.json()["id"]))]


def test_editing_a_variant_in_the_editor_records_what_changed(world, web_as):
    url = reverse("variant_save", args=[world.item.pk, world.variant.pk])
    body = {"text": "Book your free jab #FluVaccine", "link": "", "first_comment": "", "version": world.item.version}

    response = web_as("editor").post(url, body)

    assert response.status_code in (200, 302)
    assert trail("item.edited") == [("eve.editor", "item", str(world.item.pk))]
    details = Event.objects.get(action="item.edited").details
    assert details["change"] == "variant" and details["fields"] == ["text"] and details["variant"] == world.variant.pk
    assert details["version"] == world.item.version + 1


def test_an_unchanged_save_records_nothing(world, web_as):
    url = reverse("variant_save", args=[world.item.pk, world.variant.pk])
    body = {"text": world.variant.text, "link": "", "first_comment": "", "version": world.item.version}

    web_as("editor").post(url, body)

    assert trail("item.edited") == []


def test_editing_through_the_api_is_recorded_once(world, api_as):
    url = reverse("api:item-detail", args=[world.item.pk])

    response = api_as("editor").patch(url, {"version": world.item.version, "title": "New title"}, format="json")

    assert response.status_code == 200, response.json()
    assert trail("item.edited") == [("eve.editor", "item", str(world.item.pk))]
    assert Event.objects.get(action="item.edited").details["fields"] == ["title"]


def test_a_refused_edit_records_nothing(world, api_as):
    url = reverse("api:item-detail", args=[world.item.pk])

    stale = api_as("editor").patch(url, {"version": world.item.version - 1, "title": "Late"}, format="json")

    assert stale.status_code == 409
    assert not Event.objects.exists()


def test_editing_approved_content_records_the_edit_and_the_return_to_review(world):
    approved(world)

    editing.edit_item(world.item, world.editor, world.item.version, {"title": "Changed after approval"})

    assert trail("item.edited") == [("eve.editor", "item", str(world.item.pk))]
    assert trail("item.return_to_review") == [("eve.editor", "item", str(world.item.pk))]


# Workflow


def test_transitions_in_the_web_ui_are_recorded_once_each_with_their_actor(world, web_as):
    web_as("editor").post(reverse("item_move", args=[world.item.pk, "submit"]))
    web_as("manager").post(
        reverse("item_move", args=[world.item.pk, "request_changes"]), {"comment": "Add a source, please"}
    )

    assert trail("item.submit") == [("eve.editor", "item", str(world.item.pk))]
    assert trail("item.request_changes") == [("mona.manager", "item", str(world.item.pk))]
    event = Event.objects.get(action="item.request_changes")
    assert event.details == {"from": S.IN_REVIEW, "to": S.CHANGES_REQUESTED, "comment": "Add a source, please"}
    assert event.organisation == world.ministry and event.actor == world.manager


def test_transitions_through_the_api_are_recorded_once_each(world, api_as):
    api_as("editor").post(reverse("api:item-submit", args=[world.item.pk]), {}, format="json")
    api_as("manager").post(reverse("api:item-approve", args=[world.item.pk]), {"comment": "Fine"}, format="json")
    api_as("editor").post(reverse("api:item-archive", args=[world.item.pk]), {}, format="json")

    assert trail("item.submit") == [("eve.editor", "item", str(world.item.pk))]
    assert trail("item.approve") == [("mona.manager", "item", str(world.item.pk))]
    assert trail("item.archive") == [("eve.editor", "item", str(world.item.pk))]


def test_a_refused_transition_records_nothing(world, api_as):
    response = api_as("contributor").post(reverse("api:item-archive", args=[world.item.pk]), {}, format="json")

    assert response.status_code == 403
    assert not Event.objects.exists()


def test_the_publishing_engine_is_recorded_as_the_system(world):
    approved(world)
    ContentItem.objects.filter(pk=world.item.pk).update(state=S.SCHEDULED)

    perform(world.item, "mark_published", None)

    assert trail("item.mark_published") == [("", "item", str(world.item.pk))]
    assert Event.objects.get(action="item.mark_published").actor is None


# Scheduling


def test_scheduling_in_the_web_ui_records_when_and_where(world, web_as):
    approved(world)
    when = timezone.now().replace(second=0, microsecond=0) + dt.timedelta(days=3)

    response = web_as("editor").post(
        reverse("item_schedule", args=[world.item.pk]),
        {"when": local_input(when, world), "targets": [f"{world.variant.pk}:{world.account.pk}"]},
    )

    assert response.status_code == 302
    assert trail("item.schedule") == [("eve.editor", "item", str(world.item.pk))]
    details = Event.objects.get(action="item.schedule").details
    assert details["when"] == when.astimezone(dt.UTC).isoformat()
    assert details["targets"] == ["mastodon/en → @health"]


def test_scheduling_and_unscheduling_through_the_api_are_recorded_once_each(world, api_as):
    approved(world)
    client = api_as("editor")
    body = {"when": (timezone.now() + dt.timedelta(days=2)).isoformat(),
            "targets": [{"variant": world.variant.pk, "account": world.account.pk}]}  # fmt: skip

    scheduled = client.post(reverse("api:item-schedule", args=[world.item.pk]), body, format="json")
    unscheduled = client.post(reverse("api:item-unschedule", args=[world.item.pk]), {}, format="json")

    assert scheduled.status_code == 201 and unscheduled.status_code == 200
    assert trail("item.schedule") == [("eve.editor", "item", str(world.item.pk))]
    assert trail("item.unschedule") == [("eve.editor", "item", str(world.item.pk))]


def test_rescheduling_on_the_calendar_records_the_old_and_new_times(world, web_as):
    before = (timezone.now() + dt.timedelta(days=3)).replace(second=0, microsecond=0)
    publication = builders.make_publication(world.variant, world.account, scheduled_at=before)
    after = before + dt.timedelta(days=1, hours=2)

    response = web_as("editor").post(
        reverse("calendar_move", args=[publication.pk]), {"when": local_input(after, world)}
    )

    assert response.status_code in (200, 302)
    assert trail("publication.rescheduled") == [("eve.editor", "publication", str(publication.pk))]
    details = Event.objects.get(action="publication.rescheduled").details
    assert details == {"from": before.astimezone(dt.UTC).isoformat(), "to": after.astimezone(dt.UTC).isoformat()}


def test_rescheduling_through_the_api_is_recorded_once(world, api_as):
    publication = builders.make_publication(world.variant, world.account)
    later = (timezone.now() + dt.timedelta(days=3)).replace(microsecond=0)

    moved = api_as("editor").post(
        reverse("api:publication-reschedule", args=[publication.pk]), {"when": later.isoformat()}, format="json"
    )

    assert moved.status_code == 200, moved.json()
    assert trail("publication.rescheduled") == [("eve.editor", "publication", str(publication.pk))]


def test_a_publication_that_cannot_move_records_nothing(world, api_as):
    publication = builders.make_publication(world.variant, world.account, state=Publication.State.CANCELLED)
    later = (timezone.now() + dt.timedelta(days=3)).replace(microsecond=0)

    refused = api_as("editor").post(
        reverse("api:publication-reschedule", args=[publication.pk]), {"when": later.isoformat()}, format="json"
    )

    assert refused.status_code == 409
    assert trail("publication.rescheduled") == []


# Pauses


def test_pausing_and_resuming_on_the_freeze_page_are_recorded(world, web_as):
    client = web_as("manager")

    client.post(reverse("freezes"), {"organisation": world.ministry.pk, "reason": "A tragedy this morning"})
    freeze = Freeze.objects.get()
    client.post(reverse("freeze_lift", args=[freeze.pk]))

    assert trail("freeze.started") == [("mona.manager", "freeze", str(freeze.pk))]
    assert trail("freeze.lifted") == [("mona.manager", "freeze", str(freeze.pk))]
    started = Event.objects.get(action="freeze.started")
    assert started.details == {"scope": "organisation", "reason": "A tragedy this morning"}


def test_pausing_and_resuming_through_the_api_are_recorded(world, api_as):
    manager = api_as("manager")

    paused = manager.post(reverse("api:campaign-pause", args=[world.campaign.pk]), {"reason": "Check"}, format="json")
    manager.post(reverse("api:campaign-resume", args=[world.campaign.pk]))

    freeze_id = str(paused.json()["id"])
    assert trail("freeze.started") == [("mona.manager", "freeze", freeze_id)]
    assert trail("freeze.lifted") == [("mona.manager", "freeze", freeze_id)]
    assert Event.objects.get(action="freeze.started").details["scope"] == "campaign"


# Accounts and webhooks


def test_connecting_an_account_is_recorded_without_its_credentials(world):
    account = connecting.save_connection(
        world.manager, world.ministry, "mastodon", "@newsroom", "https://social.example/",
        {"access_token": "very-secret-token"}, 3600,
    )  # fmt: skip

    assert trail("account.connected") == [("mona.manager", "account", str(account.pk))]
    event = Event.objects.get(action="account.connected")
    assert event.details == {"platform": "mastodon", "handle": "@newsroom", "server": "https://social.example/",
                             "reconnected": False}  # fmt: skip
    assert "very-secret-token" not in str(Event.objects.values_list("details", "object_label"))


def test_disconnecting_on_the_accounts_page_and_through_the_api_is_recorded(world, web_as, api_as):
    other = builders.make_account(world.ministry, handle="@second")

    web_as("manager").post(reverse("account_disconnect", args=[world.account.pk]))
    api_as("admin").post(reverse("api:account-disconnect", args=[other.pk]))

    assert trail("account.disconnected") == [
        ("mona.manager", "account", str(world.account.pk)),
        ("ada.admin", "account", str(other.pk)),
    ]
    assert "secret-token-value" not in str(Event.objects.values_list("details", flat=True))


def test_registering_and_deleting_a_webhook_are_recorded_without_its_secret(world, api_as, dns):
    client = api_as("admin")
    body = {"organisation": world.ministry.pk, "url": "https://hooks.example/planner?key=abc",
            "events": [WebhookEvent.ITEM_APPROVED]}  # fmt: skip

    created = client.post(reverse("api:webhook-list"), body, format="json")
    hook = Webhook.objects.get()
    deleted = client.delete(reverse("api:webhook-detail", args=[hook.pk]))

    assert created.status_code == 201 and deleted.status_code == 204
    assert trail("webhook.created") == [("ada.admin", "webhook", str(hook.pk))]
    assert trail("webhook.deleted") == [("ada.admin", "webhook", str(hook.pk))]
    stored = str(list(Event.objects.values_list("details", "object_label")))
    assert hook.secret not in stored and "key=abc" not in stored
    assert Event.objects.get(action="webhook.created").object_label == "https://hooks.example/planner"


@pytest.mark.parametrize("persona", ["editor", "manager"])
def test_a_refused_webhook_registration_records_nothing(world, api_as, dns, persona):
    body = {"organisation": world.ministry.pk, "url": "https://hooks.example/p", "events": [WebhookEvent.ITEM_APPROVED]}

    api_as(persona).post(reverse("api:webhook-list"), body, format="json")

    assert not Event.objects.exists()
