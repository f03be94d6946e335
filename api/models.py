"""API tokens: a person's key to the REST API, of which only a hash is kept."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from campaigns.scoping import OrganisationQuerySet

TOKEN_PREFIX_CHARS = 8


class ApiToken(models.Model):
    """One named token of one user. The secret is shown once, at creation; only its SHA-256 is stored."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("name"), max_length=100, help_text=_("What the token is for, e.g. “CMS import”."))
    prefix = models.CharField(
        _("prefix"), max_length=TOKEN_PREFIX_CHARS, unique=True, editable=False,
        help_text=_("The visible start of the secret, to find the token and to recognise it."),
    )  # fmt: skip
    key_hash = models.CharField(max_length=64, editable=False, help_text=_("SHA-256 of the secret, in hex."))
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True, editable=False)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)

    # A token reaches what its user reaches: it belongs to the organisations of its user.
    organisation_path = "user__memberships__organisation"
    objects = OrganisationQuerySet.as_manager()

    class Meta:
        verbose_name = _("API token")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None
