"""Where and when: connected accounts, publications, their attempts, and engine heartbeats."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from campaigns.models import Organisation, Variant
from campaigns.scoping import OrganisationQuerySet
from planner.encryption import EncryptedJSONField
from publishing.models.cadence import Cadence as Cadence
from publishing.models.recurrence import Recurrence
from publishing.models.releases import Release
from publishing.platforms import Platform


class SocialAccount(models.Model):
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="accounts", verbose_name=_("organisation")
    )
    platform = models.CharField(_("platform"), max_length=16, choices=Platform.choices)
    handle = models.CharField(
        _("handle"), max_length=200, help_text=_("As shown on the platform, e.g. @HealthMinistry.")
    )
    display_name = models.CharField(_("display name"), max_length=200, blank=True)
    api_base_url = models.URLField(
        _("API base URL"), max_length=300, help_text=_("Where the platform's API answers for this account.")
    )
    credentials = EncryptedJSONField(
        _("credentials"), blank=True, default=dict, help_text=_("Encrypted at rest; never shown.")
    )
    token_expires_at = models.DateTimeField(_("token expires at"), null=True, blank=True)
    # When a person last connected it from the accounts page: refusals of the platform before then are
    # about the credentials it replaced (publishing/reconnect.py).
    connected_at = models.DateTimeField(_("connected at"), null=True, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    # Quiet hours, in the organisation's time zone: no post between them unless it is an alert or crisis
    # communication (publishing/quiet_hours.py). Both empty: none. `quiet_from` after `quiet_until` crosses midnight.
    quiet_from = models.TimeField(
        _("quiet from"), null=True, blank=True, help_text=_("No posts from this local time (e.g. 23:00)…")
    )
    quiet_until = models.TimeField(
        _("quiet until"), null=True, blank=True, help_text=_("…until this local time (e.g. 06:00), unless alert.")
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    # Secrets never reach the history tables.
    history = HistoricalRecords(excluded_fields=["credentials"])

    organisation_path = "organisation"
    objects = OrganisationQuerySet.as_manager()

    class Meta:
        ordering = ["platform", "handle"]
        verbose_name = _("connected account")
        verbose_name_plural = _("connected accounts")
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "platform", "handle"], name="account_once_per_organisation",
                violation_error_message=_("This account is already connected."),
            ),
            models.CheckConstraint(condition=Q(platform__in=Platform.values), name="account_platform_known"),
            models.CheckConstraint(
                condition=Q(quiet_from__isnull=True, quiet_until__isnull=True)
                | (Q(quiet_from__isnull=False, quiet_until__isnull=False) & ~Q(quiet_from=models.F("quiet_until"))),
                name="account_quiet_hours_whole",
                violation_error_message=_("Give both ends of the quiet hours, and two different times."),
            ),
        ]  # fmt: skip

    def __str__(self) -> str:
        return f"{self.handle} ({self.get_platform_display()})"

    def clean(self) -> None:
        from publishing.quiet_hours import validate_window

        validate_window(self.quiet_from, self.quiet_until)


class OAuthApplication(models.Model):
    """Our app as registered on one server of a platform that registers apps per server (Mastodon), remembered."""

    platform = models.CharField(max_length=16, choices=Platform.choices)
    server_url = models.URLField(max_length=300, help_text=_("The server's API base URL, ending with a slash."))
    redirect_uri = models.URLField(max_length=500)
    scopes = models.CharField(max_length=200)
    client_id = models.CharField(max_length=500)
    # {"client_secret": …}: encrypted at rest like an account's credentials.
    secrets = EncryptedJSONField(blank=True, default=dict)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["platform", "server_url", "redirect_uri", "scopes"], name="oauth_application_once_per_server"
            ),
            models.CheckConstraint(condition=Q(platform__in=Platform.values), name="oauth_application_platform_known"),
        ]

    def __str__(self) -> str:
        return f"{self.get_platform_display()} app on {self.server_url}"


class ReconnectWarning(models.Model):
    """That the owners of an account's scheduled posts were warned, on one UTC day, that it needs reconnecting."""

    account = models.ForeignKey(SocialAccount, on_delete=models.CASCADE, related_name="reconnect_warnings")
    day = models.DateField()
    publications = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    organisation_path = "account__organisation"
    objects = OrganisationQuerySet.as_manager()

    class Meta:
        ordering = ["-day"]
        # Once per account per day, however many beat processes run the warning at once.
        constraints = [models.UniqueConstraint(fields=["account", "day"], name="reconnect_warning_once_a_day")]

    def __str__(self) -> str:
        return f"{self.account} warned on {self.day}"


