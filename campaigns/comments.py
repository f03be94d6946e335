"""Comments on an item, with @mentions of members who are then told."""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils.translation import gettext as _

from campaigns.models import Comment, ContentItem, Notification
from campaigns.notifications import mentioned_members, notify
from campaigns.scoping import role_in
from campaigns.workflow import WorkflowError

COMMENT_MAX_CHARS = 5000


def add_comment(item: ContentItem, author: AbstractBaseUser, body: str) -> Comment:
    """Add a comment by a member of the item's organisation and tell the members it mentions."""
    body = body.strip()
    if role_in(author, item.campaign.organisation) is None:
        raise WorkflowError(_("Only members of the organisation can comment."), code="forbidden", status=403)
    if not body:
        raise WorkflowError(_("Write something first: the comment is empty."), code="comment_required", status=400)
    if len(body) > COMMENT_MAX_CHARS:
        raise WorkflowError(
            _("A comment holds at most %(n)s characters.") % {"n": COMMENT_MAX_CHARS}, code="too_long", status=400
        )
    with transaction.atomic():
        comment = Comment.objects.create(item=item, author=author, body=body)
        who = author.get_full_name() or author.get_username()
        notify(
            mentioned_members(item.campaign.organisation, body), item, Notification.Kind.MENTIONED,
            f"{who} mentioned you on “{item.title}”: {body[:120]}", except_user=author,
        )  # fmt: skip
    return comment
