"""Structured logs: one JSON object a line (PLANNER_LOG_FORMAT=json), for a log collector to index.

Every line logged while a publication is being handled carries its id (`publication_id`), whichever module
wrote it (adapters, sending, metrics, Celery's own task lines): the publishing tasks set it for their run
(`publication`, publishing/tasks.py) and `ContextFilter` adds it to each record of that thread or task.
"""

from __future__ import annotations

import contextvars
import datetime as dt
import json
import logging
import socket
from collections.abc import Iterator
from contextlib import contextmanager

_publication: contextvars.ContextVar[int | None] = contextvars.ContextVar("publication_id", default=None)

# Attributes every LogRecord has: anything else on a record came from `extra=` and is written as a field.
_STANDARD = set(logging.LogRecord("", 0, "", 0, "", (), None).__dict__) | {"message", "asctime", "publication_id"}


@contextmanager
def publication(publication_id: int | None) -> Iterator[None]:
    """Lines logged inside carry `publication_id`."""
    token = _publication.set(publication_id)
    try:
        yield
    finally:
        _publication.reset(token)


def set_publication(publication_id: int | None) -> contextvars.Token:
    """For Celery's signals, which start and end a task in two calls: pass the token to `reset_publication`."""
    return _publication.set(publication_id)


def reset_publication(token: contextvars.Token) -> None:
    _publication.reset(token)


class ContextFilter(logging.Filter):
    """Puts the publication being handled (or None) on every record."""

    def filter(self, record: logging.LogRecord) -> bool:
        if getattr(record, "publication_id", None) is None:
            record.publication_id = _publication.get()
        return True


class JsonFormatter(logging.Formatter):
    """A line of JSON per record: time (UTC), level, logger, message, publication_id, host, process, the
    exception's traceback if any, and any `extra=` fields."""

    host = socket.gethostname()

    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, object] = {
            "time": dt.datetime.fromtimestamp(record.created, tz=dt.UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "publication_id": getattr(record, "publication_id", None),
            "host": self.host,
            "process": record.process,
        }
        if record.exc_info:
            line["exception"] = self.formatException(record.exc_info)
        if record.stack_info:
            line["stack"] = self.formatStack(record.stack_info)
        for key, value in record.__dict__.items():
            if key not in _STANDARD and key not in line:
                line[key] = value
        return json.dumps(line, ensure_ascii=False, default=str)
