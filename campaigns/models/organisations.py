"""Organisations and their members."""

from __future__ import annotations

import zoneinfo
from datetime import date
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from campaigns.languages import unknown_languages
from campaigns.scoping import OrganisationQuerySet


def validate_timezone(name: str) -> None:
    """Refuses a name the IANA time zone database does not know."""
    try:
        zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError) as error:
        raise ValidationError(
            _("Unknown time zone %(name)s; use a name such as Europe/Paris."), params={"name": name}
        ) from error


def check_language_list(codes: object, field: str, allowed: list[str] | None = None) -> None:
    if not isinstance(codes, list) or not all(isinstance(code, str) for code in codes):
        raise ValidationError({field: _('Give a list of language codes such as ["en", "ar"].')})
    if unknown := unknown_languages(codes):
        raise ValidationError({field: _("Unknown language code(s): %s.") % ", ".join(unknown)})
    if allowed is not None and (outside := [code for code in codes if code not in allowed]):
        raise ValidationError(
            {field: _("The organisation does not use %(codes)s; it uses %(allowed)s.")
             % {"codes": ", ".join(outside), "allowed": ", ".join(allowed)}}
        )  # fmt: skip


class Organisation(models.Model):
    name = models.CharField(_("name"), max_length=200, unique=True)
    slug = models.SlugField(_("slug"), max_length=80, unique=True, help_text=_("Short name used in addresses."))
    timezone = models.CharField(
        _("time zone"), max_length=64, default="UTC", validators=[validate_timezone],
        help_text=_("Times are entered and shown in this zone; they are stored in UTC."),
    )  # fmt: skip
    languages = models.JSONField(
        _("languages"), default=list,
        help_text=_("Codes of the languages this organisation publishes in, e.g. [\"en\", \"fr\", \"ar\"]."),
    )  # fmt: skip
    logo = models.ForeignKey(
        "campaigns.MediaAsset", null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
        verbose_name=_("logo"), limit_choices_to={"kind": "image"},
        help_text=_("An image of the library, drawn on the health cards (a campaign may have its own)."),
    )  # fmt: skip
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    organisation_path = "pk"
    objects = OrganisationQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")

    def __str__(self) -> str:
        return self.name

    @property
    def zone(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.timezone)

    def today(self) -> date:
        """Today's date where the organisation works."""
        return timezone.localdate(timezone=self.zone)

    def clean(self) -> None:
        check_logo(self.logo, self.pk)
        check_language_list(self.languages, "languages")
        if not self.languages:
            raise ValidationError({"languages": _("Choose at least one language.")})


class Role(models.TextChoices):
    CONTRIBUTOR = "contributor", _("Contributor")
    EDITOR = "editor", _("Editor")
    MANAGER = "manager", _("Manager")
    ADMIN = "admin", _("Admin")


class Membership(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("user")
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("organisation")
    )
    role = models.CharField(_("role"), max_length=16, choices=Role.choices, default=Role.CONTRIBUTOR)
    # Set by the organisation's admin: clinical sign-off is a qualification, not a role in the workflow.
    is_clinical_reviewer = models.BooleanField(
        _("clinical reviewer"), default=False, help_text=_("May sign off the claims of health advice.")
    )
    credentials = models.CharField(
        _("credentials"), max_length=200, blank=True,
        help_text=_("Shown with their sign-off, e.g. “MD, consultant in infectious diseases”."),
    )  # fmt: skip
    created_at = models.DateTimeField(_("member since"), auto_now_add=True)

    organisation_path = "organisation"
    objects = OrganisationQuerySet.as_manager()

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "organisation"], name="membership_once_per_organisation",
                violation_error_message=_("This person is already a member of the organisation."),
            ),
            models.CheckConstraint(condition=Q(role__in=Role.values), name="membership_role_known"),
            models.CheckConstraint(
                condition=Q(is_clinical_reviewer=False) | ~Q(credentials=""), name="clinical_reviewer_has_credentials",
                violation_error_message=_("A clinical reviewer's credentials are shown with their sign-off: give them."),
            ),
        ]  # fmt: skip

    def __str__(self) -> str:
        return f"{self.user} — {self.get_role_display()} at {self.organisation}"


def check_logo(logo: Any, organisation_id: int | None) -> None:
    """A logo is a still image of the organisation's own library."""
    if logo is None:
        return
    if logo.organisation_id != organisation_id:
        raise ValidationError({"logo": _("The logo must be an image of this organisation's library.")})
    if logo.kind != "image":
        raise ValidationError({"logo": _("The logo must be a still image, not a video or an animated GIF.")})
