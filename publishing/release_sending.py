"""Sending a coordinated release so that its posts reach their platforms together, at its instant.

Where the time went (200 Mastodon posts on the loaded 2-CPU machine, the sandbox in the test process): preparing
a send (claim, attempt, checks) ~20 ms, so 4 s for the release; each call then read the variant's media and the
correction it answers from the database before its POST, so 32 threads with a connection each reached the sandbox
at ~50 posts a second. Now the dispatcher claims a release RELEASE_CLAIM_AHEAD before its instant
(publishing/scheduling.py), one task prepares every publication (claimed, attempt recorded, media uploaded,
request built: `Adapter.ready`), starts one thread per call, waits for the instant, checks the freezes once more
(a release is held whole), then lets every thread go at once. Each outcome is recorded as a single send's is
(publishing/sending.py): a publication is claimed once, and no transaction is open during a call.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
import time

import httpx
from django.db import connection
from django.db.models import Count, Max
from django.utils import timezone

from campaigns.models import ContentItem
from publishing import freezes
from publishing.adapters import adapter_for
from publishing.adapters.base import PublishError, shared_client
from publishing.models import Publication, SocialAccount
from publishing.sending import Answer, Prepared, call, hold, prepare, record, send_lease

logger = logging.getLogger(__name__)

# Calls that use no database each get a thread of their own, up to the shared HTTP client's connection limit
# (adapters/base.py CLIENT_LIMITS: past it a thread would only wait for a connection). A thread costs ~8 MB of
# address space and little else while it waits on the platform.
RELEASE_CALLS_AT_ONCE = 256
# Calls that read the database (adapters without `ready_calls_skip_database`) share this many threads, each with
# its own connection closed after: within PostgreSQL's default 100 connections beside the workers' own.
RELEASE_DATABASE_CALLS_AT_ONCE = 32
# Each publication's lease allows for the preparation of the ones before it (well under 100 ms each, even on a
# loaded machine) and for the wait until the instant.
RELEASE_PREPARE_ALLOWANCE = dt.timedelta(milliseconds=100)
HELD_BY_FREEZE = "Held: publishing is frozen (a release waits whole)."


def send_together(publication_ids: list[int]) -> dict[int, str | None]:
    """Send a release's queued publications so that they reach their platforms together at its instant; returns
    each one's state (None: it was not queued)."""
    instant = Publication.objects.filter(pk__in=publication_ids).aggregate(at=Max("scheduled_at"))["at"]
    now = timezone.now()
    wait = max(instant - now, dt.timedelta(0)) if instant else dt.timedelta(0)
    lease = send_lease() + RELEASE_PREPARE_ALLOWANCE * len(publication_ids) + wait
    warming = warm_up(publication_ids, instant or now)
    states: dict[int, str | None] = {}
    ready: list[Prepared] = []
    for publication_id in publication_ids:
        try:
            prepared = prepare(publication_id, timezone.now(), lease)
        except Exception:
            # As a worker dying on it: its lease runs out (or, still queued, it is handed over again) and it is
            # reconciled with the platform; the rest of the release goes on.
            logger.exception("preparing %s failed", publication_id)
            continue
        if isinstance(prepared, Prepared):
            ready.append(prepared)
        else:
            states[publication_id] = prepared
    volley = Volley(ready)
    for thread in warming:
        thread.join(timeout=max((instant - timezone.now()).total_seconds(), 0) if instant else 0)
    if instant is not None:
        _sleep_until(instant)
    if _frozen(publication_ids):
        volley.cancel()
        states |= {prepared.publication.pk: hold(prepared, HELD_BY_FREEZE) for prepared in ready}
        return states
    for prepared, answer in zip(ready, volley.fire(), strict=True):
        try:
            states[prepared.publication.pk] = record(prepared, answer)
        except Exception:
            # Left publishing: its lease runs out and it is reconciled with the platform, as a dead worker's is.
            logger.exception("recording the outcome of %s failed", prepared.publication.pk)
    return states


class Volley:
    """The platform calls of a release, their threads started, their connections opened, made together when fired."""

    def __init__(self, ready: list[Prepared]) -> None:
        self.ready = ready
        self.answers: list[Answer | None] = [None] * len(ready)
        self._go, self._cancelled = threading.Event(), False
        self._threads: list[threading.Thread] = []
        for skips_database, at_once in ((True, RELEASE_CALLS_AT_ONCE), (False, RELEASE_DATABASE_CALLS_AT_ONCE)):
            indexes = [i for i, p in enumerate(ready) if p.adapter.ready_calls_skip_database == skips_database]
            count = min(len(indexes), at_once)
            shares = [indexes[n::count] for n in range(count)]
            self._threads += [threading.Thread(target=self._work, args=(share,)) for share in shares]
        for thread in self._threads:
            thread.start()

    def fire(self) -> list[Answer]:
        """Make every call now; the answers in the order of `ready`."""
        self._go.set()
        self._join()
        return [a or Answer(None, RuntimeError("the call was not made"), timezone.now()) for a in self.answers]

    def cancel(self) -> None:
        """Make none of the calls."""
        self._cancelled = True
        self._go.set()
        self._join()

    def _join(self) -> None:
        for thread in self._threads:
            thread.join()

    def _work(self, share: list[int]) -> None:
        try:
            self._go.wait()
            for index in share:
                if self._cancelled:
                    return
                self.answers[index] = call(self.ready[index])
        finally:
            connection.close()  # this thread's own database connection, if its call opened one


def warm_up(publication_ids: list[int], until: dt.datetime) -> list[threading.Thread]:
    """Open one connection per publication to its platform while the release is being prepared: all are held open
    together (else a quick answer would hand its connection to the next one), then left to the shared HTTP client
    for the instant. Returns the threads doing it."""
    accounts = SocialAccount.objects.filter(publications__pk__in=publication_ids).annotate(posts=Count("publications"))
    urls = [url for account in accounts if (url := adapter_for(account.platform).warm_up_url(account))
            for _ in range(account.posts)][:RELEASE_CALLS_AT_ONCE]  # fmt: skip
    together = threading.Barrier(len(urls)) if urls else None
    threads = [threading.Thread(target=_open_connection, args=(url, together, until)) for url in urls]
    for thread in threads:
        thread.start()
    return threads


def _open_connection(url: str, together: threading.Barrier, until: dt.datetime) -> None:
    # Its answer does not matter: a platform that fails it is called at the instant all the same.
    try:
        with shared_client().stream("GET", url) as response:
            response.read()
            together.wait(timeout=max((until - timezone.now()).total_seconds(), 0))
    except threading.BrokenBarrierError:
        pass  # one failed, or the instant came: the connections open so far are kept all the same
    except (httpx.HTTPError, PublishError) as error:
        together.abort()
        logger.info("opening a connection to %s failed: %s", url, error)


def _sleep_until(instant: dt.datetime) -> None:
    # Not one post before the embargo's instant (on this machine's clock, which the platforms' should match).
    while (left := (instant - timezone.now()).total_seconds()) > 0:
        time.sleep(min(left, 1.0))


def _frozen(publication_ids: list[int]) -> bool:
    """Whether a freeze started since the release was claimed covers one of its publications (crisis items that
    may pass a freeze excepted): then the whole release waits."""
    covered = Publication.objects.filter(freezes.frozen_publications(), pk__in=publication_ids)
    items = ContentItem.objects.filter(pk__in=covered.values("variant__item_id"))
    return any(not freezes.may_pass_freeze(item) for item in items)
