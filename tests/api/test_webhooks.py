"""Webhooks: registered by admins, sent signed to a real receiver on loopback, retried, and only where subscribed."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.urls import reverse
from django.utils import timezone

from api import webhooks
from api.models import Webhook, WebhookDelivery, WebhookEvent
from api.tasks import deliver_webhook
from campaigns.workflow import perform
from planner.celery import app as celery_app
from publishing import scheduling
from publishing.models import Publication
from tests import builders

E = WebhookEvent


@dataclass
class Receiver:
    """A webhook receiver on loopback that answers the statuses it is given, in turn (then 200)."""

    url: str = ""
    statuses: list[int] = field(default_factory=list)
    received: list[tuple[dict[str, str], bytes]] = field(default_factory=list)


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    found = Receiver()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers["Content-Length"]))
            found.received.append(({k.lower(): v for k, v in self.headers.items()}, body))
            self.send_response(found.statuses.pop(0) if found.statuses else 200)
            self.end_headers()

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    found.url = f"http://127.0.0.1:{server.server_address[1]}/hook"
    yield found
    server.shutdown()
    server.server_close()


@pytest.fixture
def eager_tasks() -> Iterator[None]:
    """Celery runs tasks in place: a retry's `apply_async(countdown=...)` runs the next attempt at once."""
    celery_app.conf.task_always_eager = True
    yield
    celery_app.conf.task_always_eager = False


def hook_of(organisation, url: str, events=(E.ITEM_APPROVED,), **fields) -> tuple[Webhook, str]:
    hook, secret = webhooks.create_webhook(
        organisation, organisation.memberships.get(role="admin").user, url, list(events)
    )
    if fields:
        Webhook.objects.filter(pk=hook.pk).update(**fields)
    return hook, secret


def verify(secret: str, body: bytes, header: str) -> bool:
    """The recipe of the README, as a receiver would write it."""
    expected = "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, header)


def approve(world) -> None:
    world.item.author = world.editor
    world.item.save()
    perform(world.item, "submit", world.editor)
    perform(world.item, "approve", world.manager)


# The API


def test_an_admin_registers_a_webhook_and_sees_its_secret_only_once(world, api_as):
    client = api_as("admin")
    body = {"organisation": world.ministry.pk, "url": "https://hooks.example/planner", "events": [E.ITEM_APPROVED]}

    created = client.post(reverse("api:webhook-list"), body, format="json")
    listed = client.get(reverse("api:webhook-list"))

    assert created.status_code == 201
    assert created.json()["secret"] == Webhook.objects.get().secret and len(created.json()["secret"]) == 64
    assert [hook["url"] for hook in listed.json()["results"]] == ["https://hooks.example/planner"]
    assert "secret" not in listed.json()["results"][0]


@pytest.mark.parametrize("persona", ["editor", "manager"])
def test_only_admins_register_webhooks(world, api_as, persona):
    body = {"organisation": world.ministry.pk, "url": "https://hooks.example/planner", "events": [E.ITEM_APPROVED]}

    response = api_as(persona).post(reverse("api:webhook-list"), body, format="json")

    assert response.status_code == 403
    assert response.json()["errors"][0]["code"] == "permission_denied"
    assert not Webhook.objects.exists()


def test_a_webhook_cannot_be_registered_for_another_organisation(world, api_as):
    body = {"organisation": world.clinic.pk, "url": "https://hooks.example/planner", "events": [E.ITEM_APPROVED]}

    response = api_as("admin").post(reverse("api:webhook-list"), body, format="json")

    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == "organisation"


def test_an_unknown_event_is_refused(world, api_as):
    body = {"organisation": world.ministry.pk, "url": "https://hooks.example/planner", "events": ["item.deleted"]}

    response = api_as("admin").post(reverse("api:webhook-list"), body, format="json")

    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == "events.0"


def test_non_admins_see_no_webhooks_and_an_admin_deletes_one(world, api_as):
    hook, _ = hook_of(world.ministry, "https://hooks.example/planner")

    assert api_as("manager").get(reverse("api:webhook-list")).json()["results"] == []
    assert api_as("manager").delete(reverse("api:webhook-detail", args=[hook.pk])).status_code == 404
    assert api_as("admin").delete(reverse("api:webhook-detail", args=[hook.pk])).status_code == 204
    assert not Webhook.objects.exists()


# Events and deliveries


def test_an_approval_is_sent_signed_after_commit(world, receiver, django_capture_on_commit_callbacks):
    _, secret = hook_of(world.ministry, receiver.url)

    with django_capture_on_commit_callbacks() as callbacks:
        approve(world)
    [delivery] = WebhookDelivery.objects.all()
    # The task is enqueued once the approval is committed, not before.
    assert [callback.args for callback in callbacks if "api.tasks.deliver_webhook" in repr(callback)] == [
        (delivery.pk,)
    ]
    assert receiver.received == []
    outcome = webhooks.deliver(delivery.pk)

    assert outcome.result == "delivered"
    [(headers, body)] = receiver.received
    assert verify(secret, body, headers["x-planner-signature"])
    assert not verify("another secret", body, headers["x-planner-signature"])
    assert headers["x-planner-event"] == "item.approved"
    assert headers["x-planner-delivery"] == str(delivery.event_id)
    assert abs(int(headers["x-planner-timestamp"]) - timezone.now().timestamp()) < 60
    sent = json.loads(body)
    assert sent["id"] == str(delivery.event_id) and sent["event"] == "item.approved"
    assert sent["data"]["item"] == {
        "id": world.item.pk, "title": world.item.title, "campaign": {"id": world.campaign.pk, "name": "Flu vaccination"}
    }  # fmt: skip
    assert dt.datetime.fromisoformat(sent["data"]["approved_at"]).tzinfo is not None
    assert WebhookDelivery.objects.get().delivered_at is not None


