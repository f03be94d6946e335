"""The health of the engine: is the dispatcher ticking, are queues draining, is anything overdue?

Silent failure is what users of other schedulers complain about most: a post simply never goes
out. This report makes it loud.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db import DatabaseError
from django.utils import timezone

from planner import probes
from publishing.models import Heartbeat, Publication

DISPATCHER_SILENT_AFTER = dt.timedelta(seconds=30)
# Beat sends each queue a heartbeat every 30 s; three missed in a row means no worker takes that queue.
QUEUE_SILENT_AFTER = dt.timedelta(seconds=90)
QUEUES = ("publish", "default")
OVERDUE_AFTER = dt.timedelta(minutes=1)
WAITING_STATES = (Publication.State.SCHEDULED, Publication.State.QUEUED, Publication.State.RETRYING)


@dataclass
class HealthReport:
    now: dt.datetime
    dispatcher_last_tick: dt.datetime | None
    overdue: int
    queued: int
    publishing: int
    needs_attention: int
    queue_last_beat: dict[str, dt.datetime | None] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)

    @property
    def healthy(self) -> bool:
        return not self.problems

    def as_dict(self) -> dict[str, object]:
        return {
            "healthy": self.healthy,
            "now": self.now.isoformat(),
            "dispatcher_last_tick": self.dispatcher_last_tick.isoformat() if self.dispatcher_last_tick else None,
            "overdue": self.overdue,
            "queued": self.queued,
            "publishing": self.publishing,
            "needs_attention": self.needs_attention,
            "queues": {name: at.isoformat() if at else None for name, at in self.queue_last_beat.items()},
            "problems": self.problems,
            "checks": self.checks(),
        }

    def checks(self) -> dict[str, dict[str, object]]:
        """The engine's checks one by one, as /health/ lists them beside the database's and the broker's."""
        tick_ok = (
            self.dispatcher_last_tick is not None and self.now - self.dispatcher_last_tick <= DISPATCHER_SILENT_AFTER
        )
        checks: dict[str, dict[str, object]] = {
            "dispatcher": {
                "ok": tick_ok,
                "detail": "Ticked recently." if tick_ok else "Silent: is `manage.py run_dispatcher` running?",
                "last_tick": self.dispatcher_last_tick.isoformat() if self.dispatcher_last_tick else None,
            }
        }
        for queue, beat in self.queue_last_beat.items():
            beat_ok = beat is not None and self.now - beat <= QUEUE_SILENT_AFTER
            checks[f"queue:{queue}"] = {
                "ok": beat_ok,
                "detail": "A worker answered recently."
                if beat_ok
                else "No worker answered: is one (and the beat) running?",
                "last_beat": beat.isoformat() if beat else None,
            }
        checks["overdue"] = {"ok": not self.overdue, "detail": f"{self.overdue} publication(s) late by over a minute."}
        return checks


def report(now: dt.datetime | None = None) -> HealthReport:
    """The engine's health now, across all organisations (it holds counts, no content)."""
    now = now or timezone.now()
    beats = dict(
        Heartbeat.objects.filter(name__in=["dispatcher", *(f"queue:{q}" for q in QUEUES)]).values_list(
            "name", "beat_at"
        )
    )
    tick = beats.get("dispatcher")
    publications = Publication.objects
    overdue = (
        publications.filter(state__in=WAITING_STATES, scheduled_at__lt=now - OVERDUE_AFTER)
        .exclude(next_attempt_at__gt=now)
        .count()
    )
    result = HealthReport(
        now=now,
        dispatcher_last_tick=tick,
        overdue=overdue,
        queued=publications.filter(state=Publication.State.QUEUED).count(),
        publishing=publications.filter(state=Publication.State.PUBLISHING).count(),
        needs_attention=publications.filter(
            state__in=(Publication.State.UNCONFIRMED, Publication.State.FAILED)
        ).count(),
        queue_last_beat={queue: beats.get(f"queue:{queue}") for queue in QUEUES},
    )
    if tick is None or now - tick > DISPATCHER_SILENT_AFTER:
        result.problems.append("The dispatcher has not ticked recently: is `manage.py run_dispatcher` running?")
    for queue, beat in result.queue_last_beat.items():
        if beat is None or now - beat > QUEUE_SILENT_AFTER:
            result.problems.append(
                f"No worker has answered on the {queue} queue recently: is its worker (and the beat) running?"
            )
    if overdue:
        result.problems.append(f"{overdue} publication(s) due more than a minute ago are not published yet.")
    return result


def probe(now: dt.datetime | None = None) -> tuple[bool, dict[str, object]]:
    """For /health/: the database and the broker, then the engine's report (which needs the database)."""
    database, broker = probes.database(), probes.broker()
    outside = {"database": database.as_dict(), "broker": broker.as_dict()}
    if not database.ok:
        return False, {"healthy": False, "problems": [database.detail], "checks": outside}
    try:
        body = report(now).as_dict()
    except DatabaseError as error:  # reachable, but not migrated (yet) or refusing the query
        detail = f"The engine's state could not be read: {type(error).__name__}. Is the database migrated?"
        outside["engine"] = {"ok": False, "detail": detail}
        return False, {"healthy": False, "problems": [detail], "checks": outside}
    body["checks"] = outside | body["checks"]
    if not broker.ok:
        body["problems"] = [broker.detail, *body["problems"]]
        body["healthy"] = False
    return bool(body["healthy"]), body
