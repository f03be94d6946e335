"""The audit trail: who did what, when, to which object, in one organisation. Append-only."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from campaigns.scoping import OrganisationQuerySet


class Action(models.TextChoices):
    ITEM_CREATED = "item.created", _("Item drafted")
    ITEM_EDITED = "item.edited", _("Content edited")
    ITEM_SUBMIT = "item.submit", _("Submitted for review")
    ITEM_APPROVE = "item.approve", _("Approved")
    ITEM_REQUEST_CHANGES = "item.request_changes", _("Changes requested")
    ITEM_REWORK = "item.rework", _("Back to draft")
    ITEM_RETURN_TO_REVIEW = "item.return_to_review", _("Back to review")
    ITEM_SCHEDULE = "item.schedule", _("Scheduled")
    ITEM_UNSCHEDULE = "item.unschedule", _("Unscheduled")
    ITEM_MARK_PUBLISHED = "item.mark_published", _("Published")
    ITEM_ARCHIVE = "item.archive", _("Archived")
    ITEM_CORRECTED = "item.corrected", _("Correction drafted")
    ITEM_CLINICALLY_REVIEWED = "item.clinically_reviewed", _("Clinical review signed")
    CAMPAIGN_CREATED = "campaign.created", _("Campaign set up")
    CAMPAIGN_EDITED = "campaign.edited", _("Campaign edited")
    MEDIA_EDITED = "media.edited", _("Media description edited")
    PUBLICATION_RESCHEDULED = "publication.rescheduled", _("Publication rescheduled")
    PUBLICATION_RETRIED = "publication.retried", _("Publication sent again")
    PUBLICATION_CONFIRMED = "publication.confirmed", _("Publication confirmed published")
    PUBLICATION_SKIPPED = "publication.skipped", _("Occurrence skipped")
    PUBLICATION_RETRACTED = "publication.retracted", _("Publication retracted")
    PUBLICATION_RETRACTION_REFUSED = "publication.retraction_refused", _("Retraction refused by the platform")
    PUBLICATION_RETRACTION_FAILED = "publication.retraction_failed", _("Retraction failed")
    FREEZE_STARTED = "freeze.started", _("Publishing paused")
    FREEZE_LIFTED = "freeze.lifted", _("Publishing resumed")
    ACCOUNT_CONNECTED = "account.connected", _("Account connected")
    ACCOUNT_DISCONNECTED = "account.disconnected", _("Account disconnected")
    ACCOUNT_EDITED = "account.edited", _("Account changed in setup")
    ACCOUNT_QUIET_HOURS = "account.quiet_hours", _("Account's quiet hours changed")
    RELEASE_CREATED = "release.created", _("Coordinated release planned")
    RELEASE_MOVED = "release.moved", _("Coordinated release moved")
    WEBHOOK_CREATED = "webhook.created", _("Webhook registered")
    WEBHOOK_DELETED = "webhook.deleted", _("Webhook deleted")
    MEMBER_ADDED = "member.added", _("Member added")
    MEMBER_ROLE_CHANGED = "member.role_changed", _("Member's role changed")
    MEMBER_REMOVED = "member.removed", _("Member removed")
    PARTNER_LINK_CREATED = "partner.link_created", _("Partner review link sent")
    PARTNER_LINK_REVOKED = "partner.link_revoked", _("Partner review link revoked")
    PARTNER_FEEDBACK = "partner.feedback", _("Partner feedback received")
    OBSERVANCE_ADDED = "observance.added", _("Observance added")
    OBSERVANCE_REMOVED = "observance.removed", _("Observance removed")
    CADENCE_CREATED = "cadence.created", _("Cadence set up")
    CADENCE_APPLIED = "cadence.applied", _("Cadence applied")
    MYTH_RECORDED = "myth.recorded", _("Myth recorded")
    MYTH_EDITED = "myth.edited", _("Myth edited")
    MYTH_RESPONDED = "myth.responded", _("Myth response drafted")
    MYTH_ANSWERED = "myth.answered", _("Myth answered by a published response")


class ObjectType(models.TextChoices):
    ITEM = "item", _("Item")
    CAMPAIGN = "campaign", _("Campaign")
    MEDIA = "media", _("Media")
    PUBLICATION = "publication", _("Publication")
    FREEZE = "freeze", _("Pause")
    ACCOUNT = "account", _("Account")
    WEBHOOK = "webhook", _("Webhook")
    MEMBER = "member", _("Member")
    OBSERVANCE = "observance", _("Observance")
    CADENCE = "cadence", _("Cadence")
    MYTH = "myth", _("Myth")
    RELEASE = "release", _("Coordinated release")


class Event(models.Model):
    organisation = models.ForeignKey(
        "campaigns.Organisation", on_delete=models.CASCADE, related_name="audit_events", verbose_name=_("organisation")
    )
    # The name is kept as it was: the trail still says who when the person is later deleted.
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
        verbose_name=_("actor"),
    )  # fmt: skip
    actor_name = models.CharField(_("actor name"), max_length=150, blank=True)
    at = models.DateTimeField(_("when"), default=timezone.now)
    # Codes of `Action` and `ObjectType`, checked by `audit.events.record`; not the fields' choices, so that a new
    # kind of event needs no migration.
    action = models.CharField(_("action"), max_length=40)
    object_type = models.CharField(_("object type"), max_length=20)
    object_id = models.CharField(_("object id"), max_length=40)
    object_label = models.CharField(_("object"), max_length=200, blank=True)
    details = models.JSONField(_("details"), default=dict, blank=True)

    organisation_path = "organisation"
    objects = OrganisationQuerySet.as_manager()

    class Meta:
        ordering = ["-at", "-pk"]
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        indexes = [
            models.Index(fields=["organisation", "-at"], name="audit_event_recent"),
            models.Index(fields=["organisation", "object_type", "object_id"], name="audit_event_object"),
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_name or 'system'} {self.action} {self.object_label}"

    @property
    def action_label(self) -> str:
        return str(Action(self.action).label) if self.action in Action.values else self.action

    @property
    def object_type_label(self) -> str:
        return str(ObjectType(self.object_type).label) if self.object_type in ObjectType.values else self.object_type