def test_a_delivery_answered_500_is_retried_with_the_same_id_then_succeeds(world, receiver):
    hook_of(world.ministry, receiver.url)
    receiver.statuses = [500]
    [delivery] = webhooks.notify(world.ministry, E.ITEM_APPROVED, {"item": {"id": 1}})

    first = webhooks.deliver(delivery.pk)
    second = webhooks.deliver(delivery.pk)

    assert (first.result, first.retry_in) == ("retrying", webhooks.FIRST_RETRY_AFTER)
    assert second.result == "delivered"
    delivery.refresh_from_db()
    assert (delivery.attempts, delivery.last_status, delivery.last_error) == (2, 200, "")
    ids = {headers["x-planner-delivery"] for headers, _ in receiver.received}
    bodies = {body for _, body in receiver.received}
    assert len(receiver.received) == 2 and len(ids) == 1 and len(bodies) == 1


def test_the_task_retries_with_growing_delays_then_gives_up_recording_the_error(world, receiver, eager_tasks):
    hook_of(world.ministry, receiver.url)
    receiver.statuses = [503] * webhooks.MAX_ATTEMPTS
    [delivery] = webhooks.notify(world.ministry, E.ITEM_APPROVED, {"item": {"id": 1}})

    deliver_webhook(delivery.pk)

    delivery.refresh_from_db()
    assert len(receiver.received) == delivery.attempts == webhooks.MAX_ATTEMPTS
    assert delivery.delivered_at is None and delivery.gave_up_at is not None
    assert delivery.last_status == 503 and delivery.last_error.startswith("Gave up: HTTP 503")
    assert webhooks.deliver(delivery.pk).result == "settled"  # a late duplicate message does nothing
    assert len(receiver.received) == webhooks.MAX_ATTEMPTS


def test_an_unreachable_receiver_is_retried(world):
    hook_of(world.ministry, "http://127.0.0.1:9/unreachable")
    [delivery] = webhooks.notify(world.ministry, E.ITEM_APPROVED, {})

    outcome = webhooks.deliver(delivery.pk)

    delivery.refresh_from_db()
    assert outcome.result == "retrying" and delivery.last_status is None and "ConnectError" in delivery.last_error


def test_a_delivered_event_is_not_sent_twice(world, receiver):
    hook_of(world.ministry, receiver.url)
    [delivery] = webhooks.notify(world.ministry, E.ITEM_APPROVED, {})

    webhooks.deliver(delivery.pk)
    again = webhooks.deliver(delivery.pk)

    assert again.result == "settled" and len(receiver.received) == 1


def test_no_delivery_for_an_inactive_hook_or_an_unsubscribed_event(world, receiver):
    hook_of(world.ministry, receiver.url, is_active=False)
    hook_of(world.ministry, receiver.url, events=[E.PUBLICATION_FAILED])

    approve(world)

    assert not WebhookDelivery.objects.exists()


def test_a_hook_deactivated_after_the_event_gets_nothing(world, receiver):
    hook, _ = hook_of(world.ministry, receiver.url)
    [delivery] = webhooks.notify(world.ministry, E.ITEM_APPROVED, {})
    Webhook.objects.filter(pk=hook.pk).update(is_active=False)

    assert webhooks.deliver(delivery.pk).result == "inactive"
    assert receiver.received == []


def test_another_organisation_never_gets_the_event(world, receiver):
    hook_of(world.clinic, receiver.url, events=list(E))

    approve(world)

    assert not WebhookDelivery.objects.exists()


def test_a_publication_confirmed_by_hand_is_sent_as_published(world, receiver):
    hook, _ = hook_of(world.ministry, receiver.url, events=[E.PUBLICATION_PUBLISHED])
    publication = builders.make_publication(world.variant, world.account, state=Publication.State.UNCONFIRMED)

    scheduling.confirm_published(publication, world.manager, "https://social.example/@ministry/42")

    [delivery] = WebhookDelivery.objects.filter(webhook=hook)
    assert delivery.event == E.PUBLICATION_PUBLISHED
    sent = delivery.payload["publication"]
    assert sent["id"] == publication.pk and sent["platform"] == world.account.platform
    assert sent["remote_url"] == "https://social.example/@ministry/42"
    assert dt.datetime.fromisoformat(sent["published_at"]).tzinfo is not None
    assert delivery.payload["item"]["id"] == world.item.pk
