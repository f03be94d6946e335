"""Comments through the API: written by members, edited and removed by their authors only (campaigns/comments.py)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from campaigns import comments
from campaigns.models import Comment


def detail(comment: Comment) -> str:
    return reverse("api:comment-detail", args=[comment.pk])


def test_the_author_edits_then_removes_a_comment(world, api_as):
    comment = comments.add_comment(world.item, world.editor, "Cite the WHO page")
    client = api_as("editor")

    edited = client.patch(detail(comment), {"body": "Cite the CDC page"}, format="json")
    removed = client.delete(detail(comment))

    assert edited.status_code == 200
    assert edited.json()["body"] == "Cite the CDC page" and edited.json()["edited_at"]
    assert removed.status_code == 204 and not Comment.objects.exists()
    assert Comment.history.filter(id=comment.pk).count() == 3


@pytest.mark.parametrize("persona", ["contributor", "manager", "admin"])
def test_only_the_author_edits_or_removes_a_comment(world, api_as, persona):
    comment = comments.add_comment(world.item, world.editor, "Mine")
    client = api_as(persona)

    edited = client.patch(detail(comment), {"body": "Theirs"}, format="json")
    removed = client.delete(detail(comment))

    assert (edited.status_code, removed.status_code) == (403, 403)
    assert edited.json()["errors"][0]["code"] == "forbidden"
    comment.refresh_from_db()
    assert (comment.body, comment.edited_at) == ("Mine", None)


@pytest.mark.parametrize(
    ("body", "code"), [({}, "required"), ({"body": "  "}, "blank"), ({"body": "x" * 5001}, "max_length")]
)
def test_an_edit_without_a_text_is_refused_naming_the_field(world, api_as, body, code):
    comment = comments.add_comment(world.item, world.editor, "Keep me")

    response = api_as("editor").patch(detail(comment), body, format="json")

    assert response.status_code == 400
    assert (response.json()["errors"][0]["field"], response.json()["errors"][0]["code"]) == ("body", code)
    assert Comment.objects.get().body == "Keep me"
