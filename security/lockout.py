"""Locked-out sign-ins (django-axes counts the failures): which members are locked, and unlocking them."""

from __future__ import annotations

from typing import Any

from axes.models import AccessAttempt
from axes.utils import reset
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.utils import timezone
from django.utils.translation import gettext as _

from campaigns.models import Membership, Organisation
from security import policy


def locked_usernames(organisation: Organisation) -> list[str]:
    """Usernames of the organisation's members that are locked out now."""
    members = Membership.objects.for_organisation(organisation).values("user__username")
    return sorted(
        set(
            AccessAttempt.objects.filter(
                username__in=members,
                failures_since_start__gte=settings.AXES_FAILURE_LIMIT,
                attempt_time__gte=timezone.now() - settings.AXES_COOLOFF_TIME,
            ).values_list("username", flat=True)
        )
    )


def unlock(organisation: Organisation, user: Any, username: str) -> None:
    """Lets a member of the organisation sign in again at once; only its admins may."""
    if not policy.may_edit(user, organisation):
        raise PermissionDenied(_("Only the organisation's admins may unlock a member's sign-in."))
    if not Membership.objects.for_organisation(organisation).filter(user__username=username).exists():
        raise PermissionDenied(_("%(username)s is not a member of this organisation.") % {"username": username})
    reset(username=username)
