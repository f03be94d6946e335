"""Cadence templates: a campaign's rhythm of posting (times of day, days of the week, accounts), applied to fill the
calendar's free slots with its approved items (publishing/cadence.py)."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from campaigns.scoping import OrganisationQuerySet
from planner.integrity import FieldNamedConstraintsMixin

ALL_WEEKDAYS = [0, 1, 2, 3, 4, 5, 6]
# A cadence posts at most this often a day on each account: more is a mistake, not a rhythm.
MAX_TIMES_PER_DAY = 12


def check_times(value: object) -> None:
    """A list of distinct "HH:MM" wall-clock times."""
    if not isinstance(value, list) or not value:
        raise ValidationError(_("Give at least one time of day, such as 08:00."))
    if len(value) > MAX_TIMES_PER_DAY:
        raise ValidationError(_("At most %(n)s times a day.") % {"n": MAX_TIMES_PER_DAY})
    for text in value:
        try:
            if not isinstance(text, str) or len(text) != 5:
                raise ValueError(text)
            dt.datetime.strptime(text, "%H:%M")
        except ValueError as error:
            raise ValidationError(_("%(time)r is not a time such as 08:00.") % {"time": text}) from error
    if len(set(value)) != len(value):
        raise ValidationError(_("Each time of day only once."))


def check_weekdays(value: object) -> None:
    """A list of distinct weekday numbers, Monday 0 to Sunday 6."""
    if not isinstance(value, list) or not value:
        raise ValidationError(_("Choose at least one day of the week."))
    if any(not isinstance(day, int) or isinstance(day, bool) or not 0 <= day <= 6 for day in value):
        raise ValidationError(_("Days of the week are numbered 0 (Monday) to 6 (Sunday)."))
    if len(set(value)) != len(value):
        raise ValidationError(_("Each day of the week only once."))


class Cadence(FieldNamedConstraintsMixin, models.Model):
    """A campaign's posting rhythm: each chosen account posts at each time of day on each chosen weekday."""

    campaign = models.ForeignKey(
        "campaigns.Campaign", on_delete=models.CASCADE, related_name="cadences", verbose_name=_("campaign")
    )
    name = models.CharField(_("name"), max_length=120)
    times = models.JSONField(
        _("times of day"), default=list, validators=[check_times],
        help_text=_("Wall-clock times where the organisation works, e.g. 08:00, 13:00, 19:00."),
    )  # fmt: skip
    weekdays = models.JSONField(
        _("days of the week"), default=list, validators=[check_weekdays], help_text=_("0 is Monday, 6 is Sunday.")
    )
    accounts = models.ManyToManyField("publishing.SocialAccount", related_name="cadences", verbose_name=_("accounts"))
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"), null=True, blank=True, help_text=_("Empty: the campaign's end."))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
        verbose_name=_("created by"),
    )  # fmt: skip
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    organisation_path = "campaign__organisation"
    objects = OrganisationQuerySet.as_manager()
    constraint_fields = {"cadence_ends_after_start": "ends_on", "cadence_name_unique_in_campaign": "name"}

    class Meta:
        ordering = ["campaign", "name"]
        verbose_name = _("cadence")
        verbose_name_plural = _("cadences")
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(ends_on__gte=F("starts_on")), name="cadence_ends_after_start",
                violation_error_code="cadence_ends_after_start",
                violation_error_message=_("The cadence cannot end before it starts."),
            ),
            models.UniqueConstraint(
                fields=["campaign", "name"], name="cadence_name_unique_in_campaign",
                violation_error_code="cadence_name_unique_in_campaign",
                violation_error_message=_("This campaign already has a cadence with this name."),
            ),
        ]  # fmt: skip

    def __str__(self) -> str:
        return f"{self.campaign}: {self.name}"

    @property
    def posts_per_day(self) -> int:
        """Posts a day on each account: one per time of day."""
        return len(self.times)

    @property
    def local_times(self) -> list[dt.time]:
        return sorted(dt.time.fromisoformat(text) for text in self.times)
