"""The evidence behind health advice: the claims an item makes, and the clinical review that signed them off.

A claim's sources are `Source` rows (campaigns/models/content.py) that name the claim: one source concept, with its
kind (WHO, a national agency, ...). A clinical review is bound to one version of the item, as an approval is: an
edit voids it (campaigns/workflow.py), and past its expiry date the item is not published until reviewed again.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from campaigns.models.content import ContentItem
from campaigns.scoping import OrganisationQuerySet
from planner.integrity import FieldNamedConstraintsMixin

CLAIM_MAX_CHARS = 500


class Claim(FieldNamedConstraintsMixin, models.Model):
    """One statement of health advice an item makes, backed by its sources."""

    item = models.ForeignKey(
        ContentItem, on_delete=models.CASCADE, related_name="claims", verbose_name=_("content item")
    )
    text = models.CharField(
        _("claim"),
        max_length=CLAIM_MAX_CHARS,
        help_text=_("What the item states as fact, e.g. “The flu vaccine is safe in pregnancy.”"),
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    history = HistoricalRecords()

    organisation_path = "item__campaign__organisation"
    objects = OrganisationQuerySet.as_manager()
    constraint_fields = {"claim_not_empty": "text"}

    class Meta:
        ordering = ["position", "pk"]
        verbose_name = _("claim")
        verbose_name_plural = _("claims")
        constraints = [
            models.UniqueConstraint(fields=["item", "position"], name="claim_position_unique"),
            models.CheckConstraint(
                condition=~Q(text=""), name="claim_not_empty", violation_error_code="claim_not_empty",
                violation_error_message=_("Write the claim."),
            ),
        ]  # fmt: skip

    def __str__(self) -> str:
        return self.text


class ClinicalReview(models.Model):
    """A clinical reviewer's sign-off of one version of a health-advice item, valid until `expires_on`."""

    item = models.ForeignKey(
        ContentItem, on_delete=models.CASCADE, related_name="clinical_reviews", verbose_name=_("content item")
    )
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("clinical reviewer")
    )
    # As shown when it was signed: a later change of name or credentials does not rewrite the record.
    reviewer_name = models.CharField(_("reviewer's name"), max_length=200)
    credentials = models.CharField(_("credentials"), max_length=200)
    signed_at = models.DateTimeField(_("signed at"))
    expires_on = models.DateField(_("review expires on"), help_text=_("The last day it may be published on."))
    content_hash = models.CharField(_("content fingerprint"), max_length=64)
    item_version = models.PositiveIntegerField(_("item version"))
    note = models.TextField(_("note"), blank=True)
    voided_at = models.DateTimeField(
        _("voided at"), null=True, blank=True, help_text=_("Set when an edit or a new review replaced it.")
    )

    organisation_path = "item__campaign__organisation"
    objects = OrganisationQuerySet.as_manager()

    class Meta:
        ordering = ["-signed_at", "-pk"]
        verbose_name = _("clinical review")
        verbose_name_plural = _("clinical reviews")
        constraints = [
            # One standing review per item: "which review counts" has one answer.
            models.UniqueConstraint(fields=["item"], condition=Q(voided_at__isnull=True), name="clinical_review_one_standing"),
            models.CheckConstraint(condition=~Q(reviewer_name="") & ~Q(credentials=""), name="clinical_review_names_reviewer"),
        ]  # fmt: skip
        indexes = [
            models.Index(fields=["expires_on"], condition=Q(voided_at__isnull=True), name="clinical_review_expiry")
        ]

    def __str__(self) -> str:
        return f"{self.reviewer_name} reviewed {self.item} v{self.item_version} until {self.expires_on}"

    def covers(self, day: dt.date) -> bool:
        """Whether the review still stands on `day` (the item may be published that day)."""
        return self.voided_at is None and day <= self.expires_on
