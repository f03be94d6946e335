"""Writing only the fields that changed: one row brought up to new values, validated, saved with its history."""

from __future__ import annotations

from typing import Any

from django.db import models


def save_changes(row: models.Model, changes: dict[str, Any], reason: str | None = None) -> list[str]:
    """Set on `row` the values of `changes` that differ, validate it and save just those (and its auto_now
    fields), with `reason` as the history's change reason; the names changed. Nothing changed, nothing is written:
    saving an unchanged row would still add a history row."""
    changed = [name for name, value in changes.items() if getattr(row, name) != value]
    if not changed:
        return []
    for name in changed:
        setattr(row, name, changes[name])
    row.full_clean()
    if reason is not None:
        row._change_reason = reason
    fields = row._meta.concrete_fields
    refreshed = [field.name for field in fields if getattr(field, "auto_now", False)]
    row.save(update_fields=[row._meta.get_field(name).attname for name in changed] + refreshed)
    return changed
