"""The review workflow: who may move an item where, what each move does, and what it refuses."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.utils import timezone

from campaigns import workflow
from campaigns.models import Approval, ContentItem, Notification, Transition
from campaigns.tasks import email_notifications
from campaigns.workflow import TRANSITIONS, WorkflowError, perform, record_edit
from publishing.models import Publication
from tests import builders

S = ContentItem.State
PERSONAS = ["contributor", "editor", "manager", "second_manager", "admin", "outsider"]

# Who may make each move on an item of their own organisation written by the editor (for the
# outsider, an admin of organisation B, an item of B they wrote). Nobody may act on another's.
ALLOWED = {
    "submit": {"editor", "manager", "second_manager", "admin"},
    "approve": {"manager", "second_manager"},
    "request_changes": {"manager", "second_manager"},
    "rework": {"editor", "manager", "second_manager", "admin"},
    "return_to_review": {"editor", "manager", "second_manager", "admin"},
    "schedule": {"editor", "manager", "second_manager", "admin"},
    "unschedule": {"editor", "manager", "second_manager", "admin"},
    "archive": {"editor", "manager", "second_manager", "admin"},
    "mark_published": set(),
}
SOURCE_STATE = {
    "submit": S.DRAFT, "approve": S.IN_REVIEW, "request_changes": S.IN_REVIEW, "rework": S.CHANGES_REQUESTED,
    "return_to_review": S.APPROVED, "schedule": S.APPROVED, "unschedule": S.SCHEDULED,
    "mark_published": S.SCHEDULED, "archive": S.DRAFT,
}  # fmt: skip


def in_state(item: ContentItem, state: str) -> ContentItem:
    ContentItem.objects.filter(pk=item.pk).update(state=state)
    item.refresh_from_db()
    return item


def matrix_case(world, action: str, persona: str, organisation: str) -> tuple[ContentItem, bool]:
    """The item `persona` acts on (of their own organisation or the other, written by its editor, in the
    action's source state), and whether the matrix allows it."""
    persona_is_of_b = persona == "outsider"
    item = world.clinic_item if persona_is_of_b == (organisation == "own") else world.item
    item.author = world.outsider if item == world.clinic_item else world.editor
    item.save()
    item = in_state(item, SOURCE_STATE[action])
    return item, organisation == "own" and ("admin" if persona_is_of_b else persona) in ALLOWED[action]


def test_the_matrix_covers_every_transition():
    assert set(ALLOWED) == set(TRANSITIONS) == set(SOURCE_STATE)


@pytest.mark.parametrize("action", sorted(ALLOWED))
@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("organisation", ["own", "other"])
def test_permission_matrix(world, action, persona, organisation):
    item, expected = matrix_case(world, action, persona, organisation)

    try:
        perform(item, action, getattr(world, persona), comment="Please cite the WHO page.")
        allowed = True
    except WorkflowError as refusal:
        allowed = False
        assert refusal.status in (403, 409)

    assert allowed is expected
    item.refresh_from_db()
    assert item.state == (TRANSITIONS[action].target if expected else SOURCE_STATE[action])


def test_only_the_engine_marks_an_item_published(world):
    item = in_state(world.item, S.SCHEDULED)

    perform(item, "mark_published", None)

    assert ContentItem.objects.get(pk=item.pk).state == S.PUBLISHED


def test_a_contributor_submits_their_own_item(world):
    world.item.author = world.contributor
    world.item.save()

    perform(world.item, "submit", world.contributor)

    assert ContentItem.objects.get(pk=world.item.pk).state == S.IN_REVIEW


def test_nobody_approves_their_own_work(world):
    world.item.author = world.manager
    world.item.save()
    item = in_state(world.item, S.IN_REVIEW)

    with pytest.raises(WorkflowError) as refusal:
        perform(item, "approve", world.manager)

    assert refusal.value.code == "own_work"
    perform(item, "approve", world.second_manager)
    assert ContentItem.objects.get(pk=item.pk).state == S.APPROVED


def test_an_alert_needs_two_distinct_managers(world):
    world.item.kind = ContentItem.Kind.ALERT
    world.item.author = world.editor
    world.item.save()
    item = in_state(world.item, S.IN_REVIEW)

    perform(item, "approve", world.manager)
    assert ContentItem.objects.get(pk=item.pk).state == S.IN_REVIEW
    with pytest.raises(WorkflowError) as refusal:
        perform(item, "approve", world.manager)
    assert refusal.value.code == "already_approved"

    perform(item, "approve", world.second_manager)
    assert ContentItem.objects.get(pk=item.pk).state == S.APPROVED
    assert workflow.is_approved_version(item)


def test_request_changes_needs_a_comment(world):
    item = in_state(world.item, S.IN_REVIEW)

    with pytest.raises(WorkflowError) as refusal:
        perform(item, "request_changes", world.manager, comment="  ")

    assert (refusal.value.code, refusal.value.status) == ("comment_required", 400)
    assert ContentItem.objects.get(pk=item.pk).state == S.IN_REVIEW


def test_a_wrong_state_is_refused_with_409(world):
    with pytest.raises(WorkflowError) as refusal:
        perform(world.item, "approve", world.manager)

    assert (refusal.value.code, refusal.value.status) == ("wrong_state", 409)


def test_failing_checks_block_submission_and_are_returned(world):
    world.item.is_health_advice = True  # health advice without a source
    world.item.save()

    with pytest.raises(WorkflowError) as refusal:
        perform(world.item, "submit", world.editor)

    assert refusal.value.status == 422
    assert any(problem.field == "sources" for problem in refusal.value.problems)
    assert ContentItem.objects.get(pk=world.item.pk).state == S.DRAFT


def test_every_transition_is_recorded_with_who_when_and_the_comment(world):
    world.item.author = world.editor
    world.item.save()
    perform(world.item, "submit", world.editor)
    perform(world.item, "request_changes", world.manager, comment="Add the hotline number.")

    moves = list(
        Transition.objects.filter(item=world.item).values_list("action", "from_state", "to_state", "actor", "comment")
    )

    assert moves == [
        ("submit", "draft", "in_review", world.editor.pk, ""),
        ("request_changes", "in_review", "changes_requested", world.manager.pk, "Add the hotline number."),
    ]
    reasons = list(world.item.history.order_by("history_date").values_list("history_change_reason", flat=True))
    assert reasons[-2:] == ["Submit for review", "Request changes: Add the hotline number."]


def test_an_edit_after_approval_sends_the_item_back_and_cancels_its_publications(world):
    world.item.author = world.editor
    world.item.save()
    perform(world.item, "submit", world.editor)
    perform(world.item, "approve", world.manager)
    perform(world.item, "schedule", world.editor)
    publication = builders.make_publication(world.variant, world.account)
    assert workflow.is_approved_version(world.item)

    world.variant.text = "Edited text #FluVaccine"
    world.variant.save()
    record_edit(world.item, world.editor)

    world.item.refresh_from_db()
    publication.refresh_from_db()
    assert world.item.state == S.IN_REVIEW
    assert publication.state == Publication.State.CANCELLED
    assert not workflow.is_approved_version(world.item)
    assert Approval.objects.get(item=world.item).voided_at is not None


def test_an_approval_is_bound_to_the_exact_version(world):
    world.item.author = world.editor
    world.item.save()
    perform(world.item, "submit", world.editor)
    perform(world.item, "approve", world.manager)
    original = world.variant.text

    world.variant.text = original + " (changed)"
    world.variant.save()
    assert not workflow.is_approved_version(world.item)

    world.variant.text = original
    world.variant.save()
    assert workflow.is_approved_version(world.item)  # nothing recorded the edit as such: same content


def test_an_edit_then_revert_still_voids_the_approval_once_recorded(world):
    world.item.author = world.editor
    world.item.save()
    perform(world.item, "submit", world.editor)
    perform(world.item, "approve", world.manager)

    record_edit(world.item, world.editor)

    assert not workflow.is_approved_version(world.item)
    assert ContentItem.objects.get(pk=world.item.pk).state == S.IN_REVIEW


def test_an_edit_to_an_item_with_changes_requested_makes_it_a_draft_again(world):
    item = in_state(world.item, S.CHANGES_REQUESTED)

    record_edit(item, world.editor)

    assert ContentItem.objects.get(pk=item.pk).state == S.DRAFT


def test_submitting_notifies_the_managers_and_deciding_notifies_the_author(world):
    world.item.author = world.editor
    world.item.save()

    perform(world.item, "submit", world.editor)
    assert set(Notification.objects.filter(kind="submitted").values_list("recipient", flat=True)) == {
        world.manager.pk, world.second_manager.pk,
    }  # fmt: skip

    perform(world.item, "approve", world.manager)
    assert Notification.objects.filter(recipient=world.editor, kind="approved").count() == 1


def test_notifications_are_emailed_after_the_change_commits(world, django_capture_on_commit_callbacks):
    world.item.author = world.editor
    world.item.save()

    with django_capture_on_commit_callbacks() as callbacks:
        perform(world.item, "submit", world.editor)
    assert len(callbacks) == 1
    email_notifications(list(Notification.objects.values_list("pk", flat=True)))

    assert sorted(message.to[0] for message in mail.outbox) == ["max.manager@example.org", "mona.manager@example.org"]
    assert "Get your flu jab" in mail.outbox[0].body


def test_an_item_not_approved_by_its_planned_time_expires_and_people_are_told(world):
    world.item.author = world.editor
    world.item.planned_at = timezone.now() - dt.timedelta(minutes=1)
    world.item.save()
    perform(world.item, "submit", world.editor)

    expired = workflow.expire_unapproved(timezone.now())

    assert [item.pk for item in expired] == [world.item.pk]
    world.item.refresh_from_db()
    assert world.item.approval_expired_at is not None
    assert Notification.objects.filter(kind="approval_expired", recipient=world.editor).exists()
    assert workflow.expire_unapproved(timezone.now()) == []  # told once


def test_allowed_moves_offer_the_buttons_a_person_may_press(world):
    world.item.author = world.editor
    world.item.save()
    item = in_state(world.item, S.IN_REVIEW)

    assert [move.action for move in workflow.allowed_moves(item, world.manager)] == [
        "approve",
        "request_changes",
        "archive",
    ]
    assert [move.action for move in workflow.allowed_moves(item, world.contributor)] == []


def test_a_long_review_comment_is_kept_whole_on_the_transition(world):
    item = in_state(world.item, S.IN_REVIEW)
    comment = "Please add the hotline number, the WHO source for the 1 in 5 figure, and shorten the Arabic text. " * 3

    perform(item, "request_changes", world.manager, comment=comment)

    assert Transition.objects.get(item=item).comment == comment
    assert len(item.history.latest().history_change_reason) == 100
