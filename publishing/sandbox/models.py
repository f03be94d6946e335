"""What the sandbox platform knows: accounts and their tokens, the media and posts they sent, the faults to inject."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils import timezone

from publishing.platforms import Platform


class SandboxAccount(models.Model):
    """An account on one sandbox platform, made the first time its bearer token is used there."""

    platform = models.CharField(max_length=16, choices=Platform.choices)
    # One token per platform: the demo and the tests give several platforms the same token, and on a
    # real platform a token of another one would mean nothing anyway.
    token = models.CharField(max_length=500)
    # None: the token never expires (accounts made on first use, and rows the tests and benchmarks make).
    token_expires_at = models.DateTimeField(null=True, blank=True)
    # Blank: the token cannot be refreshed. Set on the row (tests, demo) or issued by POST oauth/token.
    refresh_token = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["platform", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["platform", "token"], name="sandbox_account_token_once"),
            models.UniqueConstraint(
                fields=["platform", "refresh_token"],
                condition=~Q(refresh_token=""),
                name="sandbox_account_refresh_token_once",
            ),
            models.CheckConstraint(condition=Q(platform__in=Platform.values), name="sandbox_account_platform_known"),
        ]

    def __str__(self) -> str:
        return f"{self.get_platform_display()} account #{self.pk}"

    @property
    def token_hint(self) -> str:
        """The end of the token: enough to tell accounts apart on a page, not enough to use it."""
        return f"…{self.token[-4:]}"


class RevokedToken(models.Model):
    """A token replaced by a refresh: answered as revoked, never taken for a new account's first use."""

    class Kind(models.TextChoices):
        ACCESS = "access", "Access token"
        REFRESH = "refresh", "Refresh token"

    account = models.ForeignKey(SandboxAccount, on_delete=models.CASCADE, related_name="revoked_tokens")
    kind = models.CharField(max_length=8, choices=Kind.choices)
    token = models.CharField(max_length=500)
    revoked_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["revoked_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=["access", "refresh"]), name="sandbox_revoked_token_kind_known"
            ),
        ]
        indexes = [models.Index(fields=["token"], name="sandbox_revoked_token_lookup")]

    def __str__(self) -> str:
        return f"revoked {self.kind} token of {self.account}"


class SandboxPost(models.Model):
    """One post as received, with the whole request body; never changed except to mark it deleted."""

    account = models.ForeignKey(SandboxAccount, on_delete=models.CASCADE, related_name="posts")
    remote_id = models.CharField(max_length=32, unique=True)
    idempotency_key = models.CharField(max_length=255, null=True, blank=True)
    text = models.TextField(blank=True)
    link = models.TextField(blank=True)
    media = models.JSONField(default=list, blank=True)
    reply_to = models.CharField(max_length=32, blank=True)
    payload = models.JSONField(default=dict, blank=True)
    received_at = models.DateTimeField(default=timezone.now)
    deleted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["received_at", "pk"]
        constraints = [
            # What makes a retry safe: a second request with the key gets the stored post back.
            models.UniqueConstraint(
                fields=["account", "idempotency_key"],
                condition=Q(idempotency_key__isnull=False),
                name="sandbox_post_idempotency_key_once",
            ),
        ]
        indexes = [models.Index(fields=["account", "received_at"], name="sandbox_post_timeline")]

    def __str__(self) -> str:
        return f"post {self.remote_id} of {self.account}"


class MediaType(models.TextChoices):
    # Mastodon's attachment types (docs.joinmastodon.org/entities/MediaAttachment/#type).
    IMAGE = "image", "Image"
    GIFV = "gifv", "Animated GIF"
    VIDEO = "video", "Video"


class SandboxMedia(models.Model):
    """One uploaded file, measured and checksummed; its content is not kept. Attached to at most one post."""

    Type = MediaType

    account = models.ForeignKey(SandboxAccount, on_delete=models.CASCADE, related_name="media")
    post = models.ForeignKey(SandboxPost, null=True, blank=True, on_delete=models.SET_NULL, related_name="attachments")
    remote_id = models.CharField(max_length=32, unique=True)
    type = models.CharField(max_length=8, choices=MediaType.choices)
    mime_type = models.CharField(max_length=64)
    size_bytes = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64)
    width = models.PositiveIntegerField(null=True, blank=True)  # None for videos: not measured
    height = models.PositiveIntegerField(null=True, blank=True)
    description = models.TextField(blank=True)
    received_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["received_at", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(type__in=MediaType.values), name="sandbox_media_type_known"),
        ]

    def __str__(self) -> str:
        return f"{self.type} {self.remote_id} of {self.account}"


class FaultKind(models.TextChoices):
    LATENCY = "latency", "Latency"
    RATE_LIMIT = "rate_limit", "Rate limit (429)"
    SERVER_ERROR = "server_error", "Server error (500)"
    UNAUTHORIZED = "unauthorized", "Token revoked (401)"
    TIMEOUT = "timeout", "Timeout (504 after a long wait)"
    DROP_REPLY = "drop_reply", "Stored, reply lost (504 after a long wait)"
    REJECT = "reject", "Content rejected (422)"


class FaultScope(models.TextChoices):
    CREATE = "create", "POST /posts only"
    MEDIA = "media", "POST /media only"
    TOKEN = "token", "POST /oauth/token only"
    ALL = "all", "Every endpoint but /faults"


class SandboxFault(models.Model):
    """A fault the sandbox injects into the next `remaining` requests of an account (None: until removed)."""

    Kind = FaultKind
    Scope = FaultScope

    account = models.ForeignKey(SandboxAccount, on_delete=models.CASCADE, related_name="faults")
    kind = models.CharField(max_length=16, choices=FaultKind.choices)
    applies_to = models.CharField(max_length=8, choices=FaultScope.choices, default=FaultScope.CREATE)
    remaining = models.PositiveIntegerField(null=True, blank=True)
    retry_after_s = models.PositiveIntegerField(null=True, blank=True)
    latency_ms = models.PositiveIntegerField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(kind__in=FaultKind.values), name="sandbox_fault_kind_known"),
            models.CheckConstraint(condition=Q(applies_to__in=FaultScope.values), name="sandbox_fault_scope_known"),
        ]

    def __str__(self) -> str:
        left = "until removed" if self.remaining is None else f"{self.remaining} left"
        return f"{self.kind} on {self.account} ({left})"
