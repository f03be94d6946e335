"""API tokens: a person's key to the REST API, of which only a hash is kept."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from campaigns.scoping import OrganisationQuerySet
from planner.encryption import EncryptedTextField

TOKEN_PREFIX_CHARS = 8


class ApiToken(models.Model):
    """One named token of one user. The secret is shown once, at creation; only its SHA-256 is stored."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens", verbose_name=_("user")
    )
    name = models.CharField(_("name"), max_length=100, help_text=_("What the token is for, e.g. “CMS import”."))
    prefix = models.CharField(
        _("prefix"), max_length=TOKEN_PREFIX_CHARS, unique=True, editable=False,
        help_text=_("The visible start of the secret, to find the token and to recognise it."),
    )  # fmt: skip
    key_hash = models.CharField(
        _("key hash"), max_length=64, editable=False, help_text=_("SHA-256 of the secret, in hex.")
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True, editable=False)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)

    # A token reaches what its user reaches: it belongs to the organisations of its user.
    organisation_path = "user__memberships__organisation"
    objects = OrganisationQuerySet.as_manager()

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None


class WebhookEvent(models.TextChoices):
    ITEM_APPROVED = "item.approved", _("an item was approved")
    PUBLICATION_PUBLISHED = "publication.published", _("a publication was published")
    PUBLICATION_FAILED = "publication.failed", _("a publication failed")


class Webhook(models.Model):
    """A URL of an organisation that receives the events it subscribed to, signed with its secret."""

    organisation = models.ForeignKey(
        "campaigns.Organisation", on_delete=models.CASCADE, related_name="webhooks", verbose_name=_("organisation")
    )
    url = models.URLField(_("URL"), max_length=500)
    # Signing needs it back, so it is encrypted rather than hashed. Shown once, at creation; never listed by the API.
    secret = EncryptedTextField(_("secret"), editable=False)
    events = models.JSONField(_("events"), default=list, help_text=_("Which of the events to send."))
    is_active = models.BooleanField(_("active"), default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
        verbose_name=_("created by"),
    )  # fmt: skip
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    organisation_path = "organisation"
    objects = OrganisationQuerySet.as_manager()

    class Meta:
        verbose_name = _("webhook")
        verbose_name_plural = _("webhooks")
        ordering = ["id"]

    def __str__(self) -> str:
        return self.url


class WebhookDelivery(models.Model):
    """One event for one webhook, with its attempts: an operational row, claimed and updated in place."""

    webhook = models.ForeignKey(Webhook, on_delete=models.CASCADE, related_name="deliveries")
    event = models.CharField(max_length=40, choices=WebhookEvent.choices)
    payload = models.JSONField()
    # The receiver's idempotency key (X-Planner-Delivery): the same for every attempt of this delivery.
    event_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    attempts = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)
    gave_up_at = models.DateTimeField(null=True, blank=True)
    # Rounds of attempts: the first, then one more each time an admin redelivers what gave up.
    round = models.PositiveIntegerField(default=1)
    round_first_attempt = models.PositiveIntegerField(
        default=1, help_text=_("The number of this round's first attempt.")
    )
    redelivered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    redelivered_at = models.DateTimeField(null=True, blank=True)
    last_status = models.PositiveIntegerField(null=True, blank=True)
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    organisation_path = "webhook__organisation"
    objects = OrganisationQuerySet.as_manager()

    class Meta:
        verbose_name = _("webhook delivery")
        verbose_name_plural = _("webhook deliveries")
        ordering = ["-id"]
        # The sweep of lost attempts reads the pending ones by time; settled ones, most rows, stay out.
        indexes = [
            models.Index(
                fields=["next_attempt_at"],
                condition=models.Q(delivered_at__isnull=True, gave_up_at__isnull=True),
                name="api_webhookdelivery_pending",
            )
        ]

    def __str__(self) -> str:
        return f"{self.event} → {self.webhook_id}"
