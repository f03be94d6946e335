"""Recording the audit trail: `record` is called by the one module that owns each rule (the workflow,
editing, scheduling, freezes, account connection, webhooks, membership), inside its transaction, so
the web UI, the API and the admin site all leave the same trail and a refused action leaves none."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit, urlunsplit

from audit.models import Action, Event, ObjectType

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser

    from campaigns.models import Organisation

LABEL_MAX_CHARS = 200
# Details are facts about the action, never credentials: a key that looks like one is dropped.
SECRET_WORDS = ("secret", "token", "password", "credential", "authorization", "cookie", "key")


def record(
    organisation: Organisation | int,
    actor: AbstractBaseUser | None,
    action: Action | str,
    object_type: ObjectType | str,
    object_id: object,
    object_label: str = "",
    details: Mapping[str, Any] | None = None,
) -> Event:
    """Write one audit event; `actor` None means the system (the publishing engine)."""
    organisation_id = organisation if isinstance(organisation, int) else organisation.pk
    return Event.objects.create(
        organisation_id=organisation_id,
        actor=actor if actor is not None and actor.is_authenticated else None,
        actor_name=actor.get_username() if actor is not None and actor.is_authenticated else "",
        action=Action(action),
        object_type=ObjectType(object_type),
        object_id=str(object_id),
        object_label=str(object_label)[:LABEL_MAX_CHARS],
        details=_plain(details or {}),
    )


def url_label(url: str) -> str:
    """A URL without what could carry a secret (user info, query, fragment)."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    netloc = f"{host}:{parts.port}" if parts.port else host
    return urlunsplit((parts.scheme, netloc, parts.path, "", ""))


def _plain(value: Any) -> Any:
    """`value` as JSON can hold it: datetimes as ISO 8601 in UTC, secret-looking keys dropped."""
    if isinstance(value, Mapping):
        return {
            str(key): _plain(item)
            for key, item in value.items()
            if not any(word in str(key).lower() for word in SECRET_WORDS)
        }
    if isinstance(value, list | tuple | set | frozenset):
        return [_plain(item) for item in value]
    if isinstance(value, dt.datetime):
        return value.astimezone(dt.UTC).isoformat()
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    if value is None or isinstance(value, bool | int | float | str):
        return value
    return str(value)
