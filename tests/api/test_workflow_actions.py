"""Workflow actions through the API: the same moves, refusals and statuses as the item page."""

from __future__ import annotations

from django.urls import reverse

from campaigns.models import ContentItem, Transition

S = ContentItem.State


def written_by(world, person) -> ContentItem:
    item = world.item
    item.author = person
    item.save()
    return item


def move(client, item: ContentItem, action: str, **body: str):
    return client.post(reverse(f"api:item-{action}", args=[item.pk]), body, format="json")


def test_an_editor_submits_and_a_manager_approves(world, api_as):
    item = written_by(world, world.editor)

    submitted = move(api_as("editor"), item, "submit")
    approved = move(api_as("manager"), item, "approve", comment="Good to go")

    assert submitted.status_code == 200 and submitted.json()["state"] == S.IN_REVIEW
    assert approved.status_code == 200 and approved.json()["state"] == S.APPROVED
    assert list(Transition.objects.filter(item=item).values_list("action", "actor__username")) == [
        ("submit", "eve.editor"), ("approve", "mona.manager")
    ]  # fmt: skip


def test_a_contributor_cannot_approve(world, api_as):
    item = written_by(world, world.editor)
    move(api_as("editor"), item, "submit")

    response = move(api_as("contributor"), item, "approve")

    assert response.status_code == 403
    assert response.json()["errors"] == [{"field": None, "code": "forbidden", "message": "Your role cannot approve."}]
    item.refresh_from_db()
    assert item.state == S.IN_REVIEW


def test_nobody_approves_their_own_work(world, api_as):
    item = written_by(world, world.manager)
    move(api_as("manager"), item, "submit")

    response = move(api_as("manager"), item, "approve")

    assert response.status_code == 403
    assert response.json()["errors"][0]["code"] == "own_work"


def test_a_move_from_the_wrong_state_is_a_conflict(world, api_as):
    item = written_by(world, world.editor)

    response = move(api_as("manager"), item, "approve")

    assert response.status_code == 409
    assert response.json()["errors"][0]["code"] == "wrong_state"


def test_requesting_changes_needs_a_comment(world, api_as):
    item = written_by(world, world.editor)
    move(api_as("editor"), item, "submit")
    manager = api_as("manager")

    without = move(manager, item, "request-changes")
    with_comment = move(manager, item, "request-changes", comment="Add a source, please.")

    assert without.status_code == 400 and without.json()["errors"][0]["code"] == "comment_required"
    assert with_comment.status_code == 200 and with_comment.json()["state"] == S.CHANGES_REQUESTED


def test_failing_checks_answer_422_with_each_problem(world, api_as):
    item = written_by(world, world.editor)
    world.variant.text = ""
    world.variant.save()

    response = move(api_as("editor"), item, "submit")

    assert response.status_code == 422
    errors = response.json()["errors"]
    assert errors[0] == {"field": None, "code": "checks_failed", "message": "The checks found errors to fix first."}
    assert len(errors) > 1 and all(set(e) == {"field", "code", "message"} for e in errors)


def test_archiving_is_for_planners_not_contributors(world, api_as):
    item = written_by(world, world.contributor)

    refused = move(api_as("contributor"), item, "archive")
    archived = move(api_as("editor"), item, "archive")

    assert refused.status_code == 403
    assert archived.status_code == 200 and archived.json()["state"] == S.ARCHIVED


def test_a_comment_is_written_and_mentions_are_told(world, api_as):
    response = api_as("editor").post(
        reverse("api:comment-list"), {"item": world.item.pk, "body": "Please check this, @mona.manager"}, format="json"
    )

    assert response.status_code == 201
    assert response.json()["author"] == "eve.editor"
    assert world.manager.notifications.filter(kind="mentioned", item=world.item).exists()


def test_an_empty_comment_is_refused_per_field(world, api_as):
    response = api_as("editor").post(reverse("api:comment-list"), {"item": world.item.pk}, format="json")

    assert response.status_code == 400
    assert response.json()["errors"] == [{"field": "body", "code": "required", "message": "This field is required."}]
