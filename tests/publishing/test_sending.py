"""Sending one publication to the sandbox platform over real HTTP, with the platform's faults."""

from __future__ import annotations

import datetime as dt
import time

import httpx
import pytest
from django.utils import timezone

from api import webhooks
from api.models import WebhookDelivery, WebhookEvent
from campaigns.models import ContentItem
from campaigns.workflow import perform
from publishing import scheduling
from publishing.adapters import REGISTRY
from publishing.adapters.sandbox import SandboxAdapter
from publishing.dispatcher import dispatch_due
from publishing.models import Publication, PublicationAttempt
from publishing.sandbox.models import SandboxPost
from publishing.sending import send
from tests import builders, processes

P = Publication.State
TOKEN = "secret-token-value"  # the builders' default account token


@pytest.fixture
def due(world, live_server, transactional_db, request):
    """An approved, scheduled item whose one publication is due now, on the live sandbox (its variant given
    the fields of a `variant` marker first)."""
    if marker := request.node.get_closest_marker("variant"):
        for name, value in marker.kwargs.items():
            setattr(world.variant, name, value)
        world.variant.save()
    world.account.api_base_url = f"{live_server.url}/sandbox/mastodon/"
    world.account.save()
    world.item.author = world.editor
    world.item.save()
    perform(world.item, "submit", world.editor)
    perform(world.item, "approve", world.manager)
    [publication] = scheduling.schedule(world.item, world.editor, [(world.variant, world.account)], timezone.now())
    world.publication = publication
    world.sandbox = f"{live_server.url}/sandbox/mastodon/"
    yield world
    processes.wait_for_other_sessions()


def fault(world: object, kind: str, **fields: object) -> None:
    response = httpx.post(
        world.sandbox + "faults", json={"kind": kind, **fields}, headers={"Authorization": f"Bearer {TOKEN}"}
    )
    assert response.status_code == 201, response.text


def claim_and_send(world: object) -> str | None:
    Publication.objects.filter(pk=world.publication.pk).update(next_attempt_at=None)
    scheduling.claim_due(timezone.now() + dt.timedelta(seconds=1), 10)
    return send(world.publication.pk)


def posts() -> list[SandboxPost]:
    return list(SandboxPost.objects.all())


def test_a_due_publication_is_published_once_with_its_remote_id(due):
    assert claim_and_send(due) == P.PUBLISHED

    publication = Publication.objects.get(pk=due.publication.pk)
    [post] = posts()
    assert (publication.remote_id, post.text) == (post.remote_id, due.variant.text)
    assert post.idempotency_key == str(publication.idempotency_key)
    assert ContentItem.objects.get(pk=due.item.pk).state == ContentItem.State.PUBLISHED
    assert PublicationAttempt.objects.get().outcome == "succeeded"


def test_a_message_delivered_twice_posts_once(due):
    claim_and_send(due)

    assert send(due.publication.pk) is None
    assert len(posts()) == 1


def test_rate_limited_it_waits_as_long_as_the_platform_says(due):
    fault(due, "rate_limit", remaining=1, retry_after_s=120)

    assert claim_and_send(due) == P.RETRYING

    publication = Publication.objects.get(pk=due.publication.pk)
    assert 110 <= (publication.next_attempt_at - timezone.now()).total_seconds() <= 121
    assert posts() == []
    assert claim_and_send(due) == P.PUBLISHED
    assert len(posts()) == 1


def test_a_server_error_is_retried_with_backoff_then_succeeds(due):
    fault(due, "server_error", remaining=1)

    assert claim_and_send(due) == P.RETRYING
    assert claim_and_send(due) == P.PUBLISHED
    assert [a.outcome for a in PublicationAttempt.objects.order_by("number")] == ["transient", "succeeded"]


def test_a_revoked_token_fails_at_once_with_a_clear_message(due):
    fault(due, "unauthorized", remaining=5)

    assert claim_and_send(due) == P.FAILED

    publication = Publication.objects.get(pk=due.publication.pk)
    assert publication.last_error.startswith("Reconnect the account")
    assert publication.attempts == 1  # no retry storm


def test_a_lost_reply_is_reconciled_and_not_posted_again(due):
    fault(due, "drop_reply", remaining=1)

    assert claim_and_send(due) == P.PUBLISHED

    [post] = posts()
    assert Publication.objects.get(pk=due.publication.pk).remote_id == post.remote_id
    assert PublicationAttempt.objects.get().outcome == "succeeded"


