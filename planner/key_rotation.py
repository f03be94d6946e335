"""Re-encrypting every encrypted value with the current key, so that an old key can be dropped.

Every `EncryptedField` of every installed model (history tables included, should one ever keep such a
field) is walked in batches by primary key. Each row's ciphertext is read as stored, re-encrypted with the
first key of PLANNER_CREDENTIALS_KEYS (MultiFernet.rotate: the plaintext never leaves this function) and
written back only if the column still holds what was read: a value a request or a worker saved meanwhile
is kept (it was encrypted with the current key already, or is read again and rotated). Rows already under
the current key are left alone, so running it again does nothing.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass

from cryptography.fernet import InvalidToken
from django.apps import apps
from django.db import models
from django.db.models import ExpressionWrapper, F, TextField, Value

from planner.encryption import EncryptedField, credentials_cipher, is_current

ATTEMPTS_PER_ROW = 5


@dataclass
class Tally:
    label: str
    rows: int = 0
    rotated: int = 0
    current: int = 0

    def __str__(self) -> str:
        return f"{self.label}: {self.rows} rows, {self.rotated} re-encrypted, {self.current} already current"


class RotationFailed(Exception):
    pass


def encrypted_fields() -> Iterator[tuple[type[models.Model], EncryptedField]]:
    for model in apps.get_models(include_auto_created=True):
        for field in model._meta.concrete_fields:
            if isinstance(field, EncryptedField):
                yield model, field


def rotate_all(batch_size: int = 500, progress: Callable[[str], None] = print) -> list[Tally]:
    return [rotate_field(model, field, batch_size, progress) for model, field in encrypted_fields()]


def _raw(field: EncryptedField) -> ExpressionWrapper:
    # The column as stored: a plain text expression, so the field's decryption is not applied.
    return ExpressionWrapper(F(field.attname), output_field=TextField())


def rotate_field(
    model: type[models.Model], field: EncryptedField, batch_size: int, progress: Callable[[str], None]
) -> Tally:
    tally = Tally(f"{model._meta.label}.{field.name}")
    rows = model._base_manager.annotate(raw_secret=_raw(field)).order_by("pk")
    last = None
    while True:
        batch = rows.filter(pk__gt=last) if last is not None else rows
        chunk = list(batch.values_list("pk", "raw_secret")[:batch_size])
        if not chunk:
            break
        for pk, raw in chunk:
            tally.rows += 1
            if rotate_row(model, field, pk, raw):
                tally.rotated += 1
            else:
                tally.current += 1
        last = chunk[-1][0]
        progress(f"{tally} (up to pk {last})")
    progress(str(tally))
    return tally


def rotate_row(model: type[models.Model], field: EncryptedField, pk: object, raw: str | None) -> bool:
    """Re-encrypt one row's value; False if it needed nothing (empty, or already under the current key)."""
    cipher = credentials_cipher()
    for _attempt in range(ATTEMPTS_PER_ROW):
        if not raw or is_current(raw.encode()):
            return False
        try:
            fresh = cipher.rotate(raw.encode()).decode()
        except InvalidToken as error:
            raise RotationFailed(
                f"{model._meta.label} pk={pk}, {field.name}: no key of PLANNER_CREDENTIALS_KEYS decrypts it; "
                "put back the key it was encrypted with (after the new one) and run the rotation again"
            ) from error
        stored = model._base_manager.alias(raw_secret=_raw(field)).filter(pk=pk, raw_secret=raw)
        if stored.update(**{field.attname: Value(fresh, output_field=TextField())}):
            return True
        # Written meanwhile: read what is there now and decide again.
        raw = (
            model._base_manager.annotate(raw_secret=_raw(field))
            .filter(pk=pk)
            .values_list("raw_secret", flat=True)
            .first()
        )
    raise RotationFailed(f"{model._meta.label} pk={pk}, {field.name}: kept changing during the rotation; run it again")
