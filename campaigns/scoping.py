"""Organisation scoping: the one place that limits rows to what a user may see.

Every model that belongs to an organisation uses `OrganisationQuerySet` and names the path from
itself to its organisation in `organisation_path`. Views, forms, the admin and the API call
`Model.objects.for_user(user)` and nothing else to decide what a user can reach.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Self

from django.db import models
from django.db.models import QuerySet

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser, AnonymousUser

    from campaigns.models import Organisation


def organisation_ids_of(user: AbstractBaseUser, roles: Iterable[str] | None = None) -> QuerySet:
    """A subquery of the ids of the organisations `user` belongs to (with one of `roles`)."""
    from campaigns.models import Membership

    memberships = Membership.objects.filter(user=user)
    if roles is not None:
        memberships = memberships.filter(role__in=list(roles))
    return memberships.values("organisation_id")


class OrganisationQuerySet(models.QuerySet):
    def _path(self) -> str:
        return self.model.organisation_path

    def for_user(self, user: AbstractBaseUser | AnonymousUser, roles: Iterable[str] | None = None) -> Self:
        """Rows of the organisations `user` is a member of, in one of `roles` if given.

        A superuser (the operator of the installation) sees every row.
        """
        if not user.is_authenticated or not user.is_active:
            return self.none()
        if user.is_superuser:
            return self.all()
        return self.filter(**{f"{self._path()}__in": organisation_ids_of(user, roles)})

    def for_organisation(self, organisation: Organisation) -> Self:
        """Rows that belong to one organisation."""
        return self.filter(**{self._path(): organisation})


def role_in(user: AbstractBaseUser | AnonymousUser, organisation: Organisation) -> str | None:
    """The role of `user` in `organisation`, or None when they are not a member.

    The installation's operator (a superuser) acts as an admin where they hold no membership.
    """
    if not user.is_authenticated or not user.is_active:
        return None
    from campaigns.models import Membership, Role

    role = Membership.objects.filter(user=user, organisation=organisation).values_list("role", flat=True).first()
    return role or (Role.ADMIN if user.is_superuser else None)