PUBLICATION_STATES = [
    "scheduled", "queued", "publishing", "published", "retrying", "unconfirmed", "expired", "failed", "cancelled",
    "retracted",
]  # fmt: skip


class Publication(models.Model):
    """One variant to one account at one instant; the dispatcher's unit of work."""

    class State(models.TextChoices):
        SCHEDULED = "scheduled", _("Scheduled")
        QUEUED = "queued", _("Queued")
        PUBLISHING = "publishing", _("Publishing")
        PUBLISHED = "published", _("Published")
        RETRYING = "retrying", _("Retrying")
        UNCONFIRMED = "unconfirmed", _("Unconfirmed")
        EXPIRED = "expired", _("Expired")
        FAILED = "failed", _("Failed")
        CANCELLED = "cancelled", _("Cancelled")
        # Published, then deleted from the platform on a manager's decision (publishing/retractions.py): terminal.
        RETRACTED = "retracted", _("Retracted")

    variant = models.ForeignKey(
        Variant, on_delete=models.PROTECT, related_name="publications", verbose_name=_("variant")
    )
    account = models.ForeignKey(
        SocialAccount, on_delete=models.PROTECT, related_name="publications", verbose_name=_("account")
    )
    scheduled_at = models.DateTimeField(_("scheduled for (UTC)"))
    latest_acceptable_at = models.DateTimeField(
        _("latest acceptable time"), null=True, blank=True, help_text=_("Past this, it is expired, not sent.")
    )
    state = models.CharField(_("state"), max_length=16, choices=State.choices, default=State.SCHEDULED)
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt at"), null=True, blank=True)
    enqueued_at = models.DateTimeField(
        _("handed to the broker at"),
        null=True,
        blank=True,
        help_text=_("When the dispatcher last handed it to the broker."),
    )
    lease_expires_at = models.DateTimeField(_("lease expires at"), null=True, blank=True)
    idempotency_key = models.UUIDField(_("idempotency key"), default=uuid.uuid4, unique=True, editable=False)
    remote_id = models.CharField(_("remote id"), max_length=200, blank=True)
    remote_url = models.URLField(_("remote URL"), max_length=500, blank=True)
    last_error = models.TextField(_("last error"), blank=True)
    # What went wrong beside a published post without failing it, for a person to see (a first comment not posted).
    notes = models.TextField(_("notes"), blank=True)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
        verbose_name=_("scheduled by"),
    )  # fmt: skip
    # One occurrence of a recurring item (publishing/recurrence.py): its rule, and its day where the rule's zone is.
    recurrence = models.ForeignKey(
        Recurrence, null=True, blank=True, on_delete=models.PROTECT, related_name="publications",
        verbose_name=_("recurrence"),
    )  # fmt: skip
    occurrence_on = models.DateField(_("occurrence day"), null=True, blank=True)
    # A person skipped this occurrence: applying the rule again leaves it cancelled.
    skipped_at = models.DateTimeField(_("skipped at"), null=True, blank=True)
    # Sent together with the release's other publications, at its instant (scheduled_at is the release's).
    release = models.ForeignKey(
        Release, null=True, blank=True, on_delete=models.PROTECT, related_name="publications",
        verbose_name=_("coordinated release"),
    )  # fmt: skip
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    organisation_path = "account__organisation"
    objects = OrganisationQuerySet.as_manager()

    class Meta:
        ordering = ["scheduled_at"]
        verbose_name = pgettext_lazy("a model's name", "publication")
        verbose_name_plural = _("publications")
        constraints = [
            models.UniqueConstraint(
                fields=["variant", "account", "scheduled_at"], name="publication_once_per_instant",
                violation_error_message=_("This variant is already scheduled on this account at this time."),
            ),
            # Applying a rule again (after a re-approval) never doubles an occurrence.
            models.UniqueConstraint(
                fields=["recurrence", "account", "variant", "occurrence_on"], name="publication_once_per_occurrence",
                violation_error_message=_("This occurrence is already scheduled on this account."),
            ),
            models.CheckConstraint(
                condition=Q(recurrence__isnull=True) | Q(occurrence_on__isnull=False),
                name="publication_occurrence_has_a_day",
            ),
            models.CheckConstraint(condition=Q(state__in=PUBLICATION_STATES), name="publication_state_known"),
            models.CheckConstraint(
                condition=~Q(state="published") | ~Q(remote_id=""), name="publication_published_has_remote_id",
            ),
            models.CheckConstraint(
                condition=Q(latest_acceptable_at__isnull=True) | Q(latest_acceptable_at__gte=models.F("scheduled_at")),
                name="publication_deadline_after_schedule",
            ),
        ]  # fmt: skip
        indexes = [
            models.Index(fields=["scheduled_at"], name="publication_calendar"),
            models.Index(fields=["state", "scheduled_at"], name="publication_dispatch"),
            # The dispatcher's hot query only ever looks at rows still waiting to go out.
            models.Index(
                fields=["scheduled_at"], name="publication_due",
                condition=Q(state__in=["scheduled", "retrying"]),
            ),
        ]  # fmt: skip

    def __str__(self) -> str:
        return f"{self.variant} → {self.account} at {self.scheduled_at:%Y-%m-%d %H:%M} UTC"

    def clean(self) -> None:
        if self.variant_id and self.account_id:
            if self.account.organisation_id != self.variant.item.campaign.organisation_id:
                raise ValidationError({"account": _("This account belongs to another organisation.")})
            if self.account.platform != self.variant.platform:
                raise ValidationError({"account": _("This account is on another platform than the variant.")})
        if self.release_id and self.account_id and self.release.organisation_id != self.account.organisation_id:
            raise ValidationError({"release": _("This release belongs to another organisation.")})


