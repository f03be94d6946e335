"""Demo rows looked up by their natural key and written only where they differ, so that a rerun changes nothing."""

from __future__ import annotations

from typing import Any, TypeVar

from django.db import models

from campaigns.row_changes import save_changes

M = TypeVar("M", bound=models.Model)


def upsert(model: type[M], lookup: dict[str, Any], values: dict[str, Any]) -> M:
    """The row of `lookup`, made with `values` or brought up to them; saved only if something changed."""
    row = model._default_manager.filter(**lookup).first()
    if row is None:
        row = model(**lookup, **values)
        row.full_clean()
        row.save()
        return row
    save_changes(row, values)  # unchanged, unwritten: a second run is a no-op
    return row
