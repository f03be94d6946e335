"""The myth register: false claims circulating about health, their debunks per language, their sources, and the
items that answered them."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from campaigns.languages import CONTENT_LANGUAGE_CODES, CONTENT_LANGUAGES, is_rtl
from campaigns.models.content import ContentItem
from campaigns.models.organisations import Organisation
from campaigns.scoping import OrganisationQuerySet
from planner.integrity import FieldNamedConstraintsMixin

CLAIM_MAX_CHARS = 500


class Myth(FieldNamedConstraintsMixin, models.Model):
    """A false claim seen circulating, as the organisation tracks it."""

    class Status(models.TextChoices):
        CIRCULATING = "circulating", _("Circulating")
        ANSWERED = "answered", _("Answered")
        DORMANT = "dormant", _("Dormant")
        RETIRED = "retired", _("Retired")

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="myths", verbose_name=_("organisation")
    )
    claim = models.CharField(
        _("claim"), max_length=CLAIM_MAX_CHARS, help_text=_("The false claim, as people repeat it.")
    )
    first_seen = models.DateField(_("first seen"), help_text=_("When the claim was first noticed."))
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.CIRCULATING)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
        verbose_name=_("recorded by"),
    )  # fmt: skip
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    # The status's history is the register's memory: when a claim came back, when it was answered.
    history = HistoricalRecords()

    organisation_path = "organisation"
    objects = OrganisationQuerySet.as_manager()
    constraint_fields = {"myth_claim_unique_in_organisation": "claim", "myth_claim_not_empty": "claim"}

    class Meta:
        ordering = ["-first_seen", "-pk"]
        verbose_name = _("myth")
        verbose_name_plural = _("myths")
        constraints = [
            models.UniqueConstraint(
                Lower("claim"), "organisation", name="myth_claim_unique_in_organisation",
                violation_error_code="myth_claim_unique_in_organisation",
                violation_error_message=_("This claim is already in the organisation's register."),
            ),
            models.CheckConstraint(
                condition=~Q(claim=""), name="myth_claim_not_empty", violation_error_code="myth_claim_not_empty",
                violation_error_message=_("Write the claim."),
            ),
            models.CheckConstraint(
                condition=Q(status__in=["circulating", "answered", "dormant", "retired"]), name="myth_status_known"
            ),
        ]  # fmt: skip
        indexes = [models.Index(fields=["organisation", "status"], name="myth_organisation_status")]

    def __str__(self) -> str:
        return self.claim


class MythDebunk(models.Model):
    """What the organisation answers to a myth, in one language."""

    myth = models.ForeignKey(Myth, on_delete=models.CASCADE, related_name="debunks", verbose_name=_("myth"))
    language = models.CharField(_("language"), max_length=8, choices=CONTENT_LANGUAGES)
    text = models.TextField(_("debunk"))
    history = HistoricalRecords()

    organisation_path = "myth__organisation"
    objects = OrganisationQuerySet.as_manager()

    class Meta:
        ordering = ["myth", "language"]
        verbose_name = _("debunk")
        verbose_name_plural = _("debunks")
        constraints = [
            models.UniqueConstraint(
                fields=["myth", "language"], name="myth_debunk_once_per_language",
                violation_error_message=_("This myth already has a debunk in this language."),
            ),
            models.CheckConstraint(condition=Q(language__in=CONTENT_LANGUAGE_CODES), name="myth_debunk_language_known"),
            models.CheckConstraint(condition=~Q(text=""), name="myth_debunk_not_empty"),
        ]  # fmt: skip

    def __str__(self) -> str:
        return f"{self.myth} · {self.language}"

    @property
    def is_rtl(self) -> bool:
        return is_rtl(self.language)

    def clean(self) -> None:
        if self.myth_id is not None and self.language and self.language not in self.myth.organisation.languages:
            raise ValidationError(
                {"language": _("The organisation does not publish in %(code)s; it uses %(allowed)s.")
                 % {"code": self.language, "allowed": ", ".join(self.myth.organisation.languages)}}
            )  # fmt: skip


class MythSource(models.Model):
    """A link that shows the claim is false; copied to every response's sources."""

    myth = models.ForeignKey(Myth, on_delete=models.CASCADE, related_name="sources", verbose_name=_("myth"))
    url = models.URLField(_("address"), max_length=500)
    title = models.CharField(_("title"), max_length=300, blank=True)
    history = HistoricalRecords()

    organisation_path = "myth__organisation"
    objects = OrganisationQuerySet.as_manager()

    class Meta:
        ordering = ["myth", "pk"]
        verbose_name = _("myth source")
        verbose_name_plural = _("myth sources")
        constraints = [
            models.UniqueConstraint(
                fields=["myth", "url"], name="myth_source_once",
                violation_error_message=_("This source is already listed for the myth."),
            )
        ]  # fmt: skip

    def __str__(self) -> str:
        return self.title or self.url


class MythResponse(models.Model):
    """An item written to answer a myth: reviewers see it flagged, the myth shows how it did."""

    myth = models.ForeignKey(Myth, on_delete=models.CASCADE, related_name="responses", verbose_name=_("myth"))
    # One item answers one myth: the flag on the review queue names a single claim.
    item = models.OneToOneField(
        ContentItem, on_delete=models.CASCADE, related_name="myth_response", verbose_name=_("content item")
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
        verbose_name=_("created by"),
    )  # fmt: skip
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    organisation_path = "myth__organisation"
    objects = OrganisationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("myth response")
        verbose_name_plural = _("myth responses")

    def __str__(self) -> str:
        return f"{self.item} → {self.myth}"