class PublicationAttempt(models.Model):
    """Append-only record of every call made to a platform for a publication."""

    class Outcome(models.TextChoices):
        SENDING = "sending", _("Sending")
        SUCCEEDED = "succeeded", _("Succeeded")
        TRANSIENT_ERROR = "transient", _("Transient error")
        PERMANENT_ERROR = "permanent", _("Permanent error")
        UNKNOWN = "unknown", _("Unknown outcome")

    publication = models.ForeignKey(
        Publication,
        on_delete=models.CASCADE,
        related_name="attempt_log",
        verbose_name=pgettext_lazy("a model's name", "publication"),
    )
    number = models.PositiveIntegerField(_("number"))
    started_at = models.DateTimeField(_("started at"))
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    outcome = models.CharField(_("outcome"), max_length=16, choices=Outcome.choices, default=Outcome.SENDING)
    http_status = models.PositiveSmallIntegerField(_("HTTP status"), null=True, blank=True)
    error = models.TextField(_("error"), blank=True)
    worker = models.CharField(_("worker"), max_length=200, blank=True)

    organisation_path = "publication__account__organisation"
    objects = OrganisationQuerySet.as_manager()

    class Meta:
        ordering = ["publication", "number"]
        verbose_name = _("publication attempt")
        verbose_name_plural = _("publication attempts")
        constraints = [models.UniqueConstraint(fields=["publication", "number"], name="attempt_number_unique")]

    def __str__(self) -> str:
        return f"attempt {self.number} of {self.publication_id}: {self.outcome}"


