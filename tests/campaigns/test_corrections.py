"""Correcting a published item: a linked draft, reviewed like any item, the link kept forever."""

from __future__ import annotations

import pytest
from django.db.models import ProtectedError

from audit.models import Event
from campaigns.corrections import draft_correction
from campaigns.models import ContentItem, Correction, Source, VariantMedia
from campaigns.workflow import WorkflowError, perform
from tests import builders

S = ContentItem.State
REASON = "The clinic's opening hours were wrong."


def published(item: ContentItem) -> ContentItem:
    """The item as the engine leaves it once every post went out."""
    ContentItem.objects.filter(pk=item.pk).update(state=S.PUBLISHED)
    item.refresh_from_db()
    return item


@pytest.fixture
def original(world):
    """The ministry's item, published, with a French variant beside the English one, an image and a source."""
    item = world.item
    item.master_text, item.is_health_advice = "Flu jabs at the clinic, 9:00–17:00.", True
    item.save()
    builders.make_variant(item, platform="x", language="fr", text="Vaccin contre la grippe.", link="https://who.int/")
    asset = builders.make_media(world.ministry, "Flu card", alt_text={"en": "A nurse"})
    VariantMedia.objects.create(variant=world.variant, asset=asset, position=0)
    Source.objects.create(item=item, url="https://who.int/flu", title="WHO: influenza")
    builders.make_evidence(item)
    world.asset = asset
    return published(item)


def test_a_correction_is_a_draft_in_the_same_campaign_linked_to_the_original(world, original):
    correction = draft_correction(original, world.editor, REASON)

    assert (correction.state, correction.campaign, correction.author) == (S.DRAFT, world.campaign, world.editor)
    link = Correction.objects.get()
    assert (link.original, link.correction, link.decided_by, link.reason) == (
        original,
        correction,
        world.editor,
        REASON,
    )
    assert correction.title.startswith("Correction:") and original.title in correction.title
    assert ContentItem.objects.get(pk=original.pk).state == S.PUBLISHED  # the original is never changed


def test_each_variant_is_copied_with_the_prefix_in_its_language_its_link_and_media(world, original):
    correction = draft_correction(original, world.editor, REASON)

    variants = {(v.platform, v.language): v for v in correction.variants.all()}
    assert set(variants) == {("mastodon", "en"), ("x", "fr")}
    assert variants["mastodon", "en"].text == f"Correction: {world.variant.text}"
    assert variants["x", "fr"].text.endswith(" Vaccin contre la grippe.")
    assert variants["x", "fr"].link == "https://who.int/"
    assert [a.asset for a in variants["mastodon", "en"].attachments.all()] == [world.asset]
    assert list(correction.sources.filter(claim=None).values_list("url", flat=True)) == ["https://who.int/flu"]


@pytest.mark.parametrize("state", [S.DRAFT, S.IN_REVIEW, S.APPROVED, S.SCHEDULED, S.ARCHIVED])
def test_only_a_published_item_can_be_corrected(world, state):
    ContentItem.objects.filter(pk=world.item.pk).update(state=state)
    world.item.refresh_from_db()

    with pytest.raises(WorkflowError) as refused:
        draft_correction(world.item, world.editor, REASON)

    assert (refused.value.code, refused.value.status) == ("wrong_state", 409)
    assert not Correction.objects.exists() and ContentItem.objects.filter(campaign=world.campaign).count() == 1


@pytest.mark.parametrize("persona", ["editor", "manager", "admin"])
def test_editors_managers_and_admins_may_correct(world, original, persona):
    draft_correction(original, getattr(world, persona), REASON)

    assert Correction.objects.get().decided_by == getattr(world, persona)


@pytest.mark.parametrize("persona", ["contributor", "outsider"])
def test_a_contributor_or_an_outsider_may_not_correct(world, original, persona):
    with pytest.raises(WorkflowError) as refused:
        draft_correction(original, getattr(world, persona), REASON)

    assert (refused.value.code, refused.value.status) == ("forbidden", 403)
    assert not Correction.objects.exists()


def test_a_correction_needs_a_reason(world, original):
    with pytest.raises(WorkflowError) as refused:
        draft_correction(original, world.editor, "   ")

    assert (refused.value.code, refused.value.status) == ("reason_required", 400)
    assert ContentItem.objects.filter(campaign=world.campaign).count() == 1


def test_a_second_correction_waits_for_the_first_to_be_published_or_archived(world, original):
    first = draft_correction(original, world.editor, REASON)

    with pytest.raises(WorkflowError) as refused:
        draft_correction(original, world.manager, "Again.")
    assert refused.value.code == "correction_open"

    perform(first, "archive", world.editor)
    second = draft_correction(original, world.manager, "The address was wrong too.")
    assert list(Correction.objects.values_list("correction", flat=True)) == [first.pk, second.pk]


def test_the_correction_is_reviewed_like_any_item(world, original):
    correction = draft_correction(original, world.editor, REASON)
    builders.make_evidence(correction, claims=())  # its claims are the original's; its review is its own

    perform(correction, "submit", world.editor)
    with pytest.raises(WorkflowError):
        perform(correction, "approve", world.editor)  # nobody approves their own work
    assert perform(correction, "approve", world.manager).state == S.APPROVED


def test_the_decision_goes_to_the_audit_trail(world, original):
    correction = draft_correction(original, world.editor, REASON)

    event = Event.objects.get(action="item.corrected")
    assert (event.actor, event.object_id, event.details) == (
        world.editor, str(original.pk), {"correction": correction.pk, "reason": REASON}
    )  # fmt: skip
    assert Event.objects.filter(action="item.created", object_id=str(correction.pk)).exists()


def test_neither_the_original_nor_the_correction_can_be_deleted_while_the_record_stands(world, original):
    correction = draft_correction(original, world.editor, REASON)

    with pytest.raises(ProtectedError):
        ContentItem.objects.filter(pk=original.pk).delete()
    with pytest.raises(ProtectedError):
        ContentItem.objects.filter(pk=correction.pk).delete()
    assert Correction.objects.count() == 1
