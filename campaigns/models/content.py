"""Content items, their sources, their variants per platform and language, and comments."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from campaigns.languages import CONTENT_LANGUAGE_CODES, CONTENT_LANGUAGES, is_rtl
from campaigns.models.campaign import Campaign
from campaigns.models.media import MediaAsset
from campaigns.models.organisations import Organisation
from campaigns.scoping import OrganisationQuerySet
from publishing.platforms import Platform


class ContentItem(models.Model):
    class Kind(models.TextChoices):
        POST = "post", _("Post")
        INFOGRAPHIC = "infographic", _("Infographic")
        VIDEO = "video", _("Video")
        ALERT = "alert", _("Alert")

    class State(models.TextChoices):
        DRAFT = "draft", _("Draft")
        IN_REVIEW = "in_review", _("In review")
        CHANGES_REQUESTED = "changes_requested", _("Changes requested")
        APPROVED = "approved", _("Approved")
        SCHEDULED = "scheduled", _("Scheduled")
        PUBLISHED = "published", _("Published")
        ARCHIVED = "archived", _("Archived")

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="items", verbose_name=_("campaign"))
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices, default=Kind.POST)
    title = models.CharField(_("title"), max_length=200)
    brief = models.TextField(_("brief"), blank=True, help_text=_("What this item must say, for whom, and why."))
    master_text = models.TextField(
        _("master text"),
        blank=True,
        help_text=_("The message once; each platform and language variant starts from it."),
    )
    planned_at = models.DateTimeField(
        _("planned for"), null=True, blank=True, help_text=_("When it should go out; it must be approved by then.")
    )
    approval_expired_at = models.DateTimeField(
        _("approval expired at"), null=True, blank=True, editable=False,
        help_text=_("Set when the planned time came before approval: it will not be published on its own."),
    )  # fmt: skip
    state = models.CharField(_("state"), max_length=24, choices=State.choices, default=State.DRAFT, editable=False)
    is_crisis = models.BooleanField(
        _("crisis communication"), default=False,
        help_text=_("May go out during a publishing freeze, when two managers have approved it."),
    )  # fmt: skip
    is_health_advice = models.BooleanField(
        _("health advice"), default=False, help_text=_("Health advice needs at least one source link.")
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="authored_items",
        verbose_name=_("author"),
    )  # fmt: skip
    version = models.PositiveIntegerField(
        _("version"), default=1, editable=False, help_text=_("Raised on every save; a stale save is refused.")
    )
    # A hash of the CSV row it was imported from and of its organisation: the same row is never imported twice.
    import_key = models.CharField(_("import key"), max_length=64, null=True, blank=True, editable=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    history = HistoricalRecords()

    organisation_path = "campaign__organisation"
    objects = OrganisationQuerySet.as_manager()

    class Meta:
        ordering = ["-updated_at"]
        verbose_name = _("content item")
        verbose_name_plural = _("content items")
        constraints = [
            models.CheckConstraint(condition=Q(kind__in=["post", "infographic", "video", "alert"]), name="item_kind_known"),
            models.CheckConstraint(
                condition=Q(state__in=["draft", "in_review", "changes_requested", "approved", "scheduled", "published", "archived"]),
                name="item_state_known",
            ),
            models.UniqueConstraint(fields=["import_key"], name="item_imported_once"),
        ]  # fmt: skip
        indexes = [models.Index(fields=["campaign", "state"], name="item_campaign_state")]

    def __str__(self) -> str:
        return self.title

    @property
    def organisation(self) -> Organisation:
        return self.campaign.organisation

    def variant_summary(self) -> tuple[list[str], list[str]]:
        """The platforms (by label) and languages its variants cover, each once, in order."""
        variants = list(self.variants.all())
        platforms = dict.fromkeys(v.get_platform_display() for v in sorted(variants, key=lambda v: v.platform))
        languages = dict.fromkeys(v.language for v in sorted(variants, key=lambda v: v.language))
        return list(platforms), list(languages)


class Source(models.Model):
    """A link that backs a health claim made by an item: one of its claims' (campaigns/models/evidence.py), or the
    item's as a whole when `claim` is empty."""

    class Kind(models.TextChoices):
        WHO = "who", _("World Health Organization")
        NATIONAL_AGENCY = "national_agency", _("National public-health agency")
        PEER_REVIEWED = "peer_reviewed", _("Peer-reviewed publication")
        MINISTRY_GUIDANCE = "ministry_guidance", _("Ministry guidance")
        OTHER = "other", _("Other")

    item = models.ForeignKey(
        ContentItem, on_delete=models.CASCADE, related_name="sources", verbose_name=_("content item")
    )
    claim = models.ForeignKey(
        "campaigns.Claim", null=True, blank=True, on_delete=models.CASCADE, related_name="sources",
        verbose_name=_("claim"),
    )  # fmt: skip
    kind = models.CharField(_("type of source"), max_length=24, choices=Kind.choices, default=Kind.OTHER)
    url = models.URLField(_("address"), max_length=500)
    title = models.CharField(
        _("title"), max_length=300, blank=True, help_text=_("e.g. WHO fact sheet: Influenza (seasonal).")
    )
    history = HistoricalRecords()

    organisation_path = "item__campaign__organisation"
    objects = OrganisationQuerySet.as_manager()

    class Meta:
        verbose_name = _("source")
        verbose_name_plural = _("sources")
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["item", "url"], condition=Q(claim__isnull=True), name="source_once_per_item",
                violation_error_message=_("This source is already listed for the item."),
            ),
            models.UniqueConstraint(
                fields=["claim", "url"], condition=Q(claim__isnull=False), name="source_once_per_claim",
                violation_error_message=_("This source is already listed for the claim."),
            ),
            models.CheckConstraint(
                condition=Q(kind__in=["who", "national_agency", "peer_reviewed", "ministry_guidance", "other"]),
                name="source_kind_known",
            ),
        ]  # fmt: skip

    def __str__(self) -> str:
        return self.title or self.url


