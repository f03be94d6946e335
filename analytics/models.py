"""What a campaign aims at: reach, engagement, video views, items published (per kind and platform), or an
outcome figure entered by hand (blood donors registered). Progress is read from the collected metrics
(analytics/targets.py); only an outcome's figure is typed in."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from campaigns.models import Campaign, ContentItem
from campaigns.scoping import OrganisationQuerySet
from publishing.platforms import Platform


class CampaignTarget(models.Model):
    class Measure(models.TextChoices):
        REACH = "reach", _("Reach (impressions or views)")
        ENGAGEMENT = "engagement", _("Engagement (likes, shares, replies and clicks)")
        VIDEO_VIEWS = "video_views", _("Video views")
        ITEMS = "items", _("Posts published")
        OUTCOME = "outcome", _("An outcome, entered by hand")

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="targets", verbose_name=_("campaign"))
    measure = models.CharField(_("measure"), max_length=16, choices=Measure.choices)
    target = models.PositiveBigIntegerField(_("target"))
    kind = models.CharField(
        _("kind"), max_length=16, choices=ContentItem.Kind.choices, blank=True,
        help_text=_("Posts published: count only this kind (empty: every kind)."),
    )  # fmt: skip
    platform = models.CharField(
        _("platform"), max_length=16, choices=Platform.choices, blank=True,
        help_text=_("Posts published: count only this platform (empty: every platform)."),
    )  # fmt: skip
    label = models.CharField(
        _("outcome"), max_length=120, blank=True, help_text=_("What is counted, e.g. “blood donors registered”.")
    )
    achieved = models.PositiveBigIntegerField(
        _("achieved so far"), null=True, blank=True, help_text=_("An outcome's figure, as last reported.")
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
        verbose_name=_("updated by"),
    )  # fmt: skip
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    history = HistoricalRecords()

    organisation_path = "campaign__organisation"
    objects = OrganisationQuerySet.as_manager()

    class Meta:
        ordering = ["campaign", "measure", "pk"]
        verbose_name = _("campaign target")
        verbose_name_plural = _("campaign targets")
        constraints = [
            models.CheckConstraint(condition=Q(target__gt=0), name="target_positive"),
            models.CheckConstraint(
                condition=Q(measure="outcome") | (Q(label="") & Q(achieved__isnull=True)),
                name="target_outcome_fields_only_on_outcomes",
            ),
            models.CheckConstraint(
                condition=Q(measure="items") | (Q(kind="") & Q(platform="")), name="target_filters_only_on_items"
            ),
            models.CheckConstraint(condition=~Q(measure="outcome") | ~Q(label=""), name="target_outcome_named"),
        ]

    def __str__(self) -> str:
        return f"{self.campaign}: {self.describe()} {self.target:,}"

    def describe(self) -> str:
        if self.measure == self.Measure.OUTCOME:
            return self.label
        if self.measure == self.Measure.ITEMS:
            parts = [self.get_kind_display() if self.kind else "", self.get_platform_display() if self.platform else ""]
            scope = " · ".join(part for part in parts if part)
            return f"{_('Posts published')} ({scope})" if scope else str(_("Posts published"))
        return str(self.get_measure_display()).split(" (")[0]

    def clean(self) -> None:
        if self.target is not None and self.target <= 0:
            raise ValidationError({"target": _("A target is a number above zero.")})
        if self.measure == self.Measure.OUTCOME:
            if not self.label.strip():
                raise ValidationError({"label": _("Name the outcome counted, e.g. “blood donors registered”.")})
        elif self.achieved is not None:
            raise ValidationError({"achieved": _("Only an outcome's figure is entered by hand.")})
        elif self.label:
            raise ValidationError({"label": _("Only an outcome is named and entered by hand.")})
        if self.measure != self.Measure.ITEMS and (self.kind or self.platform):
            field = "kind" if self.kind else "platform"
            raise ValidationError({field: _("Only a target of posts published counts one kind or platform.")})
