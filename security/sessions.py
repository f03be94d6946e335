"""Session expiry: a session ends after a while without requests, and some hours after its sign-in.

Times are kept in the session as POSIX seconds. The last-seen time is written at most once a
minute, so that a page's burst of requests does not rewrite the session row each time.
"""

from __future__ import annotations

import time
from typing import Any

from django.conf import settings
from django.http import HttpRequest

SIGNED_IN_AT = "security_signed_in_at"
SEEN_AT = "security_seen_at"
SEEN_WRITE_INTERVAL_S = 60.0


def start_clock(sender: Any, request: HttpRequest, user: Any, **kwargs: Any) -> None:
    """On sign-in (user_logged_in): the session's age and idleness count from now."""
    now = time.time()
    request.session[SIGNED_IN_AT] = now
    request.session[SEEN_AT] = now


def expiry_reason(session: Any, now: float) -> str | None:
    """Why the session is over ("idle" or "max_age"), or None; a session without a clock starts one."""
    signed_in_at = session.get(SIGNED_IN_AT)
    seen_at = session.get(SEEN_AT)
    if signed_in_at is None or seen_at is None:
        session[SIGNED_IN_AT] = signed_in_at or now
        session[SEEN_AT] = now
        return None
    if now - signed_in_at > settings.PLANNER_SESSION_MAX_HOURS * 3600:
        return "max_age"
    if now - seen_at > settings.PLANNER_SESSION_IDLE_MINUTES * 60:
        return "idle"
    return None


def note_activity(session: Any, now: float) -> None:
    if now - session.get(SEEN_AT, 0) >= SEEN_WRITE_INTERVAL_S:
        session[SEEN_AT] = now
