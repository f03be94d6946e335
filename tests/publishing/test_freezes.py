"""A crisis freeze stops dispatch at once; lifting it never fires held items on their own."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from campaigns.models import ContentItem
from campaigns.workflow import WorkflowError, perform
from publishing import freezes, scheduling
from publishing.models import Publication
from publishing.sandbox.models import SandboxPost
from publishing.sending import send
from tests import builders

P = Publication.State
S = ContentItem.State


def approved_item(
    world, title: str, campaign=None, crisis: bool = False, approvers: tuple = ("manager",)
) -> ContentItem:
    item = builders.make_item(campaign or world.campaign, title, author=world.editor, is_crisis=crisis)
    builders.make_variant(item)
    perform(item, "submit", world.editor)
    for name in approvers:
        perform(item, "approve", getattr(world, name))
    return item


def scheduled(world, item: ContentItem, account=None, when=None) -> Publication:
    [publication] = scheduling.schedule(
        item,
        world.editor,
        [(item.variants.get(), account or world.account)],
        when or timezone.now() - dt.timedelta(seconds=1),
    )
    return publication


def claimed() -> list[int]:
    queued, _expired = scheduling.claim_due(timezone.now(), 100)
    return queued


def test_a_freeze_of_the_organisation_stops_dispatch(world):
    publication = scheduled(world, approved_item(world, "Post A"))

    freezes.start_freeze(world.ministry, world.manager, "A tragedy this morning")

    assert claimed() == []
    assert Publication.objects.get(pk=publication.pk).state == P.SCHEDULED


def test_a_freeze_of_one_campaign_holds_only_that_campaign(world):
    other = builders.make_campaign(world.ministry, "Blood donation")
    frozen = scheduled(world, approved_item(world, "Flu post"))
    free = scheduled(world, approved_item(world, "Blood post", campaign=other))

    freezes.start_freeze(world.ministry, world.manager, "Wrong figure in the flu campaign", campaign=world.campaign)

    assert claimed() == [free.pk]
    assert Publication.objects.get(pk=frozen.pk).state == P.SCHEDULED


def test_a_freeze_of_one_account_holds_only_that_account(world):
    second = builders.make_account(world.ministry, handle="@health_fr")
    held = scheduled(world, approved_item(world, "On the main account"))
    free = scheduled(world, approved_item(world, "On the French account"), account=second)

    freezes.start_freeze(world.ministry, world.manager, "Account compromised", account=world.account)

    assert claimed() == [free.pk]
    assert Publication.objects.get(pk=held.pk).state == P.SCHEDULED


def test_another_organisations_freeze_changes_nothing_here(world):
    publication = scheduled(world, approved_item(world, "Post"))

    freezes.start_freeze(world.clinic, world.outsider, "Their own crisis")

    assert claimed() == [publication.pk]


def test_crisis_communication_passes_the_freeze_with_two_managers_approval(world, live_server):
    world.account.api_base_url = f"{live_server.url}/sandbox/mastodon/"
    world.account.save()
    crisis = scheduled(
        world, approved_item(world, "Outbreak update", crisis=True, approvers=("manager", "second_manager"))
    )
    freezes.start_freeze(world.ministry, world.manager, "Outbreak: only crisis messages")

    assert claimed() == [crisis.pk]
    assert send(crisis.pk) == P.PUBLISHED
    assert SandboxPost.objects.count() == 1


def test_crisis_communication_needs_two_managers_to_be_approved_at_all(world):
    item = approved_item(world, "Outbreak update", crisis=True)

    assert ContentItem.objects.get(pk=item.pk).state == S.IN_REVIEW
    perform(item, "approve", world.second_manager)
    assert ContentItem.objects.get(pk=item.pk).state == S.APPROVED


def test_a_crisis_item_whose_second_approval_was_voided_is_held(world):
    item = approved_item(world, "Outbreak update", crisis=True, approvers=("manager", "second_manager"))
    publication = scheduled(world, item)
    freezes.start_freeze(world.ministry, world.manager, "Outbreak: only crisis messages")
    assert claimed() == [publication.pk]  # crisis rows are claimed; sending checks the approvals
    ContentItem.objects.filter(pk=item.pk).update(is_crisis=False)  # changed behind the review's back

    assert send(publication.pk) == P.CANCELLED  # not the approved version any more
    assert SandboxPost.objects.count() == 0


def test_a_freeze_that_starts_after_the_claim_still_stops_the_send(world):
    publication = scheduled(world, approved_item(world, "Post"))
    assert claimed() == [publication.pk]

    freezes.start_freeze(world.ministry, world.manager, "Just now")

    assert send(publication.pk) == P.SCHEDULED
    assert SandboxPost.objects.count() == 0


def test_lifting_a_freeze_sends_held_items_back_to_review_and_lists_the_overdue(world):
    overdue_item = approved_item(world, "Was due during the freeze")
    overdue = scheduled(world, overdue_item)
    later_item = approved_item(world, "Due next week")
    later = scheduled(world, later_item, when=timezone.now() + dt.timedelta(days=7))
    freeze = freezes.start_freeze(world.ministry, world.manager, "A tragedy")

    lifted = freezes.lift_freeze(freeze, world.second_manager)

    assert {i.pk for i in lifted.held_items} == {overdue_item.pk, later_item.pk}
    assert [i.pk for i in lifted.overdue_items] == [overdue_item.pk]
    for item in (overdue_item, later_item):
        assert ContentItem.objects.get(pk=item.pk).state == S.IN_REVIEW
    assert {Publication.objects.get(pk=p.pk).state for p in (overdue, later)} == {P.CANCELLED}
    assert claimed() == []


def test_only_managers_freeze_and_a_reason_is_required(world):
    with pytest.raises(WorkflowError) as refusal:
        freezes.start_freeze(world.ministry, world.editor, "I think we should")
    assert refusal.value.status == 403

    with pytest.raises(WorkflowError) as refusal:
        freezes.start_freeze(world.ministry, world.manager, "   ")
    assert refusal.value.code == "reason_required"


def test_a_freeze_cannot_be_lifted_twice(world):
    freeze = freezes.start_freeze(world.ministry, world.manager, "A tragedy")
    freezes.lift_freeze(freeze, world.manager)

    with pytest.raises(WorkflowError) as refusal:
        freezes.lift_freeze(freeze, world.manager)

    assert refusal.value.status == 409


def test_a_manager_freezes_from_the_page_and_every_page_shows_the_banner(world):
    from django.test import Client
    from django.urls import reverse

    client = Client()
    client.force_login(world.manager)
    response = client.post(reverse("freezes"), {"organisation": world.ministry.pk, "reason": "A tragedy this morning"})
    assert response.status_code == 302

    editor = Client()
    editor.force_login(world.editor)
    assert "Publishing is frozen" in editor.get(reverse("home")).text
    outsider = Client()
    outsider.force_login(world.outsider)
    assert "Publishing is frozen" not in outsider.get(reverse("home")).text

    freeze = world.ministry.freezes.get()
    assert client.post(reverse("freeze_lift", args=[freeze.pk])).status_code == 302
    assert "Publishing is frozen" not in editor.get(reverse("home")).text


def test_an_editor_cannot_freeze_from_the_page(world):
    from django.test import Client
    from django.urls import reverse

    client = Client()
    client.force_login(world.editor)

    response = client.post(reverse("freezes"), {"organisation": world.ministry.pk, "reason": "Why not"})

    assert response.status_code == 403
    assert not world.ministry.freezes.exists()


def test_a_freeze_without_a_reason_is_refused_on_its_field(world):
    from django.test import Client
    from django.urls import reverse

    client = Client()
    client.force_login(world.manager)

    response = client.post(reverse("freezes"), {"organisation": world.ministry.pk, "reason": ""})

    assert response.status_code == 400
    assert "reason" in response.context["form"].errors
