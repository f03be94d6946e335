"""Campaigns: what an organisation sets out to say, when, and in which languages."""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from campaigns.models.organisations import Organisation, check_language_list, check_logo
from campaigns.scoping import OrganisationQuerySet
from planner.integrity import FieldNamedConstraintsMixin

HASHTAG_PATTERN = RegexValidator(r"^#\w+$", _("A hashtag starts with # followed by letters, digits or _."))
COLOUR_PATTERN = RegexValidator(r"^#[0-9a-fA-F]{6}$", _("Use a hex colour such as #1f7a8c."))


class Priority(models.IntegerChoices):
    LOW = 1, _("Low")
    NORMAL = 2, _("Normal")
    HIGH = 3, _("High")
    CRITICAL = 4, _("Critical")


class Campaign(FieldNamedConstraintsMixin, models.Model):
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="campaigns", verbose_name=_("organisation")
    )
    name = models.CharField(_("name"), max_length=200)
    goal = models.TextField(
        _("goal"), blank=True, help_text=_("What this campaign should change, in one or two sentences.")
    )
    start_date = models.DateField(_("start date"))
    end_date = models.DateField(
        _("end date"), null=True, blank=True, help_text=_("Leave empty for an ongoing campaign.")
    )
    hashtags = models.JSONField(
        _("hashtags"), default=list, blank=True, help_text=_('e.g. ["#FluVaccine", "#ProtectYourself"].')
    )
    colour = models.CharField(
        _("colour"), max_length=7, default="#1f7a8c", validators=[COLOUR_PATTERN], help_text=_("Shown on the calendar.")
    )
    languages = models.JSONField(
        _("languages"),
        default=list,
        blank=True,
        help_text=_("Languages of this campaign; empty means all the organisation's languages."),
    )
    priority = models.PositiveSmallIntegerField(_("priority"), choices=Priority.choices, default=Priority.NORMAL)
    logo = models.ForeignKey(
        "campaigns.MediaAsset", null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
        verbose_name=_("logo"), limit_choices_to={"kind": "image"},
        help_text=_("Drawn on this campaign's health cards; empty: the organisation's logo."),
    )  # fmt: skip
    anchor_observance = models.ForeignKey(
        "campaigns.Observance", null=True, blank=True, on_delete=models.SET_NULL, related_name="campaigns",
        verbose_name=_("anchor observance"), help_text=_("The health day or week this campaign builds up to."),
    )  # fmt: skip
    late_cutoff_minutes = models.PositiveIntegerField(
        _("latest acceptable delay (minutes)"), null=True, blank=True,
        help_text=_("How late a publication may still go out on its own; past it, a person decides. "
                    "Empty: 30 minutes for alerts, 6 hours for everything else."),
    )  # fmt: skip
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
        verbose_name=_("created by"),
    )  # fmt: skip
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    history = HistoricalRecords()

    organisation_path = "organisation"
    objects = OrganisationQuerySet.as_manager()
    constraint_fields = {
        "campaign_ends_after_start": "end_date",
        "campaign_name_unique_in_organisation": "name",
        "campaign_late_cutoff_in_range": "late_cutoff_minutes",
    }

    class Meta:
        ordering = ["-start_date", "name"]
        verbose_name = _("campaign")
        verbose_name_plural = _("campaigns")
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=F("start_date")),
                name="campaign_ends_after_start", violation_error_code="campaign_ends_after_start",
                violation_error_message=_("The campaign cannot end before it starts."),
            ),
            models.UniqueConstraint(
                Lower("name"), "organisation", name="campaign_name_unique_in_organisation",
                violation_error_code="campaign_name_unique_in_organisation",
                violation_error_message=_("This organisation already has a campaign with this name."),
            ),
            models.CheckConstraint(condition=Q(priority__gte=1, priority__lte=4), name="campaign_priority_known"),
            models.CheckConstraint(
                condition=Q(late_cutoff_minutes__isnull=True) | Q(late_cutoff_minutes__gte=1, late_cutoff_minutes__lte=10080),
                name="campaign_late_cutoff_in_range", violation_error_code="campaign_late_cutoff_in_range",
                violation_error_message=_("Give between 1 minute and 7 days (10,080 minutes)."),
            ),
        ]  # fmt: skip
        indexes = [models.Index(fields=["organisation", "start_date"], name="campaign_org_start")]

    def __str__(self) -> str:
        return self.name

    def is_running_on(self, day: date) -> bool:
        """Whether the campaign runs on `day` (an ongoing campaign runs from its start on)."""
        return self.start_date <= day and (self.end_date is None or day <= self.end_date)

    @property
    def effective_languages(self) -> list[str]:
        """The campaign's languages, or the organisation's when the campaign names none."""
        return list(self.languages or self.organisation.languages)

    def clean(self) -> None:
        if self.organisation_id is not None:
            check_language_list(self.languages, "languages", self.organisation.languages)
            check_logo(self.logo, self.organisation_id)
            if self.anchor_observance is not None and self.anchor_observance.organisation_id not in (
                None, self.organisation_id,
            ):  # fmt: skip
                raise ValidationError({"anchor_observance": _("This observance belongs to another organisation.")})
        if not isinstance(self.hashtags, list):
            raise ValidationError({"hashtags": _("Give a list of hashtags.")})
        for tag in self.hashtags:
            try:
                HASHTAG_PATTERN(tag)
            except ValidationError as error:
                raise ValidationError({"hashtags": f"{tag!r}: {error.messages[0]}"}) from error
