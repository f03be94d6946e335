"""Who must sign in with a second factor, and the organisation setting that decides it."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from campaigns.models import Organisation, Role
from campaigns.scoping import role_in
from security.models import SignInPolicy

# The roles an organisation's policy can oblige to use two-factor sign-in.
OBLIGED_ROLES = (Role.MANAGER, Role.ADMIN)


def two_factor_required(user: Any) -> bool:
    """Whether an organisation where `user` is a manager or an admin requires two-factor sign-in of them."""
    if not user.is_authenticated:
        return False
    return SignInPolicy.objects.filter(
        require_two_factor_for_managers=True,
        organisation__memberships__user=user,
        organisation__memberships__role__in=OBLIGED_ROLES,
    ).exists()


def policy_of(organisation: Organisation) -> SignInPolicy:
    """The organisation's policy; one that asks nothing until an admin sets it."""
    return SignInPolicy.objects.filter(organisation=organisation).first() or SignInPolicy(organisation=organisation)


def may_edit(user: Any, organisation: Organisation) -> bool:
    return role_in(user, organisation) == Role.ADMIN


def set_policy(organisation: Organisation, user: Any, *, require_two_factor_for_managers: bool) -> SignInPolicy:
    """Changes the organisation's policy; only its admins may."""
    if not may_edit(user, organisation):
        raise PermissionDenied(_("Only the organisation's admins may change its sign-in policy."))
    policy, _created = SignInPolicy.objects.update_or_create(
        organisation=organisation,
        defaults={"require_two_factor_for_managers": require_two_factor_for_managers},
    )
    return policy
