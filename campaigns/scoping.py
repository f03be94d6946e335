"""Organisation scoping: the one place that limits rows to what a user may see.

Every model that belongs to an organisation uses `OrganisationQuerySet` and names the path from
itself to its organisation in `organisation_path`. Views, forms, the admin and the API call
`Model.objects.for_user(user)` and nothing else to decide what a user can reach.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Self

from django.db import models

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser, AnonymousUser

    from campaigns.models import Organisation


class OrganisationQuerySet(models.QuerySet):
    def _path(self) -> str:
        return self.model.organisation_path

    def for_user(self, user: AbstractBaseUser | AnonymousUser) -> Self:
        """Rows of the organisations `user` is a member of (all rows for a superuser)."""
        if not user.is_authenticated or not user.is_active:
            return self.none()
        if user.is_superuser:
            return self.all()
        from campaigns.models import Membership

        member_of = Membership.objects.filter(user=user).values("organisation_id")
        return self.filter(**{f"{self._path()}__in": member_of})

    def for_organisation(self, organisation: Organisation) -> Self:
        """Rows that belong to one organisation."""
        return self.filter(**{self._path(): organisation})
