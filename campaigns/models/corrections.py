"""That one item corrects another, already published: a link kept forever, with who decided it and why."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from campaigns.models.content import ContentItem
from campaigns.scoping import OrganisationQuerySet


class Correction(models.Model):
    """`correction` is the item drafted to correct `original`; deletes are refused (PROTECT): the record stays."""

    original = models.ForeignKey(
        ContentItem, on_delete=models.PROTECT, related_name="corrections", verbose_name=_("original item")
    )
    correction = models.OneToOneField(
        ContentItem, on_delete=models.PROTECT, related_name="correction_of", verbose_name=_("correction")
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("decided by")
    )
    decided_at = models.DateTimeField(_("decided at"), default=timezone.now)
    reason = models.TextField(_("reason"), help_text=_("What was wrong in the original, for the record."))

    organisation_path = "original__campaign__organisation"
    objects = OrganisationQuerySet.as_manager()

    class Meta:
        ordering = ["decided_at", "pk"]
        verbose_name = _("correction")
        verbose_name_plural = _("corrections")
        constraints = [
            models.CheckConstraint(condition=~Q(original=F("correction")), name="correction_not_of_itself"),
            models.CheckConstraint(condition=~Q(reason=""), name="correction_has_reason"),
        ]

    def __str__(self) -> str:
        return f"{self.correction} corrects {self.original}"
