"""Encryption at rest for platform credentials (Fernet, with several keys for rotation)."""

import base64
import hashlib
import json
from functools import cache
from typing import Any

from cryptography.fernet import Fernet, MultiFernet
from django.conf import settings
from django.db import models


@cache
def credentials_cipher() -> MultiFernet:
    """The cipher: the first key encrypts, every key decrypts (so keys can be rotated)."""
    keys = list(settings.CREDENTIALS_KEYS)
    if not keys:
        # Demo fallback only; the README tells production to set PLANNER_CREDENTIALS_KEYS.
        digest = hashlib.sha256(f"credentials:{settings.SECRET_KEY}".encode()).digest()
        keys = [base64.urlsafe_b64encode(digest).decode()]
    return MultiFernet([Fernet(key.encode()) for key in keys])


class EncryptedJSONField(models.TextField):
    """A JSON object stored encrypted; the database and its backups only see ciphertext."""

    def from_db_value(self, value: str | None, expression: Any, connection: Any) -> dict | None:
        if value is None or value == "":
            return {}
        return json.loads(credentials_cipher().decrypt(value.encode()))

    def to_python(self, value: Any) -> dict:
        if isinstance(value, dict):
            return value
        if not value:
            return {}
        return json.loads(value)

    def get_prep_value(self, value: Any) -> str:
        plain = json.dumps(value or {}, sort_keys=True).encode()
        return credentials_cipher().encrypt(plain).decode()

    def value_to_string(self, obj: models.Model) -> str:
        # Serialised dumps (dumpdata, fixtures) carry the ciphertext, never the secret.
        return self.get_prep_value(self.value_from_object(obj))
