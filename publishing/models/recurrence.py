"""A rule that repeats an approved item: daily, weekly on chosen days or monthly, at a wall-clock time."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from campaigns.models import ContentItem, validate_timezone
from campaigns.scoping import OrganisationQuerySet

WEEKDAYS = [
    (0, _("Monday")), (1, _("Tuesday")), (2, _("Wednesday")), (3, _("Thursday")), (4, _("Friday")),
    (5, _("Saturday")), (6, _("Sunday")),
]  # fmt: skip


class Recurrence(models.Model):
    """How an item repeats; each occurrence on each target is one Publication (publishing/recurrence.py).

    Times are wall-clock times in `timezone` (the organisation's when the rule was made): 09:00 stays 09:00
    across daylight-saving changes, so the UTC instants move. A monthly rule on a day that a month lacks
    (the 31st in April) falls on that month's last day. It stops at `until` (included) or after `count`
    occurrences, whichever the rule names.
    """

    class Frequency(models.TextChoices):
        DAILY = "daily", _("Daily")
        WEEKLY = "weekly", _("Weekly")
        MONTHLY = "monthly", _("Monthly")

    item = models.ForeignKey(
        ContentItem, on_delete=models.CASCADE, related_name="recurrences", verbose_name=_("content item")
    )
    # [[variant id, account id], …]: what each occurrence goes to; checked again whenever it is applied.
    targets = models.JSONField(_("variants and accounts"), default=list)
    frequency = models.CharField(_("frequency"), max_length=8, choices=Frequency.choices)
    interval = models.PositiveSmallIntegerField(
        _("every"), default=1, help_text=_("1: every day, week or month; 2: every other one; …")
    )
    weekdays = models.JSONField(_("weekdays"), default=list, blank=True, help_text=_("0 is Monday (weekly rules)."))
    day_of_month = models.PositiveSmallIntegerField(
        _("day of the month"), null=True, blank=True,
        help_text=_("Monthly rules; a month without this day uses its last day."),
    )  # fmt: skip
    local_time = models.TimeField(_("local time"))
    timezone = models.CharField(_("time zone"), max_length=64, validators=[validate_timezone])
    starts_on = models.DateField(_("starts on"))
    until = models.DateField(_("until"), null=True, blank=True)
    count = models.PositiveSmallIntegerField(_("occurrences"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
        verbose_name=_("created by"),
    )  # fmt: skip
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    organisation_path = "item__campaign__organisation"
    objects = OrganisationQuerySet.as_manager()

    class Meta:
        ordering = ["item", "created_at"]
        verbose_name = _("recurrence")
        verbose_name_plural = _("recurrences")
        constraints = [
            models.CheckConstraint(
                condition=Q(frequency__in=["daily", "weekly", "monthly"]), name="recurrence_frequency_known"
            ),
            # A rule without an end would make publications without end: it stops at a date or a count.
            models.CheckConstraint(
                condition=Q(until__isnull=False) | Q(count__isnull=False), name="recurrence_has_an_end"
            ),
            models.CheckConstraint(condition=Q(interval__gte=1), name="recurrence_interval_positive"),
            models.CheckConstraint(
                condition=Q(day_of_month__isnull=True) | Q(day_of_month__gte=1, day_of_month__lte=31),
                name="recurrence_day_of_month_known",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.item} {self.get_frequency_display().lower()} at {self.local_time:%H:%M} ({self.timezone})"
