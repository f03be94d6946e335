"""Webhooks: registered by admins on public https URLs, sent signed to a real receiver on loopback (an allowed
host), retried, sent again when a retry is lost, and only where subscribed."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from api import webhooks
from api.models import Webhook, WebhookDelivery, WebhookEvent
from api.tasks import deliver_webhook, resend_lost_webhook_retries
from campaigns.workflow import perform
from planner.celery import app as celery_app
from publishing import scheduling
from publishing.models import Publication
from tests import builders

E = WebhookEvent


@dataclass
class Receiver:
    """A webhook receiver on loopback that answers the statuses it is given, in turn (then 200).

    With `endless_body`, an error's body is announced as huge and never finished: a sender must stop reading.
    """

    url: str = ""
    statuses: list[int] = field(default_factory=list)
    received: list[tuple[dict[str, str], bytes]] = field(default_factory=list)
    endless_body: bool = False
    trickle: bool = False  # the endless body comes a byte at a time, each well within the read timeout
    done: threading.Event = field(default_factory=threading.Event)


@pytest.fixture
def receiver(settings) -> Iterator[Receiver]:
    settings.PLANNER_WEBHOOK_ALLOWED_HOSTS = ["127.0.0.1"]
    found = Receiver()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers["Content-Length"]))
            found.received.append(({k.lower(): v for k, v in self.headers.items()}, body))
            status = found.statuses.pop(0) if found.statuses else 200
            self.send_response(status)
            if found.endless_body and status >= 300:
                self.send_header("Content-Length", str(100 * 1024 * 1024))
                self.end_headers()
                if found.trickle:
                    for _ in range(200):
                        if found.done.wait(0.05):
                            return
                        self.wfile.write(b"x")
                        self.wfile.flush()
                self.wfile.write(b"x" * 8192)
                self.wfile.flush()
                found.done.wait(timeout=20)
                return
            self.end_headers()

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    found.url = f"http://127.0.0.1:{server.server_address[1]}/hook"
    yield found
    found.done.set()
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


TOLERANCE_S = 300


def is_from_planner(secret: str, raw_body: bytes, signature_header: str, now: float | None = None) -> bool:
    """The recipe of the README, as a receiver would write it."""
    try:
        fields = dict(part.split("=", 1) for part in signature_header.split(","))
        timestamp = int(fields["t"])
    except (KeyError, ValueError):
        return False
    if abs((time.time() if now is None else now) - timestamp) > TOLERANCE_S:
        return False  # an old delivery played again (or a clock far off)
    expected = hmac.new(secret.encode(), f"{timestamp}.".encode() + raw_body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, fields.get("sha256", ""))


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
        (delivery.pk, 1)
    ]
    assert receiver.received == []
    outcome = webhooks.deliver(delivery.pk)

    assert outcome.result == "delivered"
    [(headers, body)] = receiver.received
    assert is_from_planner(secret, body, headers["x-planner-signature"])
    assert not is_from_planner("another secret", body, headers["x-planner-signature"])
    assert headers["x-planner-event"] == "item.approved"
    assert headers["x-planner-delivery"] == str(delivery.event_id)
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


def test_an_unreachable_receiver_is_retried(world, settings):
    settings.PLANNER_WEBHOOK_ALLOWED_HOSTS = ["127.0.0.1"]
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


# Where a hook may point: https on a public address, at registration and at each attempt


@pytest.mark.parametrize(
    ("url", "code"),
    [
        ("http://hooks.example/planner", "scheme_not_allowed"),
        ("https://127.0.0.1/planner", "not_public"),
        ("https://[::1]/planner", "not_public"),
        ("https://169.254.169.254/latest/meta-data", "not_public"),
        ("https://internal.example/planner", "not_public"),
        ("https://nowhere.invalid/planner", "unresolvable"),
    ],
)
def test_a_webhook_must_be_https_on_a_public_address(world, api_as, public_dns, url, code):
    public_dns["internal.example"] = "10.1.2.3"
    body = {"organisation": world.ministry.pk, "url": url, "events": [E.ITEM_APPROVED]}

    response = api_as("admin").post(reverse("api:webhook-list"), body, format="json")

    assert response.status_code == 400
    [refusal] = response.json()["errors"]
    assert (refusal["field"], refusal["code"]) == ("url", code) and refusal["message"]
    assert not Webhook.objects.exists()


def test_a_loopback_receiver_is_refused_unless_its_host_is_allowed(world, settings):
    settings.PLANNER_WEBHOOK_ALLOWED_HOSTS = []
    with pytest.raises(ValidationError) as refused:
        hook_of(world.ministry, "http://127.0.0.1:8000/hook")
    settings.PLANNER_WEBHOOK_ALLOWED_HOSTS = ["127.0.0.1"]
    hook, _ = hook_of(world.ministry, "http://127.0.0.1:8000/hook")

    assert refused.value.message_dict["url"] and hook.pk


def test_a_host_that_now_resolves_to_a_private_address_is_not_sent_to(world, public_dns, receiver):
    hook_of(world.ministry, "https://hooks.example/planner")
    [delivery] = webhooks.notify(world.ministry, E.ITEM_APPROVED, {})
    public_dns["hooks.example"] = "127.0.0.1"  # DNS rebinding: after the check at registration

    outcome = webhooks.deliver(delivery.pk)

    delivery.refresh_from_db()
    assert outcome.result == "retrying" and delivery.attempts == 1 and delivery.last_status is None
    assert delivery.last_error == "Not sent: hooks.example resolves to an address that is not public (127.0.0.1)"


def test_an_attempt_connects_to_the_address_it_checked_without_resolving_the_name_again(
    world, public_dns, receiver, settings, monkeypatch
):
    port = receiver.url.split(":")[2].split("/")[0]
    settings.PLANNER_WEBHOOK_ALLOWED_HOSTS = ["receiver.example"]
    public_dns["receiver.example"] = "127.0.0.1"
    hook_of(world.ministry, f"http://receiver.example:{port}/hook")
    [delivery] = webhooks.notify(world.ministry, E.ITEM_APPROVED, {})
    answers = iter(["127.0.0.1", "10.255.255.1"])  # a second lookup would get an address nobody answers on
    asked: list[str] = []
    resolving = socket.getaddrinfo

    def rebinding(host, *args, **kwargs):
        if host == "receiver.example":
            asked.append(host)
            public_dns[host] = next(answers)
        return resolving(host, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", rebinding)

    outcome = webhooks.deliver(delivery.pk)

    assert outcome.result == "delivered" and asked == ["receiver.example"]
    [(headers, _)] = receiver.received
    assert headers["host"] == f"receiver.example:{port}"


def test_a_receiver_that_answers_slowly_is_cut_off_at_the_deadline(world, receiver, settings):
    settings.PLANNER_WEBHOOK_DEADLINE_S = 0.5
    hook_of(world.ministry, receiver.url)
    receiver.statuses, receiver.endless_body = [500], True
    receiver.trickle = True
    [delivery] = webhooks.notify(world.ministry, E.ITEM_APPROVED, {})

    started = time.monotonic()
    outcome = webhooks.deliver(delivery.pk)

    assert time.monotonic() - started < 2
    delivery.refresh_from_db()
    assert outcome.result == "retrying" and delivery.last_error.startswith("ReadTimeout")


def test_an_error_answer_is_read_only_so_far(world, receiver):
    hook_of(world.ministry, receiver.url)
    receiver.statuses, receiver.endless_body = [500], True
    [delivery] = webhooks.notify(world.ministry, E.ITEM_APPROVED, {})

    started = time.monotonic()
    outcome = webhooks.deliver(delivery.pk)

    # The receiver never finishes its 100 MB: the worker stops after a kilobyte, not at the read timeout.
    assert time.monotonic() - started < webhooks.READ_TIMEOUT_S / 2
    delivery.refresh_from_db()
    assert outcome.result == "retrying" and delivery.last_error == "HTTP 500: " + "x" * 200


# The signature covers the time


def test_a_signature_checked_as_the_readme_says_refuses_a_replay_and_a_changed_time(world, receiver):
    _, secret = hook_of(world.ministry, receiver.url)
    [delivery] = webhooks.notify(world.ministry, E.ITEM_APPROVED, {"item": {"id": 1}})
    webhooks.deliver(delivery.pk)
    [(headers, body)] = receiver.received
    header = headers["x-planner-signature"]
    sent_at = int(header.split(",")[0].removeprefix("t="))

    assert abs(sent_at - time.time()) < 60
    assert is_from_planner(secret, body, header)
    assert is_from_planner(secret, body, header, now=sent_at + TOLERANCE_S)
    assert not is_from_planner(secret, body, header, now=sent_at + TOLERANCE_S + 1)  # replayed later
    assert not is_from_planner(secret, body, header.replace(f"t={sent_at}", f"t={sent_at + 100}"))
    assert not is_from_planner(secret, body + b" ", header)
    assert not is_from_planner(secret, body, "sha256=" + header.split("sha256=")[1])


# Lost messages


def test_a_duplicate_message_for_an_attempt_does_nothing(world, receiver):
    hook_of(world.ministry, receiver.url)
    receiver.statuses = [500, 500]
    [delivery] = webhooks.notify(world.ministry, E.ITEM_APPROVED, {})

    first = webhooks.deliver(delivery.pk, attempt=1)
    again = webhooks.deliver(delivery.pk, attempt=1)  # e.g. the broker delivered the message twice
    second = webhooks.deliver(delivery.pk, attempt=2)
    late = webhooks.deliver(delivery.pk, attempt=2)  # the sweep's copy after the original arrived late

    assert [o.result for o in (first, again, second, late)] == ["retrying", "taken", "retrying", "taken"]
    assert len(receiver.received) == 2
    delivery.refresh_from_db()
    assert delivery.attempts == 2


def test_a_lost_retry_is_sent_again_after_the_grace_period(world, receiver, eager_tasks):
    hook_of(world.ministry, receiver.url)
    receiver.statuses = [500]
    [delivery] = webhooks.notify(world.ministry, E.ITEM_APPROVED, {})
    webhooks.deliver(delivery.pk)  # its retry message is then lost
    delivery.refresh_from_db()
    due = delivery.next_attempt_at

    too_soon = webhooks.resend_lost(now=due + webhooks.LOST_AFTER)
    resent = webhooks.resend_lost(now=due + webhooks.LOST_AFTER + dt.timedelta(seconds=1))

    assert too_soon == [] and resent == [delivery.pk]
    delivery.refresh_from_db()
    assert delivery.delivered_at is not None and delivery.attempts == 2 and len(receiver.received) == 2


def test_a_lost_first_message_is_sent_by_the_beat_task(world, receiver, eager_tasks):
    hook_of(world.ministry, receiver.url)
    [delivery] = webhooks.notify(world.ministry, E.ITEM_APPROVED, {})  # outside a commit: never enqueued
    WebhookDelivery.objects.filter(pk=delivery.pk).update(next_attempt_at=timezone.now() - dt.timedelta(minutes=3))

    assert resend_lost_webhook_retries() == 1
    assert WebhookDelivery.objects.get().delivered_at is not None and len(receiver.received) == 1
    [entry] = [e for e in settings.CELERY_BEAT_SCHEDULE.values() if e["task"] == resend_lost_webhook_retries.name]
    assert entry["schedule"] == 60.0


def test_delivered_given_up_and_pending_deliveries_are_not_resent(world, receiver):
    hook_of(world.ministry, receiver.url)
    long_ago = timezone.now() - dt.timedelta(hours=1)
    rows = [webhooks.notify(world.ministry, E.ITEM_APPROVED, {})[0] for _ in range(3)]
    WebhookDelivery.objects.filter(pk=rows[0].pk).update(next_attempt_at=long_ago, delivered_at=long_ago)
    WebhookDelivery.objects.filter(pk=rows[1].pk).update(next_attempt_at=long_ago, gave_up_at=long_ago)
    WebhookDelivery.objects.filter(pk=rows[2].pk).update(next_attempt_at=timezone.now() + dt.timedelta(minutes=5))

    assert webhooks.resend_lost() == []


# The deliveries of a hook, and sending one again


def test_an_admin_lists_a_hooks_deliveries_newest_first_page_by_page(world, api_as, receiver):
    hook, _ = hook_of(world.ministry, receiver.url)
    receiver.statuses = [503]
    first, second = (webhooks.notify(world.ministry, E.ITEM_APPROVED, {})[0] for _ in range(2))
    webhooks.deliver(first.pk)
    webhooks.deliver(second.pk)
    client = api_as("admin")

    page = client.get(reverse("api:webhook-deliveries", args=[hook.pk]), {"page_size": 1}).json()
    rest = client.get(page["next"]).json()

    assert [row["id"] for row in page["results"] + rest["results"]] == [second.pk, first.pk]
    assert rest["next"] is None
    shown = rest["results"][0]
    assert shown["event"] == "item.approved" and shown["event_id"] == str(first.event_id)
    assert (shown["attempts"], shown["last_status"], shown["last_error"]) == (1, 503, "HTTP 503: ")
    assert shown["next_attempt_at"] and shown["delivered_at"] is None and shown["gave_up_at"] is None
    assert page["results"][0]["delivered_at"] and page["results"][0]["last_status"] == 200


@pytest.mark.parametrize("persona", ["editor", "manager"])
def test_only_admins_see_deliveries(world, api_as, persona):
    hook, _ = hook_of(world.ministry, "https://hooks.example/planner")

    assert api_as(persona).get(reverse("api:webhook-deliveries", args=[hook.pk])).status_code == 404


def test_an_admin_sends_a_delivery_that_gave_up_once_more(
    world, api_as, receiver, eager_tasks, django_capture_on_commit_callbacks
):
    hook_of(world.ministry, receiver.url)
    receiver.statuses = [503] * webhooks.MAX_ATTEMPTS
    [delivery] = webhooks.notify(world.ministry, E.ITEM_APPROVED, {})
    deliver_webhook(delivery.pk)
    client = api_as("admin")

    url = reverse("api:webhook-redeliver", args=[delivery.webhook_id])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"delivery": delivery.pk}, format="json")
    again = client.post(url, {"delivery": delivery.pk}, format="json")

    assert response.status_code == 200 and response.json()["gave_up_at"] is None
    assert (response.json()["round"], response.json()["round_first_attempt"]) == (2, webhooks.MAX_ATTEMPTS + 1)
    delivery.refresh_from_db()
    assert delivery.delivered_at is not None and delivery.attempts == webhooks.MAX_ATTEMPTS + 1
    assert len(receiver.received) == webhooks.MAX_ATTEMPTS + 1
    assert again.status_code == 409 and again.json()["errors"][0]["code"] == "not_given_up"


def test_a_redelivery_is_a_new_round_retried_like_the_first_then_given_up_again(world, receiver, eager_tasks):
    hook_of(world.ministry, receiver.url)
    receiver.statuses = [503] * (2 * webhooks.MAX_ATTEMPTS)
    [delivery] = webhooks.notify(world.ministry, E.ITEM_APPROVED, {})
    deliver_webhook(delivery.pk)
    delivery.refresh_from_db()
    first_gave_up = delivery.gave_up_at

    webhooks.redeliver(delivery, world.admin)
    delivery.refresh_from_db()
    reopened = (delivery.round, delivery.round_first_attempt, delivery.gave_up_at, delivery.redelivered_by)
    retry = webhooks.deliver(delivery.pk, webhooks.MAX_ATTEMPTS + 1)  # the round's first attempt fails
    deliver_webhook(delivery.pk, retry.attempt + 1)  # and its retries run at once (eager)

    assert first_gave_up is not None
    assert reopened == (2, webhooks.MAX_ATTEMPTS + 1, None, world.admin)
    assert (retry.result, retry.retry_in) == ("retrying", webhooks.FIRST_RETRY_AFTER)  # not 2**6 minutes
    delivery.refresh_from_db()
    assert delivery.gave_up_at is not None and delivery.attempts == 2 * webhooks.MAX_ATTEMPTS
    assert len(receiver.received) == 2 * webhooks.MAX_ATTEMPTS
    assert len({headers["x-planner-delivery"] for headers, _ in receiver.received}) == 1


def test_a_delivery_of_another_hook_is_not_sent_again_through_this_one(world, api_as):
    hook, _ = hook_of(world.ministry, "https://hooks.example/planner")
    other, _ = hook_of(world.ministry, "https://hooks.example/other")
    webhooks.notify(world.ministry, E.ITEM_APPROVED, {})
    delivery = WebhookDelivery.objects.get(webhook=other)
    WebhookDelivery.objects.filter(pk=delivery.pk).update(gave_up_at=timezone.now())

    response = api_as("admin").post(
        reverse("api:webhook-redeliver", args=[hook.pk]), {"delivery": delivery.pk}, format="json"
    )

    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == "delivery"
    assert WebhookDelivery.objects.get(pk=delivery.pk).gave_up_at is not None
