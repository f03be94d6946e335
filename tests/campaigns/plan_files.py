"""Content plans in CSV for the import and export tests: rows given as dicts, written as a spreadsheet would."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile

from campaigns import plan_import
from campaigns.models import Organisation, PlanImport
from campaigns.plan_columns import NAMES

# A row every check lets through on the ministry of tests/conftest.py (its campaign's hashtag, no media needed).
GOOD = {
    "campaign": "Flu vaccination", "kind": "post", "planned_at": "2027-01-15 09:00", "platforms": "mastodon",
    "languages": "en", "text": "Book your free flu vaccine at your health centre.", "hashtags": "#FluVaccine",
}  # fmt: skip


def plan_bytes(rows: Iterable[dict[str, Any]], header: Iterable[str] = NAMES, bom: bool = False) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    header = list(header)
    writer.writerow(header)
    for row in rows:
        writer.writerow([row.get(name, "") for name in header])
    return (("\ufeff" if bom else "") + out.getvalue()).encode()


def upload(data: bytes, name: str = "plan.csv") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type="text/csv")


def previewed(organisation: Organisation, user: Any, data: bytes) -> PlanImport:
    """An uploaded plan whose rows were checked (the preview task's work, run here)."""
    plan = plan_import.upload_plan(organisation, user, upload(data))
    return plan_import.preview(plan.pk)


def imported(organisation: Organisation, user: Any, data: bytes) -> PlanImport:
    """A plan uploaded, checked, confirmed and imported."""
    plan = previewed(organisation, user, data)
    if plan.valid_rows:
        plan_import.confirm(plan, user)
        plan = plan_import.import_valid_rows(plan.pk)
    return plan


def problems_of(plan: PlanImport) -> list[tuple[int, str, str]]:
    """(row, column, rule) of every problem, in row order."""
    return list(plan.problems.order_by("row_number", "pk").values_list("row_number", "column", "rule"))
