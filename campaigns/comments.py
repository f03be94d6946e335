"""Comments on an item, with @mentions of members who are then told.

A comment is changed or removed only by its author, while they are a member of the item's organisation; an
edited one is marked as edited, and every version (a removed one's last included) is kept in its history.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from campaigns.models import Comment, ContentItem, Notification
from campaigns.notifications import mentioned_members, notify
from campaigns.scoping import role_in
from campaigns.workflow import WorkflowError

COMMENT_MAX_CHARS = 5000


def add_comment(item: ContentItem, author: AbstractBaseUser, body: str) -> Comment:
    """Add a comment by a member of the item's organisation and tell the members it mentions."""
    if role_in(author, item.campaign.organisation) is None:
        raise WorkflowError(_("Only members of the organisation can comment."), code="forbidden", status=403)
    body = _checked_body(body)
    with transaction.atomic():
        comment = Comment.objects.create(item=item, author=author, body=body)
        _tell_mentioned(comment, author, body)
    return comment


def can_change(comment: Comment, user: AbstractBaseUser) -> bool:
    """Whether `user` may edit or remove `comment`: its author, still a member of the item's organisation."""
    return comment.pk in changeable([comment], user)


def changeable(comments: Iterable[Comment], user: AbstractBaseUser) -> set[int]:
    """The ids of those of `comments` (of one item) that `user` may edit or remove: one query at most."""
    own = [comment for comment in comments if user.is_authenticated and comment.author_id == user.pk]
    if not own or role_in(user, own[0].item.campaign.organisation) is None:
        return set()
    return {comment.pk for comment in own}


def edit_comment(comment: Comment, user: AbstractBaseUser, body: str) -> Comment:
    """Change the text of one's own comment; members it newly mentions are told."""
    _check_can_change(comment, user)
    body = _checked_body(body)
    with transaction.atomic():
        locked = Comment.objects.select_for_update().select_related("item__campaign__organisation").get(pk=comment.pk)
        if locked.body == body:
            return locked
        before = {member.pk for member in mentioned_members(locked.item.campaign.organisation, locked.body)}
        locked.body, locked.edited_at = body, timezone.now()
        locked._history_user = user
        locked.save(update_fields=["body", "edited_at"])
        _tell_mentioned(locked, user, body, already=before)
    return locked


def delete_comment(comment: Comment, user: AbstractBaseUser) -> None:
    """Remove one's own comment (its history keeps what it said)."""
    _check_can_change(comment, user)
    comment._history_user = user
    comment.delete()


def _check_can_change(comment: Comment, user: AbstractBaseUser) -> None:
    if not can_change(comment, user):
        raise WorkflowError(_("Only its author changes or removes a comment."), code="forbidden", status=403)


def _checked_body(body: str) -> str:
    body = body.strip()
    if not body:
        raise WorkflowError(_("Write something first: the comment is empty."), code="comment_required", status=400)
    if len(body) > COMMENT_MAX_CHARS:
        raise WorkflowError(
            _("A comment holds at most %(n)s characters.") % {"n": COMMENT_MAX_CHARS}, code="too_long", status=400
        )
    return body


def _tell_mentioned(comment: Comment, author: AbstractBaseUser, body: str, already: set[int] = frozenset()) -> None:
    item = comment.item
    who = author.get_full_name() or author.get_username()
    members = [member for member in mentioned_members(item.campaign.organisation, body) if member.pk not in already]
    notify(members, item, Notification.Kind.MENTIONED, f"{who} mentioned you on “{item.title}”: {body[:120]}",
           except_user=author)  # fmt: skip
