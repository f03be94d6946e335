"""Celery tasks of the campaigns app: thin, take ids, safe to run twice."""

from __future__ import annotations

from celery import shared_task
from django.conf import settings
from django.core.mail import send_mass_mail
from django.utils import timezone

from campaigns.models import Notification


@shared_task
def email_notifications(notification_ids: list[int]) -> int:
    """E-mail the given notifications to their recipients; returns how many were sent."""
    notifications = Notification.objects.filter(pk__in=notification_ids).select_related("recipient", "item")
    messages = [
        (f"[Planner] {n.message}"[:150], _body(n), settings.DEFAULT_FROM_EMAIL, [n.recipient.email])
        for n in notifications
        if n.recipient.email
    ]
    return send_mass_mail(messages, fail_silently=False)


def _body(notification: Notification) -> str:
    lines = [notification.message, ""]
    if notification.item is not None:
        lines.append(f"Item: {notification.item.title}")
    lines.append(f"Sent {timezone.localtime(notification.created_at):%Y-%m-%d %H:%M %Z}.")
    return "\n".join(lines)


@shared_task
def expire_unapproved_items() -> int:
    """Flag items whose planned time came before their approval; returns how many were flagged."""
    from campaigns.workflow import expire_unapproved

    return len(expire_unapproved(timezone.now()))


@shared_task(ignore_result=True)
def make_renditions(*asset_ids: int) -> int:
    """Make the assets' missing and stale renditions (on the default queue); returns how many were made."""
    from campaigns.models import MediaAsset
    from campaigns.renditions import make_renditions as make

    # An asset deleted since is simply not found: nothing to do for it.
    return sum(make(asset) for asset in MediaAsset.objects.select_related("organisation").filter(pk__in=asset_ids))


@shared_task(ignore_result=True)
def preview_plan_import(plan_import_id: int) -> None:
    """Check every row of an uploaded plan (nothing is written but its problems); a second delivery does nothing."""
    from campaigns.plan_import import preview

    preview(plan_import_id)


@shared_task(ignore_result=True)
def import_plan(plan_import_id: int) -> None:
    """Import the valid rows of a confirmed plan as drafts; rows imported once are never imported again."""
    from campaigns.plan_import import import_valid_rows

    import_valid_rows(plan_import_id)