class Variant(models.Model):
    """One item as it appears on one platform in one language."""

    item = models.ForeignKey(
        ContentItem, on_delete=models.CASCADE, related_name="variants", verbose_name=_("content item")
    )
    platform = models.CharField(_("platform"), max_length=16, choices=Platform.choices)
    language = models.CharField(_("language"), max_length=8, choices=CONTENT_LANGUAGES)
    text = models.TextField(_("text"), blank=True)
    link = models.URLField(_("link"), max_length=500, blank=True)
    first_comment = models.TextField(
        _("first comment"), blank=True, help_text=_("Posted as the first reply, where the platform allows.")
    )
    media = models.ManyToManyField(
        MediaAsset, through="VariantMedia", blank=True, related_name="variants", verbose_name=_("media")
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    history = HistoricalRecords()

    organisation_path = "item__campaign__organisation"
    objects = OrganisationQuerySet.as_manager()

    class Meta:
        ordering = ["platform", "language"]
        verbose_name = _("variant")
        verbose_name_plural = _("variants")
        constraints = [
            models.UniqueConstraint(
                fields=["item", "platform", "language"], name="variant_once_per_platform_and_language",
                violation_error_message=_("This item already has a variant for this platform and language."),
            ),
            models.CheckConstraint(condition=Q(platform__in=Platform.values), name="variant_platform_known"),
            models.CheckConstraint(condition=Q(language__in=CONTENT_LANGUAGE_CODES), name="variant_language_known"),
        ]  # fmt: skip

    def __str__(self) -> str:
        return f"{self.item} · {self.get_platform_display()} · {self.language}"

    @property
    def is_rtl(self) -> bool:
        return is_rtl(self.language)

    def clean(self) -> None:
        if self.item_id is not None and self.language:
            allowed = self.item.campaign.effective_languages
            if self.language not in allowed:
                raise ValidationError(
                    {"language": _("The campaign does not use %(code)s; it uses %(allowed)s.")
                     % {"code": self.language, "allowed": ", ".join(allowed)}}
                )  # fmt: skip


class VariantMedia(models.Model):
    """An asset attached to a variant, in display order."""

    variant = models.ForeignKey(
        Variant, on_delete=models.CASCADE, related_name="attachments", verbose_name=_("variant")
    )
    asset = models.ForeignKey(
        MediaAsset, on_delete=models.PROTECT, related_name="attachments", verbose_name=_("media asset")
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    organisation_path = "variant__item__campaign__organisation"
    objects = OrganisationQuerySet.as_manager()

    class Meta:
        ordering = ["position"]
        verbose_name = _("attached media")
        verbose_name_plural = _("attached media")
        constraints = [
            models.UniqueConstraint(fields=["variant", "asset"], name="variant_media_once"),
            models.UniqueConstraint(fields=["variant", "position"], name="variant_media_position_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.asset} in {self.variant}"

    def clean(self) -> None:
        if (
            self.variant_id
            and self.asset_id
            and self.asset.organisation_id != self.variant.item.campaign.organisation_id
        ):
            raise ValidationError({"asset": _("This asset belongs to another organisation.")})


class Comment(models.Model):
    item = models.ForeignKey(
        ContentItem, on_delete=models.CASCADE, related_name="comments", verbose_name=_("content item")
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("author")
    )
    body = models.TextField(_("comment"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    edited_at = models.DateTimeField(_("edited"), null=True, blank=True)
    history = HistoricalRecords()

    organisation_path = "item__campaign__organisation"
    objects = OrganisationQuerySet.as_manager()

    class Meta:
        ordering = ["created_at"]
        verbose_name = _("comment")
        verbose_name_plural = _("comments")
        indexes = [models.Index(fields=["item", "created_at"], name="comment_item_time")]
        constraints = [models.CheckConstraint(condition=~Q(body=""), name="comment_not_empty")]

    def __str__(self) -> str:
        return f"{self.author}: {self.body[:40]}"
