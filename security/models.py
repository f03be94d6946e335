"""An organisation's sign-in rules."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from campaigns.scoping import OrganisationQuerySet


class SignInPolicy(models.Model):
    organisation = models.OneToOneField(
        "campaigns.Organisation", on_delete=models.CASCADE, related_name="sign_in_policy",
        verbose_name=_("organisation"),
    )  # fmt: skip
    require_two_factor_for_managers = models.BooleanField(
        _("require two-factor for managers and admins"), default=False,
        help_text=_(
            "Managers and admins of the organisation must set up an authenticator app before they can do "
            "anything else, and give a code from it at each sign-in."
        ),
    )  # fmt: skip
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    organisation_path = "organisation"
    objects = OrganisationQuerySet.as_manager()

    class Meta:
        verbose_name = _("sign-in policy")
        verbose_name_plural = _("sign-in policies")

    def __str__(self) -> str:
        return str(_("Sign-in policy of %(organisation)s") % {"organisation": self.organisation})
