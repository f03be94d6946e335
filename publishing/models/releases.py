"""Coordinated releases: one instant shared by many publications (an embargoed announcement), sent together."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from campaigns.models import Organisation
from campaigns.scoping import OrganisationQuerySet


class Release(models.Model):
    """An instant at which publications of several items, accounts and languages go out together."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="releases", verbose_name=_("organisation")
    )
    name = models.CharField(_("name"), max_length=200, help_text=_("e.g. Measles figures, embargoed until 10:00."))
    instant = models.DateTimeField(_("release instant (UTC)"))
    embargo_note = models.TextField(
        _("embargo note"), blank=True, help_text=_("What may not be said before the instant, and who agreed it.")
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
        verbose_name=_("created by"),
    )  # fmt: skip
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    organisation_path = "organisation"
    objects = OrganisationQuerySet.as_manager()

    class Meta:
        ordering = ["-instant"]
        verbose_name = _("coordinated release")
        verbose_name_plural = _("coordinated releases")
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "name"], name="release_name_once_per_organisation",
                violation_error_message=_("A release of this name already exists."),
            ),
            models.CheckConstraint(condition=~models.Q(name=""), name="release_has_name"),
        ]  # fmt: skip

    def __str__(self) -> str:
        return f"{self.name} at {self.instant:%Y-%m-%d %H:%M} UTC"
