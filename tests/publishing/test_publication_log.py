"""The publication log, and the decisions only a person can make."""

from __future__ import annotations

from django.test import Client
from django.urls import reverse

from publishing.models import Publication, PublicationAttempt
from tests import builders

P = Publication.State


def logged_in(user: object) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_log_lists_publications_with_their_attempts_and_flags_what_needs_a_person(world):
    failed = builders.make_publication(
        world.variant, world.account, state=P.FAILED, attempts=1, last_error="Reconnect the account"
    )
    PublicationAttempt.objects.create(
        publication=failed, number=1, started_at=failed.scheduled_at, outcome="permanent", http_status=401
    )
    builders.make_publication(world.clinic_variant, world.clinic_account, state=P.FAILED)

    page = logged_in(world.editor).get(reverse("publication_log")).text

    assert "1 publication needs a person" in page
    assert "Reconnect the account" in page
    assert "(401)" in page
    assert "@clinic" not in page


def test_the_log_filters_by_state(world):
    builders.make_publication(world.variant, world.account, state=P.FAILED)
    response = logged_in(world.editor).get(reverse("publication_log"), {"state": "published"})

    assert "No publication here" in response.text


def test_retry_now_puts_a_failed_publication_back_on_the_schedule(world):
    failed = builders.make_publication(world.variant, world.account, state=P.FAILED)

    response = logged_in(world.editor).post(reverse("publication_decide", args=[failed.pk]), {"decision": "retry"})

    assert response.status_code == 302
    assert Publication.objects.get(pk=failed.pk).state == P.SCHEDULED


def test_a_person_confirms_an_unconfirmed_post_with_its_address(world):
    unsure = builders.make_publication(world.variant, world.account, state=P.UNCONFIRMED)
    url = "https://mastodon.example/@health/113456"

    logged_in(world.manager).post(
        reverse("publication_decide", args=[unsure.pk]), {"decision": "published", "remote_url": url}
    )

    unsure.refresh_from_db()
    assert (unsure.state, unsure.remote_id, unsure.remote_url) == (P.PUBLISHED, "113456", url)


def test_a_published_publication_cannot_be_sent_again(world):
    done = builders.make_publication(world.variant, world.account, state=P.PUBLISHED, remote_id="1")

    response = logged_in(world.editor).post(reverse("publication_decide", args=[done.pk]), {"decision": "retry"})

    assert response.status_code == 409
    assert Publication.objects.get(pk=done.pk).state == P.PUBLISHED


def test_a_contributor_cannot_decide(world):
    failed = builders.make_publication(world.variant, world.account, state=P.FAILED)

    response = logged_in(world.contributor).post(reverse("publication_decide", args=[failed.pk]), {"decision": "retry"})

    assert response.status_code == 403
    assert Publication.objects.get(pk=failed.pk).state == P.FAILED


def test_a_bad_post_address_is_refused_on_its_field(world):
    unsure = builders.make_publication(world.variant, world.account, state=P.UNCONFIRMED)

    response = logged_in(world.manager).post(
        reverse("publication_decide", args=[unsure.pk]), {"decision": "published", "remote_url": "nope"}
    )

    assert response.status_code == 400
    assert "Address of the post" in response.text
    assert Publication.objects.get(pk=unsure.pk).state == P.UNCONFIRMED
