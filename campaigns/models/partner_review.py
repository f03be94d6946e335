"""Partner review: signed, expiring links that let an outside clinician read an item and leave feedback."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from campaigns.models.content import ContentItem
from campaigns.scoping import OrganisationQuerySet


class PartnerLink(models.Model):
    """One link sent to one partner for one item; it dies at `expires_at` or when revoked."""

    item = models.ForeignKey(
        ContentItem, on_delete=models.CASCADE, related_name="partner_links", verbose_name=_("content item")
    )
    partner_name = models.CharField(_("partner's name"), max_length=200)
    partner_email = models.EmailField(_("partner's e-mail"))
    # Signed into the token with the link's id: a token made for an earlier row of the same id never verifies.
    nonce = models.CharField(_("nonce"), max_length=32, unique=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("sent by")
    )
    created_at = models.DateTimeField(_("sent at"), default=timezone.now)
    expires_at = models.DateTimeField(_("expires at"))
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
        verbose_name=_("revoked by"),
    )  # fmt: skip

    organisation_path = "item__campaign__organisation"
    objects = OrganisationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("partner review link")
        verbose_name_plural = _("partner review links")
        constraints = [
            models.CheckConstraint(
                condition=Q(expires_at__gt=models.F("created_at")), name="partner_link_expires_later"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.partner_name} · {self.item}"

    def is_live(self, now: timezone.datetime | None = None) -> bool:
        """Neither revoked nor expired."""
        return self.revoked_at is None and (now or timezone.now()) < self.expires_at


class PartnerLinkUse(models.Model):
    """Every use of a link, allowed or refused: who came (address, browser), when, to do what."""

    class Action(models.TextChoices):
        VIEWED = "viewed", _("Viewed")
        COMMENTED = "commented", _("Commented")
        MARKED = "marked", _("Marked clinically approved")
        REFUSED = "refused", _("Refused (expired, revoked or invalid)")

    link = models.ForeignKey(PartnerLink, on_delete=models.CASCADE, related_name="uses", verbose_name=_("link"))
    at = models.DateTimeField(_("when"), default=timezone.now)
    ip = models.GenericIPAddressField(_("address"), null=True, blank=True)
    user_agent = models.CharField(_("browser"), max_length=300, blank=True)
    action = models.CharField(_("action"), max_length=12, choices=Action.choices)

    organisation_path = "link__item__campaign__organisation"
    objects = OrganisationQuerySet.as_manager()

    class Meta:
        ordering = ["-at", "-pk"]
        verbose_name = _("partner link use")
        verbose_name_plural = _("partner link uses")

    def __str__(self) -> str:
        return f"{self.link}: {self.action} at {self.at:%Y-%m-%d %H:%M}"


class PartnerFeedback(models.Model):
    """A partner's comment or "clinically approved" mark, bound to the version of the item they read.

    A mark is advice to the managers, never a workflow approval: it moves no state and counts for no approval."""

    class Kind(models.TextChoices):
        COMMENT = "comment", _("Comment")
        CLINICALLY_APPROVED = "clinically_approved", _("Clinically approved")

    link = models.ForeignKey(PartnerLink, on_delete=models.CASCADE, related_name="feedback", verbose_name=_("link"))
    item = models.ForeignKey(
        ContentItem, on_delete=models.CASCADE, related_name="partner_feedback", verbose_name=_("content item")
    )
    kind = models.CharField(_("kind"), max_length=24, choices=Kind.choices)
    body = models.TextField(_("comment"), blank=True)
    at = models.DateTimeField(_("when"), default=timezone.now)
    item_version = models.PositiveIntegerField(_("item version seen"))
    content_hash = models.CharField(_("content fingerprint seen"), max_length=64)

    organisation_path = "item__campaign__organisation"
    objects = OrganisationQuerySet.as_manager()

    class Meta:
        ordering = ["-at", "-pk"]
        verbose_name = _("partner feedback")
        verbose_name_plural = _("partner feedback")
        constraints = [
            models.CheckConstraint(
                condition=Q(kind="clinically_approved") | ~Q(body=""), name="partner_comment_not_empty"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.link.partner_name}: {self.get_kind_display()} on {self.item}"
