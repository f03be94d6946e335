"""Media assets: images and videos of an organisation's library."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from campaigns.models.organisations import Organisation, check_language_list
from campaigns.scoping import OrganisationQuerySet


class LettersAsTheyAreEncoder(DjangoJSONEncoder):
    """JSON that keeps Arabic and other letters as they are rather than as \\u escapes, so that a text search of
    the stored JSON finds them on SQLite too (PostgreSQL's jsonb unescapes them itself)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **(kwargs | {"ensure_ascii": False}))


class MediaAsset(models.Model):
    class Kind(models.TextChoices):
        IMAGE = "image", _("Image")
        ANIMATED_GIF = "gif", _("Animated GIF")
        VIDEO = "video", _("Video")

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="media", verbose_name=_("organisation")
    )
    title = models.CharField(_("title"), max_length=200)
    file = models.FileField(_("file"), upload_to="media/%Y/%m/")
    kind = models.CharField(_("kind"), max_length=8, choices=Kind.choices, default=Kind.IMAGE)
    mime_type = models.CharField(_("type"), max_length=64, blank=True)
    alt_text = models.JSONField(
        _("alt text"),
        default=dict,
        blank=True,
        encoder=LettersAsTheyAreEncoder,
        help_text=_('Per language, e.g. {"en": "…", "ar": "…"}.'),
    )
    # Known for the cards and infographics the planner draws: what their alt text must give the figures of.
    image_text = models.JSONField(
        _("text in the image"), default=dict, blank=True, encoder=LettersAsTheyAreEncoder,
        help_text=_("Per language: the words and figures drawn in the image, when the planner drew it."),
    )  # fmt: skip
    width = models.PositiveIntegerField(_("width (px)"), null=True, blank=True)
    height = models.PositiveIntegerField(_("height (px)"), null=True, blank=True)
    duration_ms = models.PositiveIntegerField(_("duration (ms)"), null=True, blank=True)
    # Videos, as the prober read them.
    codec = models.CharField(_("codec"), max_length=32, blank=True)
    frame_rate = models.FloatField(_("frame rate (fps)"), null=True, blank=True)
    poster = models.ImageField(_("poster frame"), upload_to="posters/%Y/%m/", blank=True)
    # Where renditions are cropped around: a fraction of the width and of the height from the top left.
    focal_x = models.FloatField(_("focal point (x)"), default=0.5)
    focal_y = models.FloatField(_("focal point (y)"), default=0.5)
    campaign = models.ForeignKey(
        "campaigns.Campaign", null=True, blank=True, on_delete=models.SET_NULL, related_name="media",
        verbose_name=_("campaign"),
    )  # fmt: skip
    tags = models.JSONField(
        _("tags"), default=list, blank=True, encoder=LettersAsTheyAreEncoder, help_text=_('e.g. ["flu", "nurse"]')
    )
    size_bytes = models.PositiveBigIntegerField(_("size (bytes)"), default=0)
    checksum = models.CharField(
        _("SHA-256"), max_length=64, help_text=_("Of the original file; the same file is stored once.")
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
        verbose_name=_("uploaded by"),
    )  # fmt: skip
    created_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)
    history = HistoricalRecords()

    organisation_path = "organisation"
    objects = OrganisationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("media asset")
        verbose_name_plural = _("media assets")
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "checksum"], name="media_stored_once_per_organisation",
                violation_error_message=_("This file is already in the organisation's library."),
            ),
            models.CheckConstraint(condition=Q(kind__in=["image", "gif", "video"]), name="media_kind_known"),
            models.CheckConstraint(
                condition=Q(focal_x__gte=0, focal_x__lte=1, focal_y__gte=0, focal_y__lte=1),
                name="media_focal_point_inside", violation_error_message=_("The focal point must be on the image."),
            ),
        ]  # fmt: skip

    def __str__(self) -> str:
        return self.title

    def clean(self) -> None:
        if not isinstance(self.alt_text, dict) or not all(isinstance(v, str) for v in self.alt_text.values()):
            raise ValidationError({"alt_text": _('Give the alt text as {"language code": "text"}.')})
        if self.organisation_id is not None:
            check_language_list(list(self.alt_text), "alt_text", self.organisation.languages)
        if not isinstance(self.tags, list) or not all(isinstance(tag, str) and tag.strip() for tag in self.tags):
            raise ValidationError({"tags": _('Give the tags as a list of words, e.g. ["flu", "nurse"].')})
        if self.campaign_id is not None and self.campaign.organisation_id != self.organisation_id:
            raise ValidationError({"campaign": _("The campaign belongs to another organisation.")})


class Rendition(models.Model):
    """One asset made to one platform's measure (or a thumbnail), from the original: metadata stripped, cropped
    around the focal point, within the platform's byte limit. Made again when the focal point moves."""

    asset = models.ForeignKey(
        MediaAsset, on_delete=models.CASCADE, related_name="renditions", verbose_name=_("media asset")
    )
    # A platform (publishing.platforms.Platform) and the shape it is for ("square", "portrait", "landscape",
    # "story"), or "library" for the library's and the calendar's thumbnails.
    purpose = models.CharField(_("for"), max_length=24)
    shape = models.CharField(_("shape"), max_length=16, default="original")
    file = models.FileField(_("file"), upload_to="renditions/%Y/%m/")
    mime_type = models.CharField(_("type"), max_length=64)
    width = models.PositiveIntegerField(_("width (px)"))
    height = models.PositiveIntegerField(_("height (px)"))
    size_bytes = models.PositiveBigIntegerField(_("size (bytes)"))
    # The focal point it was cropped around: a rendition whose point differs from the asset's is stale.
    focal_x = models.FloatField(_("focal point (x)"))
    focal_y = models.FloatField(_("focal point (y)"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    organisation_path = "asset__organisation"
    objects = OrganisationQuerySet.as_manager()

    class Meta:
        ordering = ["asset", "purpose", "shape"]
        verbose_name = _("rendition")
        verbose_name_plural = _("renditions")
        constraints = [
            models.UniqueConstraint(fields=["asset", "purpose", "shape"], name="rendition_once_per_purpose_and_shape"),
        ]

    def __str__(self) -> str:
        return f"{self.asset} for {self.purpose} ({self.shape}, {self.width}×{self.height})"

    @property
    def is_stale(self) -> bool:
        return (self.focal_x, self.focal_y) != (self.asset.focal_x, self.asset.focal_y)