class Freeze(models.Model):
    """A crisis freeze: nothing in its scope is dispatched until it is lifted.

    Scope: the whole organisation, or one campaign, or one account.
    """

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="freezes", verbose_name=_("organisation")
    )
    campaign = models.ForeignKey(
        "campaigns.Campaign", null=True, blank=True, on_delete=models.CASCADE, related_name="freezes",
        verbose_name=_("campaign"),
    )  # fmt: skip
    account = models.ForeignKey(
        SocialAccount, null=True, blank=True, on_delete=models.CASCADE, related_name="freezes",
        verbose_name=_("account"),
    )  # fmt: skip
    reason = models.TextField(_("reason"))
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("paused by")
    )
    started_at = models.DateTimeField(_("paused at"), auto_now_add=True)
    lifted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
        verbose_name=_("resumed by"),
    )  # fmt: skip
    lifted_at = models.DateTimeField(_("resumed at"), null=True, blank=True)

    organisation_path = "organisation"
    objects = OrganisationQuerySet.as_manager()

    class Meta:
        ordering = ["-started_at"]
        verbose_name = _("publishing pause")
        verbose_name_plural = _("publishing pauses")
        constraints = [
            models.CheckConstraint(
                condition=Q(campaign__isnull=True) | Q(account__isnull=True), name="freeze_one_scope"
            ),
            models.CheckConstraint(condition=~Q(reason=""), name="freeze_has_reason"),
        ]
        indexes = [models.Index(fields=["organisation"], condition=Q(lifted_at__isnull=True), name="freeze_active")]

    def __str__(self) -> str:
        return f"Freeze of {self.scope_label}: {self.reason[:40]}"

    @property
    def scope_label(self) -> str:
        return str(self.campaign or self.account or self.organisation)


class PostingSlot(models.Model):
    """A regular time at which an account posts, in the organisation's time zone (e.g. weekdays 09:00)."""

    account = models.ForeignKey(
        SocialAccount, on_delete=models.CASCADE, related_name="slots", verbose_name=_("account")
    )
    weekday = models.PositiveSmallIntegerField(
        _("weekday"), choices=[(0, _("Monday")), (1, _("Tuesday")), (2, _("Wednesday")), (3, _("Thursday")),
                               (4, _("Friday")), (5, _("Saturday")), (6, _("Sunday"))],
    )  # fmt: skip
    local_time = models.TimeField(_("local time"))

    organisation_path = "account__organisation"
    objects = OrganisationQuerySet.as_manager()

    class Meta:
        ordering = ["account", "weekday", "local_time"]
        verbose_name = _("posting slot")
        verbose_name_plural = _("posting slots")
        constraints = [
            models.UniqueConstraint(fields=["account", "weekday", "local_time"], name="slot_once_per_account"),
            models.CheckConstraint(condition=Q(weekday__gte=0, weekday__lte=6), name="slot_weekday_known"),
        ]

    def __str__(self) -> str:
        return f"{self.account} {self.get_weekday_display()} {self.local_time:%H:%M}"


class Heartbeat(models.Model):
    """The last sign of life of an engine part (beat, a worker queue, the dispatcher)."""

    name = models.CharField(max_length=100, unique=True)
    beat_at = models.DateTimeField()
    detail = models.CharField(max_length=300, blank=True)

    def __str__(self) -> str:
        return f"{self.name} at {self.beat_at:%H:%M:%S}"


