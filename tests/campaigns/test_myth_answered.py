"""A myth becomes answered once one of its responses is published, by the engine's own move to published."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from audit.models import Event
from campaigns import myths
from campaigns.models import ContentItem, Myth
from campaigns.workflow import perform
from publishing import scheduling
from publishing.models import Publication
from publishing.sending import send
from tests import builders, processes

S = ContentItem.State
CLAIM = "Antibiotics cure the flu."
DEBUNK = "Antibiotics do not work against the flu, which is a virus. #FluVaccine"


def answering(world, status: str = Myth.Status.CIRCULATING) -> tuple[Myth, ContentItem]:
    """A myth of the register with `status` and its response, scheduled: the engine is about to send it."""
    myth = myths.record_myth(
        world.ministry, world.editor, {"claim": CLAIM, "first_seen": dt.date(2026, 11, 1), "status": status},
        {"en": DEBUNK}, [("https://www.who.int/", "WHO")],
    )  # fmt: skip
    item = myths.respond(myth, world.campaign, ["x"], world.editor)
    ContentItem.objects.filter(pk=item.pk).update(state=S.SCHEDULED)
    item.refresh_from_db()
    return myth, item


@pytest.mark.parametrize("status", [Myth.Status.CIRCULATING, Myth.Status.DORMANT])
def test_publishing_a_response_marks_its_myth_answered(world, status):
    myth, item = answering(world, status)

    perform(item, "mark_published", None)

    myth.refresh_from_db()
    assert myth.status == Myth.Status.ANSWERED
    assert myth.history.first().history_change_reason == "Answered: a response was published"
    event = Event.objects.get(action="myth.answered")
    assert (event.actor, event.object_id, event.details) == (
        None,
        str(myth.pk),
        {"status": [status, "answered"], "item": item.pk},
    )


def test_a_retired_myth_stays_retired_when_a_late_response_is_published(world):
    myth, item = answering(world, Myth.Status.RETIRED)

    perform(item, "mark_published", None)

    assert Myth.objects.get(pk=myth.pk).status == Myth.Status.RETIRED
    assert not Event.objects.filter(action="myth.answered").exists()


def test_a_second_published_response_leaves_the_answered_myth_as_it_is(world):
    myth, first = answering(world)
    perform(first, "mark_published", None)
    second = myths.respond(myth, world.campaign, ["mastodon"], world.editor, "Myth: antibiotics, again")
    ContentItem.objects.filter(pk=second.pk).update(state=S.SCHEDULED)

    perform(second, "mark_published", None)

    assert Myth.objects.get(pk=myth.pk).status == Myth.Status.ANSWERED
    assert Event.objects.filter(action="myth.answered").count() == 1


def test_an_item_answering_no_myth_changes_no_myth(world):
    myth, _response = answering(world)
    ContentItem.objects.filter(pk=world.item.pk).update(state=S.SCHEDULED)

    perform(world.item, "mark_published", None)

    assert Myth.objects.get(pk=myth.pk).status == Myth.Status.CIRCULATING


def test_a_response_sent_by_the_engine_shows_its_myth_answered_in_the_register(world, live_server, transactional_db):
    x = builders.make_account(
        world.ministry, platform="x", handle="@health_x", api_base_url=f"{live_server.url}/sandbox/x/"
    )
    myth = myths.record_myth(
        world.ministry, world.editor, {"claim": CLAIM, "first_seen": dt.date(2026, 11, 1), "status": "circulating"},
        {"en": DEBUNK}, [("https://www.who.int/", "WHO")],
    )  # fmt: skip
    item = myths.respond(myth, world.campaign, ["x"], world.editor)
    builders.make_evidence(item)  # a response is health advice: a clinician signs it off
    perform(item, "submit", world.editor)
    perform(item, "approve", world.manager)
    [variant] = item.variants.all()
    publications = scheduling.schedule(item, world.editor, [(variant, x)], timezone.now())
    scheduling.claim_due(timezone.now() + dt.timedelta(seconds=1), 10)

    assert [send(p.pk) for p in publications] == [Publication.State.PUBLISHED]

    assert ContentItem.objects.get(pk=item.pk).state == S.PUBLISHED
    client = Client()
    client.force_login(world.contributor)
    register = client.get(reverse("myth_list"), {"status": "answered"})
    assert CLAIM in register.content.decode()
    assert Myth.objects.get(pk=myth.pk).status == Myth.Status.ANSWERED
    processes.wait_for_other_sessions()
