"""Importing a content plan from CSV: the upload, the preview (every row checked, nothing written) and the import
of the rows it found valid as drafts, on confirmation.

Streamed: the stored file is read as a text stream, a batch of rows at a time; the problems go to the database per
batch, and nothing grows with the file but the counters. Idempotent: each item keeps its row's key
(campaigns/plan_rows.py `import_key`) under a unique constraint, so a row imported once, from any file, is never
imported again, and a pass run twice (a message delivered twice, a worker killed) imports nothing twice. All or
nothing per row: a batch goes in one transaction, and if it is refused (a row imported meanwhile by another pass)
its rows go again one by one, each in its own savepoint.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import itertools
import logging
from collections.abc import Iterator
from dataclasses import dataclass, fields
from typing import IO, Any

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history

from campaigns import plan_columns
from campaigns.models import (
    ContentItem,
    Organisation,
    PlanImport,
    PlanImportProblem,
    Source,
    Variant,
    VariantMedia,
)
from campaigns.plan_rows import PlannedRow, RowProblem, RowReader
from campaigns.scoping import role_in
from campaigns.workflow import PLANNING_ROLES, WorkflowError

log = logging.getLogger(__name__)
State = PlanImport.State
Severity = PlanImportProblem.Severity

IMPORTING_ROLES = PLANNING_ROLES  # editors, managers and admins: those who plan and schedule
# Rows read, checked and written per round trip, and the progress shown, per batch: 500 rows of two variants are
# ~2,500 inserts in one transaction and a few MB of objects; larger batches were no faster on SQLite or PostgreSQL
# (bench/csv_import.py), smaller ones make the progress bar move more often but cost a round trip each.
BATCH_ROWS = 500
MAX_BYTES = getattr(settings, "PLANNER_PLAN_IMPORT_MAX_BYTES", 20 * 1024 * 1024)
# A pass that has shown no progress for this long died (a worker killed): a new delivery of its task takes it up.
RUN_STALE_AFTER = dt.timedelta(minutes=5)
DELIMITERS = (",", ";", "\t")
HISTORY_REASON = "Imported from CSV"


class PlanFileError(ValidationError):
    """The file cannot be a content plan: not CSV in UTF-8, too large, or its header is wrong."""


def can_import(user: AbstractBaseUser, organisation: Organisation) -> bool:
    """Whether `user` may import a plan into the organisation: its editors, managers and admins."""
    return role_in(user, organisation) in IMPORTING_ROLES


def check_can_import(user: AbstractBaseUser, organisation: Organisation) -> None:
    if not can_import(user, organisation):
        raise WorkflowError(_("Only editors, managers and admins import content plans."), code="forbidden", status=403)


# -- the file ---------------------------------------------------------------------------------------------------


def column_of(name: str) -> str:
    """A header cell as a column name: case, spaces and a byte order mark do not matter."""
    return name.strip().lstrip("\ufeff").casefold().replace(" ", "_").replace("-", "_")


def _columns(header: list[str]) -> list[str]:
    names = [column_of(cell) for cell in header]
    known = set(plan_columns.NAMES) | set(plan_columns.READ_ONLY)
    problems = []
    if unknown := [cell for cell, name in zip(header, names, strict=True) if name and name not in known]:
        problems.append(_("Unknown column(s): %(unknown)s. The columns are: %(known)s.") % {
            "unknown": ", ".join(unknown), "known": ", ".join(plan_columns.NAMES)})  # fmt: skip
    if missing := [name for name in plan_columns.NAMES if name in plan_columns.REQUIRED and name not in names]:
        problems.append(_("The header lacks the column(s): %(missing)s.") % {"missing": ", ".join(missing)})
    if twice := sorted({name for name in names if name and names.count(name) > 1}):
        problems.append(_("These columns appear twice: %(twice)s.") % {"twice": ", ".join(twice)})
    if problems:
        raise PlanFileError(problems, code="header")
    return names


@dataclass(frozen=True)
class Row:
    number: int  # as a spreadsheet numbers it: the header is row 1
    cells: dict[str, str]
    extra: list[str]  # cells past the header's


def read_rows(binary: IO[bytes]) -> Iterator[Row]:
    """The rows of a plan, one at a time from a binary stream (UTF-8, with or without a byte order mark; comma,
    semicolon or tab separated, as the header shows); completely empty rows are skipped. Raises PlanFileError."""
    text = io.TextIOWrapper(binary, encoding="utf-8-sig", newline="")
    try:
        first = text.readline()
        delimiter = max(DELIMITERS, key=first.count)
        reader = csv.reader(itertools.chain([first], text), delimiter=delimiter)
        names = _columns(next(reader, []))
        for number, values in enumerate(reader, start=2):
            if not any(value.strip() for value in values):
                continue
            cells = dict(zip(names, values, strict=False))
            yield Row(number, cells, [value for value in values[len(names) :] if value.strip()])
    except UnicodeDecodeError as error:
        raise PlanFileError(
            _("This is not a CSV file in UTF-8 (byte %(at)s cannot be read); save it as “CSV UTF-8”.")
            % {"at": error.start}, code="encoding",
        ) from error  # fmt: skip
    except csv.Error as error:
        raise PlanFileError(_("This is not a CSV file: %(error)s.") % {"error": error}, code="not_csv") from error
    finally:
        text.detach()  # the caller closes the stream


def count_rows(upload: Any) -> int:
    """The rows of an uploaded plan, read once to the end: refuses a file too large, not CSV or not UTF-8, or
    whose header is wrong (naming the missing or unknown columns)."""
    if upload.size > MAX_BYTES:
        raise PlanFileError(
            _("The file has %(size)s MB; a plan may have %(limit)s MB. Split it in several files.")
            % {"size": round(upload.size / 2**20, 1), "limit": round(MAX_BYTES / 2**20)}, code="too_large",
        )  # fmt: skip
    upload.seek(0)
    try:
        total = sum(1 for _row in read_rows(upload.file))
    finally:
        upload.seek(0)
    if total == 0:
        raise PlanFileError(_("The file has a header but no rows."), code="empty")
    return total


# -- the services -----------------------------------------------------------------------------------------------


def upload_plan(organisation: Organisation, user: AbstractBaseUser, upload: Any, *, enqueue: bool = True) -> PlanImport:
    """Store an uploaded plan (refused by `count_rows` if it cannot be one) and have a worker check its rows;
    with `enqueue` false the caller runs `preview` itself (the management command, the benchmark)."""
    check_can_import(user, organisation)
    from campaigns.tasks import preview_plan_import

    with transaction.atomic():
        plan = PlanImport(organisation=organisation, uploaded_by=user, file_name=upload.name[:255])
        plan.total_rows = count_rows(upload)
        plan.file.save(upload.name, upload, save=False)
        plan.save()
        if enqueue:
            preview_plan_import.delay_on_commit(plan.pk)
    return plan


def confirm(plan: PlanImport, user: AbstractBaseUser, *, enqueue: bool = True) -> PlanImport:
    """Have a worker import the valid rows of a checked plan (with `enqueue` false the caller runs
    `import_valid_rows`); refused unless the plan was checked and has some."""
    check_can_import(user, plan.organisation)
    from campaigns.tasks import import_plan

    with transaction.atomic():
        locked = PlanImport.objects.select_for_update().get(pk=plan.pk)
        if locked.state != State.PREVIEWED:
            raise WorkflowError(
                _("This plan cannot be imported now: it is %(state)s.") % {"state": locked.get_state_display().lower()},
                code="wrong_state", status=409,
            )  # fmt: skip
        if not locked.valid_rows:
            raise WorkflowError(_("No row of this plan can be imported."), code="nothing_to_import", status=409)
        locked.state, locked.progress_at = State.IMPORTING, None
        locked.save(update_fields=["state", "progress_at"])
        if enqueue:
            import_plan.delay_on_commit(locked.pk)
    return locked


@dataclass
class Counts:
    checked_rows: int = 0
    valid_rows: int = 0
    problem_rows: int = 0
    duplicate_rows: int = 0
    imported_rows: int = 0

    def as_fields(self) -> dict[str, int]:
        return {f.name: getattr(self, f.name) for f in fields(self)}


def preview(plan_id: int) -> PlanImport | None:
    """Check every row of the plan and record its problems, writing no item; None if another pass has it."""
    return _run(plan_id, (State.UPLOADED, State.PREVIEWING), State.PREVIEWING, State.PREVIEWED, write=False)


def import_valid_rows(plan_id: int) -> PlanImport | None:
    """Import as drafts the rows the preview found valid, each read again against the organisation as it is now
    (a campaign renamed or a file removed since is reported), none already imported."""
    return _run(plan_id, (State.IMPORTING,), State.IMPORTING, State.DONE, write=True)


def _run(plan_id: int, sources: tuple[str, ...], running: str, done: str, *, write: bool) -> PlanImport | None:
    if not _claim(plan_id, sources, running):
        return None
    plan = PlanImport.objects.select_related("organisation", "uploaded_by").get(pk=plan_id)
    try:
        counts = _pass(plan, write=write)
    except Exception as error:
        log.exception("plan import %s failed", plan_id)
        PlanImport.objects.filter(pk=plan_id).update(
            state=State.FAILED, failure=str(error)[:2000], finished_at=timezone.now()
        )
        raise
    PlanImport.objects.filter(pk=plan_id, state=running).update(
        state=done, finished_at=timezone.now(), progress_at=timezone.now(), **counts.as_fields()
    )
    plan.refresh_from_db()
    return plan


def _claim(plan_id: int, sources: tuple[str, ...], running: str) -> bool:
    """Take the pass: from a state it starts from, or from its own running state when the run there died."""
    now = timezone.now()
    may_start = Q(state__in=[state for state in sources if state != running])
    died = Q(state=running) & (Q(progress_at__isnull=True) | Q(progress_at__lt=now - RUN_STALE_AFTER))
    claimed = PlanImport.objects.filter(may_start | died, pk=plan_id).update(
        state=running, progress_at=now, started_at=now, finished_at=None, failure=""
    )
    return claimed == 1


def _pass(plan: PlanImport, *, write: bool) -> Counts:
    if not write:
        PlanImportProblem.objects.filter(plan_import=plan).delete()  # a preview run again finds them again
    reader = RowReader(plan.organisation, plan.uploaded_by)
    counts = Counts()
    with plan.file.open("rb") as binary:
        rows = read_rows(binary)
        while batch := list(itertools.islice(rows, BATCH_ROWS)):
            _batch(plan, reader, batch, counts, write=write)
            PlanImport.objects.filter(pk=plan.pk).update(progress_at=timezone.now(), **counts.as_fields())
    return counts


def _batch(plan: PlanImport, reader: RowReader, batch: list[Row], counts: Counts, *, write: bool) -> None:
    found: list[PlanImportProblem] = []

    def note(number: int, problems: list[RowProblem]) -> None:
        found.extend(
            PlanImportProblem(plan_import=plan, row_number=number, column=p.column, rule=p.rule, message=p.message,
                              severity=p.severity)
            for p in problems
        )  # fmt: skip

    # The import takes the rows the preview found valid (what was confirmed), without running the editor's checks
    # again: they run again at review. Each row is read again against the campaigns and library as they are now.
    earlier = _earlier_findings(plan, batch) if write else {}
    candidates: list[PlannedRow] = []
    for row in batch:
        if Severity.ERROR in earlier.get(row.number, ()):
            counts.problem_rows += 1
            continue
        planned, problems = reader.read(row.number, row.cells, check=not write)
        if row.extra:
            message = _("The row has more cells than the header: %(cells)s.") % {"cells": " | ".join(row.extra)}
            problems = [*problems, RowProblem("", "extra_cells", message)]
        if planned is None or not planned.is_valid or row.extra:
            counts.problem_rows += 1
            note(row.number, problems)
        else:
            candidates.append(planned)
    known = set(
        ContentItem.objects.filter(import_key__in=[p.key for p in candidates]).values_list("import_key", flat=True)
    )
    first_of: dict[str, int] = {}
    fresh = []
    for planned in candidates:
        if planned.key in known or planned.key in first_of:
            counts.duplicate_rows += 1
            if Severity.DUPLICATE not in earlier.get(planned.number, ()):
                note(planned.number, [_duplicate(first_of.get(planned.key))])
            continue
        first_of[planned.key] = planned.number
        counts.valid_rows += 1
        note(planned.number, planned.problems)  # its warnings
        fresh.append(planned)
    if write and fresh:
        imported = _insert(fresh, plan.uploaded_by)
        counts.imported_rows += len(imported)
        for planned in fresh:
            if planned.number not in imported:
                counts.valid_rows -= 1
                counts.duplicate_rows += 1
                note(planned.number, [_duplicate(None)])
    counts.checked_rows += len(batch)
    PlanImportProblem.objects.bulk_create(found)


def _earlier_findings(plan: PlanImport, batch: list[Row]) -> dict[int, set[str]]:
    """The severities the preview recorded for each row of the batch."""
    found: dict[int, set[str]] = {}
    rows = PlanImportProblem.objects.filter(
        plan_import=plan, row_number__gte=batch[0].number, row_number__lte=batch[-1].number
    ).values_list("row_number", "severity")
    for number, severity in rows:
        found.setdefault(number, set()).add(severity)
    return found


def _duplicate(earlier_row: int | None) -> RowProblem:
    if earlier_row is not None:
        message = _("The same as row %(row)s of this file: imported once.") % {"row": earlier_row}
    else:
        message = _("Already imported: this row's item exists; it is not imported again.")
    return RowProblem("", "already_imported", message, Severity.DUPLICATE)


def _insert(rows: list[PlannedRow], author: AbstractBaseUser | None) -> set[int]:
    """Insert the rows' items with their parts; the numbers of the rows inserted. One transaction for all; if the
    database refuses it (an item imported meanwhile), one savepoint per row, so each row goes in whole or not."""
    try:
        with transaction.atomic():
            _insert_now(rows, author)
        return {row.number for row in rows}
    except IntegrityError:
        pass
    inserted = set()
    for row in rows:
        _unsave(row)
        try:
            with transaction.atomic():
                _insert_now([row], author)
        except IntegrityError:
            continue
        inserted.add(row.number)
    return inserted


def _insert_now(rows: list[PlannedRow], author: AbstractBaseUser | None) -> None:
    for row in rows:
        row.item.import_key = row.key
    history = {"default_user": author, "default_change_reason": HISTORY_REASON}
    bulk_create_with_history([row.item for row in rows], ContentItem, **history)
    variants = [variant for row in rows for variant in row.variants]
    bulk_create_with_history(variants, Variant, **history)
    VariantMedia.objects.bulk_create([attachment for row in rows for attachment in row.attachments])
    bulk_create_with_history([source for row in rows for source in row.sources], Source, **history)


def _unsave(row: PlannedRow) -> None:
    """Forget the ids a rolled-back insert gave the row's objects, so that they are inserted again as new."""
    for obj in [row.item, *row.variants, *row.attachments, *row.sources]:
        obj.pk = None
        obj._state.adding = True
    for variant in row.variants:
        variant.item_id = None
    for attachment in row.attachments:
        attachment.variant_id = None
    for source in row.sources:
        source.item_id = None
