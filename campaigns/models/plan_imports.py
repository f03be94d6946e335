"""A content plan imported from a CSV file: the stored upload, its progress, and the problems of its rows."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from campaigns.models.organisations import Organisation
from campaigns.scoping import OrganisationQuerySet


class PlanImport(models.Model):
    """One uploaded plan: checked row by row (the preview), then its valid rows imported as drafts on confirmation."""

    class State(models.TextChoices):
        UPLOADED = "uploaded", _("Uploaded")
        PREVIEWING = "previewing", _("Checking the rows")
        PREVIEWED = "previewed", _("Checked")
        IMPORTING = "importing", _("Importing")
        DONE = "done", _("Imported")
        FAILED = "failed", _("Failed")

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="plan_imports", verbose_name=_("organisation")
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("uploaded by")
    )
    file = models.FileField(_("file"), upload_to="plan_imports/%Y/%m/")
    file_name = models.CharField(_("file name"), max_length=255, help_text=_("As it was uploaded."))
    state = models.CharField(_("state"), max_length=16, choices=State.choices, default=State.UPLOADED)
    total_rows = models.PositiveIntegerField(_("rows"), default=0)
    checked_rows = models.PositiveIntegerField(_("rows checked"), default=0)
    valid_rows = models.PositiveIntegerField(_("valid rows"), default=0)
    problem_rows = models.PositiveIntegerField(_("rows with problems"), default=0)
    duplicate_rows = models.PositiveIntegerField(_("rows already imported"), default=0)
    imported_rows = models.PositiveIntegerField(_("rows imported"), default=0)
    failure = models.TextField(_("failure"), blank=True)
    created_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    # Written with the counters: a run whose last sign of life is old died, and its pass may be taken up again.
    progress_at = models.DateTimeField(_("last progress"), null=True, blank=True)

    organisation_path = "organisation"
    objects = OrganisationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("plan import")
        verbose_name_plural = _("plan imports")
        constraints = [
            models.CheckConstraint(
                condition=Q(state__in=["uploaded", "previewing", "previewed", "importing", "done", "failed"]),
                name="plan_import_state_known",
            ),
        ]

    def __str__(self) -> str:
        return self.file_name

    @property
    def is_running(self) -> bool:
        return self.state in (self.State.UPLOADED, self.State.PREVIEWING, self.State.IMPORTING)


class PlanImportProblem(models.Model):
    """What is wrong with one row of an import (or, as a notice, that it was imported before)."""

    class Severity(models.TextChoices):
        ERROR = "error", _("Error")
        WARNING = "warning", _("Warning")
        DUPLICATE = "duplicate", _("Already imported")

    plan_import = models.ForeignKey(
        PlanImport, on_delete=models.CASCADE, related_name="problems", verbose_name=_("plan import")
    )
    row_number = models.PositiveIntegerField(_("row"), help_text=_("The line of the file, the header being line 1."))
    column = models.CharField(_("column"), max_length=32, blank=True)
    rule = models.CharField(_("rule"), max_length=48)
    message = models.TextField(_("message"))
    severity = models.CharField(_("severity"), max_length=16, choices=Severity.choices, default=Severity.ERROR)

    organisation_path = "plan_import__organisation"
    objects = OrganisationQuerySet.as_manager()

    class Meta:
        ordering = ["row_number", "pk"]
        verbose_name = _("plan import problem")
        verbose_name_plural = _("plan import problems")
        indexes = [models.Index(fields=["plan_import", "row_number"], name="plan_problem_row")]
        constraints = [
            models.CheckConstraint(
                condition=Q(severity__in=["error", "warning", "duplicate"]), name="plan_problem_severity_known"
            ),
        ]

    def __str__(self) -> str:
        return f"row {self.row_number}: {self.message}"
