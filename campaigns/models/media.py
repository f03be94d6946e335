"""Media assets: images and videos of an organisation's library."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from campaigns.models.organisations import Organisation, check_language_list
from campaigns.scoping import OrganisationQuerySet


class MediaAsset(models.Model):
    class Kind(models.TextChoices):
        IMAGE = "image", _("Image")
        ANIMATED_GIF = "gif", _("Animated GIF")
        VIDEO = "video", _("Video")

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="media")
    title = models.CharField(_("title"), max_length=200)
    file = models.FileField(_("file"), upload_to="media/%Y/%m/")
    kind = models.CharField(_("kind"), max_length=8, choices=Kind.choices, default=Kind.IMAGE)
    mime_type = models.CharField(_("type"), max_length=64, blank=True)
    alt_text = models.JSONField(
        _("alt text"), default=dict, blank=True, help_text=_('Per language, e.g. {"en": "…", "ar": "…"}.')
    )
    width = models.PositiveIntegerField(_("width (px)"), null=True, blank=True)
    height = models.PositiveIntegerField(_("height (px)"), null=True, blank=True)
    duration_ms = models.PositiveIntegerField(_("duration (ms)"), null=True, blank=True)
    size_bytes = models.PositiveBigIntegerField(_("size (bytes)"), default=0)
    checksum = models.CharField(
        _("SHA-256"), max_length=64, help_text=_("Of the original file; the same file is stored once.")
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    organisation_path = "organisation"
    objects = OrganisationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("media asset")
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "checksum"], name="media_stored_once_per_organisation",
                violation_error_message=_("This file is already in the organisation's library."),
            ),
            models.CheckConstraint(condition=Q(kind__in=["image", "gif", "video"]), name="media_kind_known"),
        ]  # fmt: skip

    def __str__(self) -> str:
        return self.title

    def clean(self) -> None:
        if not isinstance(self.alt_text, dict) or not all(isinstance(v, str) for v in self.alt_text.values()):
            raise ValidationError({"alt_text": _('Give the alt text as {"language code": "text"}.')})
        if self.organisation_id is not None:
            check_language_list(list(self.alt_text), "alt_text", self.organisation.languages)
