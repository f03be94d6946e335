"""What is said: organisations, their members, campaigns, content items, variants, media."""

from __future__ import annotations

import zoneinfo
from datetime import date

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from campaigns.languages import CONTENT_LANGUAGE_CODES, CONTENT_LANGUAGES, unknown_languages
from campaigns.scoping import OrganisationQuerySet
from planner.integrity import FieldNamedConstraintsMixin
from publishing.platforms import Platform


def validate_timezone(name: str) -> None:
    """Refuses a name the IANA time zone database does not know."""
    try:
        zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError) as error:
        raise ValidationError(
            _("Unknown time zone %(name)s; use a name such as Europe/Paris."), params={"name": name}
        ) from error


HASHTAG_PATTERN = RegexValidator(r"^#\w+$", _("A hashtag starts with # followed by letters, digits or _."))
COLOUR_PATTERN = RegexValidator(r"^#[0-9a-fA-F]{6}$", _("Use a hex colour such as #1f7a8c."))


def _check_language_list(codes: object, field: str, allowed: list[str] | None = None) -> None:
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
    created_at = models.DateTimeField(auto_now_add=True)

    organisation_path = "pk"
    objects = OrganisationQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("organisation")

    def __str__(self) -> str:
        return self.name

    @property
    def zone(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.timezone)

    def today(self) -> date:
        """Today's date where the organisation works."""
        return timezone.localdate(timezone=self.zone)

    def clean(self) -> None:
        _check_language_list(self.languages, "languages")
        if not self.languages:
            raise ValidationError({"languages": _("Choose at least one language.")})


class Role(models.TextChoices):
    CONTRIBUTOR = "contributor", _("Contributor")
    EDITOR = "editor", _("Editor")
    MANAGER = "manager", _("Manager")
    ADMIN = "admin", _("Admin")


class Membership(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships")
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(_("role"), max_length=16, choices=Role.choices, default=Role.CONTRIBUTOR)
    created_at = models.DateTimeField(auto_now_add=True)

    organisation_path = "organisation"
    objects = OrganisationQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user", "organisation"], name="membership_once_per_organisation",
                violation_error_message=_("This person is already a member of the organisation."),
            ),
            models.CheckConstraint(condition=Q(role__in=Role.values), name="membership_role_known"),
        ]  # fmt: skip

    def __str__(self) -> str:
        return f"{self.user} — {self.get_role_display()} at {self.organisation}"


class Priority(models.IntegerChoices):
    LOW = 1, _("Low")
    NORMAL = 2, _("Normal")
    HIGH = 3, _("High")
    CRITICAL = 4, _("Critical")


class Campaign(FieldNamedConstraintsMixin, models.Model):
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="campaigns")
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
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords()

    organisation_path = "organisation"
    objects = OrganisationQuerySet.as_manager()
    constraint_fields = {"campaign_ends_after_start": "end_date", "campaign_name_unique_in_organisation": "name"}

    class Meta:
        ordering = ["-start_date", "name"]
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
            _check_language_list(self.languages, "languages", self.organisation.languages)
        if not isinstance(self.hashtags, list):
            raise ValidationError({"hashtags": _("Give a list of hashtags.")})
        for tag in self.hashtags:
            try:
                HASHTAG_PATTERN(tag)
            except ValidationError as error:
                raise ValidationError({"hashtags": f"{tag!r}: {error.messages[0]}"}) from error


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

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="items")
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices, default=Kind.POST)
    title = models.CharField(_("title"), max_length=200)
    brief = models.TextField(_("brief"), blank=True, help_text=_("What this item must say, for whom, and why."))
    state = models.CharField(_("state"), max_length=24, choices=State.choices, default=State.DRAFT, editable=False)
    is_health_advice = models.BooleanField(
        _("health advice"), default=False, help_text=_("Health advice needs at least one source link.")
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="authored_items"
    )
    version = models.PositiveIntegerField(
        default=1, editable=False, help_text=_("Raised on every save; a stale save is refused.")
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords()

    organisation_path = "campaign__organisation"
    objects = OrganisationQuerySet.as_manager()

    class Meta:
        ordering = ["-updated_at"]
        verbose_name = _("content item")
        constraints = [
            models.CheckConstraint(condition=Q(kind__in=["post", "infographic", "video", "alert"]), name="item_kind_known"),
            models.CheckConstraint(
                condition=Q(state__in=["draft", "in_review", "changes_requested", "approved", "scheduled", "published", "archived"]),
                name="item_state_known",
            ),
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
    """A link that backs a health claim made by an item."""

    item = models.ForeignKey(ContentItem, on_delete=models.CASCADE, related_name="sources")
    url = models.URLField(_("address"), max_length=500)
    title = models.CharField(
        _("title"), max_length=300, blank=True, help_text=_("e.g. WHO fact sheet: Influenza (seasonal).")
    )
    history = HistoricalRecords()

    organisation_path = "item__campaign__organisation"
    objects = OrganisationQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["item", "url"], name="source_once_per_item",
                violation_error_message=_("This source is already listed for the item."),
            )
        ]  # fmt: skip

    def __str__(self) -> str:
        return self.title or self.url


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
            _check_language_list(list(self.alt_text), "alt_text", self.organisation.languages)


class Variant(models.Model):
    """One item as it appears on one platform in one language."""

    item = models.ForeignKey(ContentItem, on_delete=models.CASCADE, related_name="variants")
    platform = models.CharField(_("platform"), max_length=16, choices=Platform.choices)
    language = models.CharField(_("language"), max_length=8, choices=CONTENT_LANGUAGES)
    text = models.TextField(_("text"), blank=True)
    link = models.URLField(_("link"), max_length=500, blank=True)
    first_comment = models.TextField(
        _("first comment"), blank=True, help_text=_("Posted as the first reply, where the platform allows.")
    )
    media = models.ManyToManyField(MediaAsset, through="VariantMedia", blank=True, related_name="variants")
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords()

    organisation_path = "item__campaign__organisation"
    objects = OrganisationQuerySet.as_manager()

    class Meta:
        ordering = ["platform", "language"]
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

    variant = models.ForeignKey(Variant, on_delete=models.CASCADE, related_name="attachments")
    asset = models.ForeignKey(MediaAsset, on_delete=models.PROTECT, related_name="attachments")
    position = models.PositiveSmallIntegerField(default=0)

    organisation_path = "variant__item__campaign__organisation"
    objects = OrganisationQuerySet.as_manager()

    class Meta:
        ordering = ["position"]
        verbose_name = _("attached media")
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
    item = models.ForeignKey(ContentItem, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    body = models.TextField(_("comment"))
    created_at = models.DateTimeField(auto_now_add=True)

    organisation_path = "item__campaign__organisation"
    objects = OrganisationQuerySet.as_manager()

    class Meta:
        ordering = ["created_at"]
        indexes = [models.Index(fields=["item", "created_at"], name="comment_item_time")]
        constraints = [models.CheckConstraint(condition=~Q(body=""), name="comment_not_empty")]

    def __str__(self) -> str:
        return f"{self.author}: {self.body[:40]}"
