"""Health observances: international health days (built in) and an organisation's national ones."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from campaigns.models.organisations import Organisation
from campaigns.scoping import OrganisationQuerySet
from planner.integrity import FieldNamedConstraintsMixin

WEEKDAYS = [
    (0, _("Monday")), (1, _("Tuesday")), (2, _("Wednesday")), (3, _("Thursday")), (4, _("Friday")),
    (5, _("Saturday")), (6, _("Sunday")),
]  # fmt: skip
# Which weekday of the month a rule names: the first to the fourth, or the last (-1).
ORDINALS = [(1, _("first")), (2, _("second")), (3, _("third")), (4, _("fourth")), (-1, _("last"))]


class Observance(FieldNamedConstraintsMixin, models.Model):
    """A health day or week that recurs every year: on a date (7 April) or by a rule (the last Sunday of January).

    Built-in ones (no organisation) are the international days every organisation sees; an organisation's own are
    seen by it alone.
    """

    organisation = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.CASCADE, related_name="observances",
        verbose_name=_("organisation"), help_text=_("Empty: built in, seen by every organisation."),
    )  # fmt: skip
    # A built-in's stable name for the migration that writes the list (campaigns/observance_days.py).
    key = models.SlugField(_("key"), max_length=80, blank=True)
    name = models.CharField(_("name"), max_length=200)
    month = models.PositiveSmallIntegerField(_("month"), validators=[MinValueValidator(1), MaxValueValidator(12)])
    day = models.PositiveSmallIntegerField(
        _("day"), null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(31)],
        help_text=_("The day of the month; or leave it empty and give a weekday rule."),
    )  # fmt: skip
    weekday = models.PositiveSmallIntegerField(_("weekday"), null=True, blank=True, choices=WEEKDAYS)
    ordinal = models.SmallIntegerField(
        _("which one"), null=True, blank=True, choices=ORDINALS, help_text=_("e.g. the last Sunday of the month.")
    )
    duration_days = models.PositiveSmallIntegerField(
        _("length (days)"), default=1, validators=[MinValueValidator(1), MaxValueValidator(31)],
        help_text=_("1 for a day, 7 for a week."),
    )  # fmt: skip
    description = models.TextField(_("description"), blank=True)
    link = models.URLField(_("link"), max_length=500, blank=True)

    organisation_path = "organisation"
    objects = OrganisationQuerySet.as_manager()
    constraint_fields = {"observance_name_unique": "name", "observance_date_or_rule": "day"}

    class Meta:
        ordering = ["month", "day", "name"]
        verbose_name = _("health observance")
        verbose_name_plural = _("health observances")
        constraints = [
            models.UniqueConstraint(
                Lower("name"), "organisation", name="observance_name_unique", violation_error_code="observance_name_unique",
                violation_error_message=_("This organisation already has an observance with this name."),
            ),
            models.UniqueConstraint(
                fields=["key"], condition=Q(organisation__isnull=True) & ~Q(key=""), name="observance_builtin_key"
            ),
            models.CheckConstraint(
                condition=(Q(day__isnull=False) & Q(weekday__isnull=True) & Q(ordinal__isnull=True))
                | (Q(day__isnull=True) & Q(weekday__isnull=False) & Q(ordinal__isnull=False)),
                name="observance_date_or_rule", violation_error_code="observance_date_or_rule",
                violation_error_message=_("Give either a day of the month, or a weekday and which one."),
            ),
            models.CheckConstraint(condition=Q(month__gte=1, month__lte=12), name="observance_month_known"),
        ]  # fmt: skip

    def __str__(self) -> str:
        return self.label

    @property
    def is_built_in(self) -> bool:
        return self.organisation_id is None

    @property
    def label(self) -> str:
        """The name in the reader's language: built-in names are in the translation catalogues."""
        return gettext(self.name) if self.is_built_in else self.name

    def clean(self) -> None:
        if self.day is not None and self.month:
            # 29 February is allowed: in other years it falls on the 28th (campaigns/observances.py).
            longest = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][self.month - 1]
            if self.day > longest:
                raise ValidationError({"day": _("This month has no day %(day)s.") % {"day": self.day}})
