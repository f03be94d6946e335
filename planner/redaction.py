"""Secrets kept out of the logs: a logging filter that blanks tokens wherever a message carries them.

Some platforms take the access token in the URL (Meta's Graph API: `?access_token=…`), and a request or an
error can be logged with its URL or its headers. The filter replaces the value after `access_token=`,
`refresh_token=`, `client_secret=`, `code=` style parameters, and after `Authorization:` / `Bearer` /
`Token`, in the message, its arguments and its traceback, before any handler formats it.
"""

from __future__ import annotations

import logging
import re

REDACTED = "[redacted]"
# Query or form parameters, and JSON or repr'd dict keys, whose values are secrets.
SECRET_NAMES = "|".join(
    ("access_token", "refresh_token", "id_token", "client_secret", "app_password", "password", "secret", "token",
     "code_verifier", "input_token", "fb_exchange_token", "api_key", "apikey", "signature")
)  # fmt: skip
PARAMETER = re.compile(rf"(?i)\b({SECRET_NAMES})=([^&\s\"'<>,;)]+)")
QUOTED_KEY = re.compile(rf"(?i)([\"']({SECRET_NAMES})[\"']\s*:\s*[\"'])([^\"']+)")
HEADER = re.compile(r"(?i)\b(authorization|x-planner-signature|cookie)([\"']?\s*[:=,]\s*[\"']?)([^\r\n\"']+)")
SCHEME = re.compile(r"(?i)\b(bearer|token|basic)\s+[A-Za-z0-9\-._~+/=]{8,}")


def redact(text: str) -> str:
    """`text` with every secret value it shows replaced by [redacted]."""
    text = HEADER.sub(lambda m: f"{m.group(1)}{m.group(2)}{REDACTED}", text)
    text = SCHEME.sub(lambda m: f"{m.group(1)} {REDACTED}", text)
    text = PARAMETER.sub(lambda m: f"{m.group(1)}={REDACTED}", text)
    return QUOTED_KEY.sub(lambda m: f"{m.group(1)}{REDACTED}", text)


class RedactSecrets(logging.Filter):
    """Installed on the handlers (planner/settings.py LOGGING): every record that is written passes here."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        cleaned = redact(message)
        if cleaned != message:
            record.msg, record.args = cleaned, None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redact(record.exc_text)
        return True
