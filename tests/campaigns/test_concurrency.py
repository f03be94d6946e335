"""Two people acting on one item at the same moment end in one consistent result."""

from __future__ import annotations

import pytest

from campaigns.editing import edit_variant
from campaigns.models import Approval, ContentItem, Transition
from campaigns.workflow import WorkflowError, perform
from tests.concurrency import race


@pytest.fixture
def in_review(world, transactional_db):
    world.item.author = world.editor
    world.item.save()
    perform(world.item, "submit", world.editor)
    return world


def test_two_managers_approving_a_post_at_once_approve_it_once(in_review):
    world = in_review

    outcomes = race(
        lambda: perform(world.item, "approve", world.manager),
        lambda: perform(world.item, "approve", world.second_manager),
    )

    refusals = [o for o in outcomes if isinstance(o, WorkflowError)]
    assert len(refusals) == 1 and refusals[0].code == "wrong_state"
    assert Approval.objects.filter(item=world.item).count() == 1
    assert Transition.objects.filter(item=world.item, action="approve").count() == 1
    assert ContentItem.objects.get(pk=world.item.pk).state == ContentItem.State.APPROVED


def test_two_managers_approving_an_alert_at_once_both_count(in_review):
    world = in_review
    ContentItem.objects.filter(pk=world.item.pk).update(kind=ContentItem.Kind.ALERT)

    outcomes = race(
        lambda: perform(world.item, "approve", world.manager),
        lambda: perform(world.item, "approve", world.second_manager),
    )

    assert not [o for o in outcomes if isinstance(o, Exception)]
    assert ContentItem.objects.get(pk=world.item.pk).state == ContentItem.State.APPROVED
    assert set(Approval.objects.filter(item=world.item).values_list("manager", flat=True)) == {
        world.manager.pk, world.second_manager.pk,
    }  # fmt: skip


def test_two_editors_saving_the_same_version_keep_one_text_and_refuse_the_other(world, transactional_db):
    version = world.item.version

    outcomes = race(
        lambda: edit_variant(world.variant, world.editor, version, {"text": "Editor's text #FluVaccine"}),
        lambda: edit_variant(world.variant, world.manager, version, {"text": "Manager's text #FluVaccine"}),
    )

    refusals = [o for o in outcomes if isinstance(o, WorkflowError)]
    assert len(refusals) == 1 and refusals[0].code == "stale"
    world.variant.refresh_from_db()
    assert world.variant.text in ("Editor's text #FluVaccine", "Manager's text #FluVaccine")
    assert ContentItem.objects.get(pk=world.item.pk).version == version + 1
