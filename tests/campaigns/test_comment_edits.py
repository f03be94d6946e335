"""A comment is edited or removed by its author only, on the item page: shown as edited, its history kept."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from campaigns import comments
from campaigns.models import Comment, Membership, Notification
from campaigns.workflow import WorkflowError


def logged_in(user: object) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_author_edits_a_comment_which_is_then_shown_as_edited_with_its_versions_kept(world):
    comment = comments.add_comment(world.item, world.editor, "Cite the WHO page")
    client = logged_in(world.editor)

    page = client.get(reverse("item_detail", args=[world.item.pk])).text
    response = client.post(reverse("item_comment_edit", args=[world.item.pk, comment.pk]), {"body": "Cite the CDC"})

    assert reverse("item_comment_edit", args=[world.item.pk, comment.pk]) in page and "edited" not in page
    assert response.status_code == 302
    comment.refresh_from_db()
    assert comment.body == "Cite the CDC" and comment.edited_at is not None
    assert [v.body for v in comment.history.order_by("history_id")] == ["Cite the WHO page", "Cite the CDC"]
    assert comment.history.latest().history_user == world.editor
    assert "edited" in client.get(reverse("item_detail", args=[world.item.pk])).text


def test_the_author_removes_a_comment_and_its_history_keeps_what_it_said(world):
    comment = comments.add_comment(world.item, world.editor, "Wrong item, sorry")

    response = logged_in(world.editor).post(reverse("item_comment_delete", args=[world.item.pk, comment.pk]))

    assert response.status_code == 302 and not Comment.objects.exists()
    assert [(v.history_type, v.body) for v in Comment.history.order_by("history_id")] == [
        ("+", "Wrong item, sorry"), ("-", "Wrong item, sorry"),
    ]  # fmt: skip


@pytest.mark.parametrize("persona", ["contributor", "manager", "admin"])
def test_nobody_else_edits_or_removes_a_comment_and_sees_no_form_for_it(world, persona):
    comment = comments.add_comment(world.item, world.editor, "Mine")
    client = logged_in(getattr(world, persona))

    page = client.get(reverse("item_detail", args=[world.item.pk])).text
    edited = client.post(reverse("item_comment_edit", args=[world.item.pk, comment.pk]), {"body": "Theirs"})
    removed = client.post(reverse("item_comment_delete", args=[world.item.pk, comment.pk]))

    assert reverse("item_comment_edit", args=[world.item.pk, comment.pk]) not in page
    assert (edited.status_code, removed.status_code) == (403, 403)
    comment.refresh_from_db()
    assert comment.body == "Mine" and comment.edited_at is None


def test_an_author_who_left_the_organisation_no_longer_changes_their_comment(world):
    comment = comments.add_comment(world.item, world.editor, "Before I left")
    Membership.objects.filter(user=world.editor).delete()

    with pytest.raises(WorkflowError) as refused:
        comments.edit_comment(comment, world.editor, "After")
    assert refused.value.status == 403 and Comment.objects.get().body == "Before I left"


def test_an_empty_edit_is_refused_and_changes_nothing(world):
    comment = comments.add_comment(world.item, world.editor, "Keep me")

    response = logged_in(world.editor).post(
        reverse("item_comment_edit", args=[world.item.pk, comment.pk]), {"body": "   "}
    )

    assert response.status_code == 400 and Comment.objects.get().body == "Keep me"


def test_an_edit_tells_only_the_members_it_newly_mentions(world):
    comment = comments.add_comment(world.item, world.editor, "@mona.manager please look")
    comments.edit_comment(comment, world.editor, "@mona.manager and @max.manager please look")

    told = Notification.objects.filter(kind="mentioned").values_list("recipient__username", flat=True)
    assert sorted(told) == ["max.manager", "mona.manager"]


def test_a_comment_of_another_item_is_not_reached_through_this_one(world):
    other = comments.add_comment(world.clinic_item, world.outsider, "Theirs")

    response = logged_in(world.editor).post(
        reverse("item_comment_edit", args=[world.item.pk, other.pk]), {"body": "Hijacked"}
    )

    assert response.status_code == 404 and Comment.objects.get().body == "Theirs"