class MetricSchedule(models.Model):
    """When a published post's engagement is next read from its platform (publishing/metrics.py).

    One row per published publication, made in the transaction that publishes it: the collection's own
    bookkeeping stays off the publication (whose state only publishing/scheduling.py changes), and the beat
    finds due work with one query on a partial index of the rows still collecting.
    """

    class State(models.TextChoices):
        COLLECTING = "collecting", _("Collecting")
        RECONNECT = "reconnect", _("Waiting for the account to be reconnected")
        DONE = "done", _("Done")
        GAVE_UP = "gave_up", _("Gave up")

    publication = models.OneToOneField(
        Publication, primary_key=True, on_delete=models.CASCADE, related_name="metric_schedule"
    )
    # The publication's, copied: the per-account rate limit counts an account's calls without a join.
    account = models.ForeignKey(SocialAccount, on_delete=models.CASCADE, related_name="+")
    state = models.CharField(max_length=16, choices=State.choices, default=State.COLLECTING)
    slot = models.PositiveSmallIntegerField(default=0, help_text=_("The collection due next, by number."))
    due_at = models.DateTimeField(help_text=_("When it is due: the slot's time, or a retry's."))
    claimed_until = models.DateTimeField(null=True, blank=True, help_text=_("Handed to a worker until then."))
    called_at = models.DateTimeField(null=True, blank=True, help_text=_("When the platform was last asked."))
    failures = models.PositiveSmallIntegerField(default=0, help_text=_("Failed calls in a row."))
    last_error = models.TextField(blank=True)

    organisation_path = "account__organisation"
    objects = OrganisationQuerySet.as_manager()

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(state__in=["collecting", "reconnect", "done", "gave_up"]),
                name="metric_schedule_state_known",
            ),
        ]
        indexes = [
            # The beat's query looks only at rows still collecting.
            models.Index(fields=["due_at"], name="metric_schedule_due", condition=Q(state="collecting")),
            models.Index(fields=["account", "called_at"], name="metric_schedule_account_calls"),
        ]

    def __str__(self) -> str:
        return f"metrics of {self.publication_id}: {self.state}, slot {self.slot} due {self.due_at:%Y-%m-%d %H:%M}"


class Metric(models.Model):
    """A published post's engagement as its platform reported it at one instant: one point of a time series.

    A figure is null where the platform does not give it (Mastodon counts no impressions), which is not 0.
    """

    publication = models.ForeignKey(
        Publication,
        on_delete=models.CASCADE,
        related_name="metrics",
        verbose_name=pgettext_lazy("a model's name", "publication"),
    )
    slot = models.PositiveSmallIntegerField(
        _("collection"), help_text=_("Which scheduled collection it is (0: an hour after).")
    )
    collected_at = models.DateTimeField(_("collected at"))
    impressions = models.PositiveBigIntegerField(_("impressions or views"), null=True, blank=True)
    likes = models.PositiveBigIntegerField(_("likes"), null=True, blank=True)
    shares = models.PositiveBigIntegerField(_("shares or reposts"), null=True, blank=True)
    replies = models.PositiveBigIntegerField(_("replies or comments"), null=True, blank=True)
    clicks = models.PositiveBigIntegerField(_("clicks"), null=True, blank=True)
    video_views = models.PositiveBigIntegerField(_("video views"), null=True, blank=True)
    watch_time_s = models.PositiveBigIntegerField(_("watch time (s)"), null=True, blank=True)
    raw = models.JSONField(default=dict, help_text=_("What the platform answered, under its own names."))
    # The publication's most recent figures: what reports add up, without reading the whole series.
    is_latest = models.BooleanField(default=False)

    organisation_path = "publication__account__organisation"
    objects = OrganisationQuerySet.as_manager()

    class Meta:
        ordering = ["publication", "collected_at"]
        verbose_name = _("engagement figures")
        verbose_name_plural = _("engagement figures")
        constraints = [
            # A collection run twice for the same slot (a message delivered twice) stores one row.
            models.UniqueConstraint(fields=["publication", "slot"], name="metric_once_per_slot"),
            # On PostgreSQL its index also covers the figures (migration 0009), so that a report reads its posts'
            # latest figures from the index alone; SQLite cannot cover, and keeps the plain unique index.
            models.UniqueConstraint(
                fields=["publication"], condition=Q(is_latest=True), name="metric_one_latest_per_publication"
            ),
        ]
        indexes = [models.Index(fields=["publication", "collected_at"], name="metric_series")]

    def __str__(self) -> str:
        return f"metrics of {self.publication_id} at {self.collected_at:%Y-%m-%d %H:%M}"


from publishing.models.retractions import Retraction  # noqa: E402, F401 (a module of its own, beside the engine's)
