"""The review trail: every state change of an item, the approvals it received, and notifications."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from campaigns.models.content import ContentItem
from campaigns.scoping import OrganisationQuerySet


class Transition(models.Model):
    """One move of an item from a state to another (or a step inside a state, such as a first approval)."""

    item = models.ForeignKey(
        ContentItem, on_delete=models.CASCADE, related_name="transitions", verbose_name=_("content item")
    )
    action = models.CharField(_("action"), max_length=32)
    from_state = models.CharField(_("from"), max_length=24, choices=ContentItem.State.choices)
    to_state = models.CharField(_("to"), max_length=24, choices=ContentItem.State.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("by")
    )
    comment = models.TextField(_("comment"), blank=True)
    content_hash = models.CharField(
        _("content fingerprint"), max_length=64, help_text=_("Fingerprint of the content at that moment.")
    )
    created_at = models.DateTimeField(_("when"), auto_now_add=True, db_index=True)

    organisation_path = "item__campaign__organisation"
    objects = OrganisationQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("transition")
        verbose_name_plural = _("transitions")
        indexes = [models.Index(fields=["item", "created_at"], name="transition_item_time")]

    def __str__(self) -> str:
        return f"{self.item}: {self.action} ({self.from_state} → {self.to_state})"


class Approval(models.Model):
    """A manager's approval of one exact version of an item (its content fingerprint)."""

    item = models.ForeignKey(
        ContentItem, on_delete=models.CASCADE, related_name="approvals", verbose_name=_("content item")
    )
    manager = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("manager")
    )
    content_hash = models.CharField(_("content fingerprint"), max_length=64)
    item_version = models.PositiveIntegerField(_("item version"))
    comment = models.TextField(_("comment"), blank=True)
    created_at = models.DateTimeField(_("approved at"), auto_now_add=True)
    voided_at = models.DateTimeField(
        _("voided at"), null=True, blank=True, help_text=_("Set when a later edit voided it.")
    )

    organisation_path = "item__campaign__organisation"
    objects = OrganisationQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("approval")
        verbose_name_plural = _("approvals")
        constraints = [
            # Two standing approvals by one manager would let one person pass the two-manager rule.
            models.UniqueConstraint(
                fields=["item", "manager"], condition=Q(voided_at__isnull=True), name="approval_once_per_manager"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.manager} approved {self.item} v{self.item_version}"


class Notification(models.Model):
    class Kind(models.TextChoices):
        SUBMITTED = "submitted", _("Submitted for review")
        APPROVED = "approved", _("Approved")
        CHANGES_REQUESTED = "changes_requested", _("Changes requested")
        BACK_TO_REVIEW = "back_to_review", _("Back to review after an edit")
        MENTIONED = "mentioned", _("Mentioned")
        APPROVAL_EXPIRED = "approval_expired", _("Approval expired")
        PUBLICATION_FAILED = "publication_failed", _("Publication failed")
        PUBLICATION_EXPIRED = "publication_expired", _("Publication too late, not sent")
        PUBLICATION_UNCONFIRMED = "publication_unconfirmed", _("Publication unconfirmed")
        PUBLICATION_NOTED = "publication_noted", _("Published with a note")
        ACCOUNT_RECONNECT = "account_reconnect", _("Account needs reconnecting")
        PARTNER_FEEDBACK = "partner_feedback", _("Partner review feedback")

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications", verbose_name=_("recipient")
    )
    item = models.ForeignKey(
        ContentItem, null=True, blank=True, on_delete=models.CASCADE, related_name="+", verbose_name=_("content item")
    )
    kind = models.CharField(_("kind"), max_length=24, choices=Kind.choices)
    message = models.CharField(_("message"), max_length=300)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)

    organisation_path = "item__campaign__organisation"
    objects = OrganisationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        indexes = [
            models.Index(fields=["recipient", "-created_at"], name="notification_inbox"),
            models.Index(fields=["recipient"], condition=Q(read_at__isnull=True), name="notification_unread"),
        ]

    def __str__(self) -> str:
        return f"to {self.recipient}: {self.message}"