def test_a_timeout_that_stored_nothing_is_sent_again_under_the_same_key_after_the_read_timeout(due):
    fault(due, "timeout", remaining=1)

    assert claim_and_send(due) == P.RETRYING

    publication = Publication.objects.get(pk=due.publication.pk)
    assert posts() == []
    assert publication.next_attempt_at >= timezone.now() + dt.timedelta(seconds=15)  # the read timeout, 20 s
    assert claim_and_send(due) == P.PUBLISHED
    assert len(posts()) == 1


def test_cancelling_a_publication_waiting_to_be_resent_after_a_lost_reply_leaves_it_for_a_person(due):
    fault(due, "timeout", remaining=1)
    assert claim_and_send(due) == P.RETRYING

    cancelled = scheduling.cancel_pending_publications(due.item, "Cancelled: the content was edited after approval.")

    publication = Publication.objects.get(pk=due.publication.pk)
    assert cancelled == 0
    assert publication.state == P.UNCONFIRMED  # it may be on the platform: never silently cancelled
    assert "may be on the platform" in publication.last_error


def test_without_idempotency_keys_a_timeout_that_stored_nothing_waits_for_a_person(due, monkeypatch):
    monkeypatch.setitem(REGISTRY, due.account.platform, NoIdempotencyAdapter)
    fault(due, "timeout", remaining=1)

    assert claim_and_send(due) == P.UNCONFIRMED

    assert posts() == []
    assert "may have accepted it" in Publication.objects.get(pk=due.publication.pk).last_error


def test_rejected_content_fails_without_retry(due):
    fault(due, "reject", remaining=1)

    assert claim_and_send(due) == P.FAILED
    assert posts() == []


def told_to_webhooks(world: object) -> dict[str, dict]:
    return {
        d.event: d.payload["publication"] for d in WebhookDelivery.objects.exclude(event=WebhookEvent.ITEM_APPROVED)
    }


@pytest.mark.usefixtures("dns")
def test_a_failed_publication_is_told_to_the_organisations_webhooks(due):
    webhooks.create_webhook(due.ministry, due.admin, "https://hooks.example/planner", list(WebhookEvent))
    fault(due, "reject", remaining=1)

    assert claim_and_send(due) == P.FAILED

    [failed] = told_to_webhooks(due).values()
    assert failed["id"] == due.publication.pk and failed["error"] and failed["published_at"] is None


@pytest.mark.usefixtures("dns")
def test_a_published_publication_is_told_to_the_organisations_webhooks(due):
    webhooks.create_webhook(due.ministry, due.admin, "https://hooks.example/planner", list(WebhookEvent))

    assert claim_and_send(due) == P.PUBLISHED

    [published] = told_to_webhooks(due).values()
    assert published["id"] == due.publication.pk and published["remote_url"].startswith("http")
    assert published["platform"] == due.account.platform and published["error"] == ""


def test_content_edited_after_scheduling_is_never_sent(due):
    due.variant.text = "Edited behind the review's back"
    due.variant.save()  # bypassing the editor: the fingerprint no longer matches the approval

    assert claim_and_send(due) == P.CANCELLED
    assert posts() == []


@pytest.mark.worker
def test_a_real_worker_publishes_what_the_dispatcher_hands_over(due, celery_worker_process):
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        dispatch_due()
        if Publication.objects.get(pk=due.publication.pk).state == P.PUBLISHED:
            break
        time.sleep(0.2)

    assert Publication.objects.get(pk=due.publication.pk).state == P.PUBLISHED
    assert len(posts()) == 1


def test_a_send_whose_worker_died_after_the_platform_took_it_is_settled_as_published(due):
    from publishing.sending import reconcile

    # The platform received the post (same idempotency key), then the worker died before recording it.
    httpx.post(due.sandbox + "posts", json={"text": due.variant.text},
               headers={"Authorization": f"Bearer {TOKEN}", "Idempotency-Key": str(due.publication.idempotency_key)})  # fmt: skip
    Publication.objects.filter(pk=due.publication.pk).update(
        state=P.PUBLISHING, lease_expires_at=timezone.now() - dt.timedelta(seconds=1)
    )
    assert scheduling.expire_leases(timezone.now()) == [due.publication.pk]

    assert reconcile(due.publication.pk) == P.PUBLISHED

    publication = Publication.objects.get(pk=due.publication.pk)
    assert publication.remote_id == posts()[0].remote_id
    assert len(posts()) == 1
    assert ContentItem.objects.get(pk=due.item.pk).state == ContentItem.State.PUBLISHED


