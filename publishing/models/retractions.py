"""A decision to take a published post down from its platform, and what the platform made of it: kept forever."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from campaigns.scoping import OrganisationQuerySet


class Retraction(models.Model):
    """One retraction asked of one publication: done, refused (the platform's API cannot delete), or failed."""

    class State(models.TextChoices):
        DONE = "done", _("Deleted from the platform")
        REFUSED = "refused", _("Refused: the platform cannot delete")
        FAILED = "failed", _("Failed")

    publication = models.ForeignKey(
        "publishing.Publication", on_delete=models.PROTECT, related_name="retractions",
        verbose_name=pgettext_lazy("a model's name", "publication"),
    )  # fmt: skip
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("decided by")
    )
    reason = models.TextField(_("reason"))
    state = models.CharField(_("state"), max_length=16, choices=State.choices)
    message = models.TextField(_("message"), blank=True, help_text=_("What the platform answered, or why not."))
    at = models.DateTimeField(_("at"), default=timezone.now)

    organisation_path = "publication__account__organisation"
    objects = OrganisationQuerySet.as_manager()

    class Meta:
        ordering = ["at", "pk"]
        verbose_name = _("retraction")
        verbose_name_plural = _("retractions")
        constraints = [
            models.CheckConstraint(condition=Q(state__in=["done", "refused", "failed"]), name="retraction_state_known"),
            models.CheckConstraint(condition=~Q(reason=""), name="retraction_has_reason"),
        ]

    def __str__(self) -> str:
        return f"retraction of {self.publication_id}: {self.state}"
