"""Telling people: in-app notifications, with an e-mail sent by a worker after the change commits."""

from __future__ import annotations

import re
from collections.abc import Iterable

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.db.models import QuerySet
from django.utils import timezone

from campaigns.models import ContentItem, Membership, Notification, Organisation, Role

MENTION = re.compile(r"(?<![\w@])@([\w.+-]+)")


def notify(
    recipients: Iterable[AbstractBaseUser | None],
    item: ContentItem | None,
    kind: str,
    message: str,
    *,
    except_user: AbstractBaseUser | None = None,
) -> list[Notification]:
    """Create one notification per distinct active recipient (never to `except_user`) and e-mail them."""
    from campaigns.tasks import email_notifications

    people = {person.pk: person for person in recipients if person is not None and person.is_active}
    if except_user is not None:
        people.pop(except_user.pk, None)
    created = Notification.objects.bulk_create(
        Notification(recipient=person, item=item, kind=kind, message=message[:300]) for person in people.values()
    )
    if created:
        email_notifications.delay_on_commit([notification.pk for notification in created])
    return created


def members_with_role(organisation: Organisation, *roles: str) -> QuerySet:
    """The active people holding one of `roles` in `organisation`."""
    ids = Membership.objects.filter(organisation=organisation, role__in=roles).values("user_id")
    return get_user_model().objects.filter(pk__in=ids, is_active=True)


def managers_of(organisation: Organisation) -> QuerySet:
    return members_with_role(organisation, Role.MANAGER)


def mentioned_members(organisation: Organisation, text: str) -> QuerySet:
    """Members of `organisation` mentioned as @username in `text`."""
    usernames = set(MENTION.findall(text))
    ids = Membership.objects.filter(organisation=organisation, user__username__in=usernames).values("user_id")
    return get_user_model().objects.filter(pk__in=ids, is_active=True)


def mark_read(user: AbstractBaseUser, ids: list[int] | None = None) -> int:
    """Mark the user's unread notifications read (only those of `ids` when given); returns how many."""
    unread = Notification.objects.filter(recipient=user, read_at__isnull=True)
    if ids is not None:
        unread = unread.filter(pk__in=ids)
    return unread.update(read_at=timezone.now())


def unread_count(user: AbstractBaseUser) -> int:
    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()