def died_while_sending(world: object, started_ago: dt.timedelta = dt.timedelta(minutes=2)) -> None:
    """The publication was claimed and its attempt recorded, then its worker died before the platform got it."""
    now = timezone.now()
    Publication.objects.filter(pk=world.publication.pk).update(
        state=P.PUBLISHING, attempts=1, lease_expires_at=now - dt.timedelta(seconds=1)
    )
    PublicationAttempt.objects.create(publication=world.publication, number=1, started_at=now - started_ago)
    # The dispatcher's move alone: dispatch_due() would also hand reconcile() to any live worker.
    assert scheduling.expire_leases(now) == [world.publication.pk]


def test_a_send_whose_worker_died_before_the_platform_took_it_is_sent_again_under_the_same_key(due):
    from publishing.sending import reconcile

    died_while_sending(due)

    assert reconcile(due.publication.pk) == P.RETRYING
    assert reconcile(due.publication.pk) is None  # a second reconcile message does nothing
    assert claim_and_send(due) == P.PUBLISHED
    assert len(posts()) == 1


class NoIdempotencyAdapter(SandboxAdapter):
    """A platform that would make a second post for the same key (as X's API would)."""

    idempotency_window = None


def test_without_idempotency_keys_a_send_whose_worker_died_waits_for_a_person(due, monkeypatch):
    from publishing.sending import reconcile

    monkeypatch.setitem(REGISTRY, due.account.platform, NoIdempotencyAdapter)
    died_while_sending(due)

    assert reconcile(due.publication.pk) == P.UNCONFIRMED
    assert reconcile(due.publication.pk) == P.UNCONFIRMED  # asking again changes nothing
    publication = Publication.objects.get(pk=due.publication.pk)
    assert "Check and decide" in publication.last_error
    assert posts() == []


def test_past_the_platforms_idempotency_window_a_send_whose_worker_died_waits_for_a_person(due):
    from publishing.sending import reconcile

    window = REGISTRY[due.account.platform].idempotency_window
    died_while_sending(due, started_ago=window + dt.timedelta(minutes=1))

    assert reconcile(due.publication.pk) == P.UNCONFIRMED
    assert posts() == []


def test_a_lost_reply_is_not_settled_with_a_post_another_publication_of_the_same_text_may_have_made(due):
    """Found by the worker-killed fault test: 250 posts of one text, and a lookup by text took another's post."""
    adapter = REGISTRY[due.account.platform]()
    rival = builders.make_publication(due.variant, due.account, scheduled_at=timezone.now() - dt.timedelta(minutes=1))
    adapter.publish(rival)  # the platform has the rival's post; its reply was lost: nobody recorded it
    Publication.objects.filter(pk=rival.pk).update(state=P.UNCONFIRMED, attempts=1)
    PublicationAttempt.objects.create(publication=due.publication, number=1, started_at=timezone.now())

    assert adapter.find_existing(due.publication) is None  # it could be either one's: never guessed


@pytest.mark.variant(first_comment="Source: WHO fact sheet")
def test_a_first_comment_refused_leaves_the_publication_published_with_a_note_its_people_hear_of(due):
    from campaigns.models import Notification
    from publishing.attention import tell_people

    fault(due, "latency", applies_to="create", remaining=1, latency_ms=0)  # the post goes through
    fault(due, "reject", applies_to="create", remaining=1)  # its comment is refused

    assert claim_and_send(due) == P.PUBLISHED

    publication = Publication.objects.get(pk=due.publication.pk)
    assert publication.notes.startswith("First comment not posted") and publication.last_error == ""
    tell_people([publication.pk])  # as the worker does with the message the send enqueued
    [told] = Notification.objects.filter(kind=Notification.Kind.PUBLICATION_NOTED, recipient=due.editor)
    assert "published with a note" in told.message and "First comment not posted" in told.message
