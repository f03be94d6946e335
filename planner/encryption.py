"""Encryption at rest for secrets (platform credentials, OAuth apps' secrets, webhook secrets): Fernet, with
several keys for rotation.

PLANNER_CREDENTIALS_KEYS lists the keys, newest first: the first encrypts, every one decrypts, so that
`manage.py rotate_encryption_key` can re-encrypt every row with the first while old rows still read. The
key derived from SECRET_KEY (the demo's, when no key is set) always decrypts too, last: a demo database
moved to real keys is rotated like any other.
"""

from __future__ import annotations

import base64
import hashlib
import json
from functools import cache
from typing import Any

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import models


def derived_key(secret_key: str) -> str:
    digest = hashlib.sha256(f"credentials:{secret_key}".encode()).digest()
    return base64.urlsafe_b64encode(digest).decode()


@cache
def _ciphers(keys: tuple[str, ...], secret_key: str) -> tuple[Fernet, MultiFernet]:
    fallback = derived_key(secret_key)
    try:
        fernets = [Fernet(key.encode()) for key in dict.fromkeys([*keys, fallback])]
    except ValueError as error:
        raise ImproperlyConfigured(
            f"PLANNER_CREDENTIALS_KEYS: each key must be 32 url-safe base64-encoded bytes "
            f"(make one with `python -c 'from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())'`): {error}"
        ) from error
    return fernets[0], MultiFernet(fernets)


def credentials_cipher() -> MultiFernet:
    """The cipher: the first key encrypts, every key decrypts (so keys can be rotated)."""
    return _ciphers(tuple(settings.CREDENTIALS_KEYS), settings.SECRET_KEY)[1]


def is_current(token: bytes) -> bool:
    """Whether this ciphertext is already encrypted with the first (current) key."""
    try:
        _ciphers(tuple(settings.CREDENTIALS_KEYS), settings.SECRET_KEY)[0].decrypt(token)
    except InvalidToken:
        return False
    return True


class EncryptedField(models.TextField):
    """A value stored encrypted: the database, its dumps and backups only see ciphertext.

    `rotate_encryption_key` finds every field of this kind, of every model, to re-encrypt it.
    """

    def encode(self, value: Any) -> bytes:
        raise NotImplementedError

    def decode(self, plain: bytes) -> Any:
        raise NotImplementedError

    def empty(self) -> Any:
        raise NotImplementedError

    def from_db_value(self, value: str | None, expression: Any, connection: Any) -> Any:
        if value is None or value == "":
            return self.empty()
        return self.decode(credentials_cipher().decrypt(value.encode()))

    def get_prep_value(self, value: Any) -> str:
        return credentials_cipher().encrypt(self.encode(value)).decode()

    def value_to_string(self, obj: models.Model) -> str:
        # Serialised dumps (dumpdata, fixtures) carry the ciphertext, never the secret.
        return self.get_prep_value(self.value_from_object(obj))


class EncryptedJSONField(EncryptedField):
    """A JSON object stored encrypted."""

    def encode(self, value: Any) -> bytes:
        return json.dumps(value or {}, sort_keys=True).encode()

    def decode(self, plain: bytes) -> dict:
        return json.loads(plain)

    def empty(self) -> dict:
        return {}

    def to_python(self, value: Any) -> dict:
        if isinstance(value, dict):
            return value
        if not value:
            return {}
        return json.loads(value)


class EncryptedTextField(EncryptedField):
    """A string stored encrypted (a webhook's signing secret)."""

    def encode(self, value: Any) -> bytes:
        return str(value or "").encode()

    def decode(self, plain: bytes) -> str:
        return plain.decode()

    def empty(self) -> str:
        return ""

    def to_python(self, value: Any) -> str:
        return "" if value is None else str(value)
