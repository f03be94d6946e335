"""Engagement collection: each published post's counts read back from its platform on a schedule, as a time series.

The design, and why:
- A `MetricSchedule` row per published publication, made in the transaction that publishes it (no HTTP there),
  says which collection is due next (`slot`) and when (`due_at`). Slots fall SLOT_OFFSETS after publishing, then
  every MONTHLY_INTERVAL until COLLECTION_HORIZON. A slot missed while the engine was down is not caught up one by
  one: after a collection, the next slot is the first still ahead. The publication itself is never touched: only
  publishing/scheduling.py moves its state, and this module writes only its own two tables.
- The beat (`tasks.collect_due_metrics`, every minute on the `default` queue) claims due rows (`claimed_until`, a
  lease) in one query on a partial index and enqueues `collect_metrics(id)`. Nothing goes to the `publish` queue
  and no posting token is taken (publishing/rate_limits.py): collecting never holds publishing up.
- `collect(id)` stamps the call (`called_at`, and `due_at` pushed CALL_LEASE ahead as its lease) in one short
  transaction, asks the platform outside any transaction, then stores a `Metric` for the slot and moves on. A
  message delivered twice finds the row not due and does nothing; the unique (publication, slot) keeps one row per
  slot whatever happens. A dead worker's lease runs out and the row is due again: collection resumes.
- Per account, at most METRIC_CALLS_PER_ACCOUNT_PER_MINUTE calls, counted from the account's schedules' `called_at`
  under a lock of the account row. Over it, the collection is put off until a call frees up, not dropped. In the
  database rather than Redis: the posting buckets exist only with Redis (none on the embedded broker), while metric
  calls are few (15 per post over a year) and each already writes its schedule row, so the count is one indexed
  query and holds on every deployment.
- Failures: a transient one (timeout, 5xx, 429) retries the same slot with backoff (at least the platform's
  Retry-After); a permanent one skips the slot; MAX_FAILURES in a row give up. A refused token (`AuthFailed`) or a
  disconnected account waits, without calls, until the account is connected again (`resume_for_account`).
"""

from __future__ import annotations

import datetime as dt
import logging
import random

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Min, QuerySet
from django.utils import timezone

from publishing.adapters import adapter_for
from publishing.adapters.base import Adapter, AuthFailed, Permanent, PublishError, Transient, UnknownOutcome
from publishing.models import Metric, MetricSchedule, Publication, SocialAccount

logger = logging.getLogger(__name__)

S = MetricSchedule.State
# When a post's counts are read, after it was published: its first hour, day, week and month, as reports show them.
SLOT_OFFSETS = (dt.timedelta(hours=1), dt.timedelta(hours=24), dt.timedelta(days=7), dt.timedelta(days=30))
MONTHLY_INTERVAL = dt.timedelta(days=30)
# Past a year a campaign post has long stopped moving, and LinkedIn keeps no statistics older than 12 months.
COLLECTION_HORIZON = dt.timedelta(days=365)
# Well under what the platforms allow for reads (Instagram: 200 calls an hour per account, and a Reel's
# collection takes two), and ample: an account publishing 20 posts a day collects about 4 a minute at its busiest.
METRIC_CALLS_PER_ACCOUNT_PER_MINUTE = 20
RATE_WINDOW = dt.timedelta(minutes=1)
# Rows claimed per beat tick (every minute): 500 a minute is 30,000 an hour, a hundred times a busy day's
# publications' first collections; a longer backlog drains over the next ticks.
BATCH_SIZE = 500
# How long a claimed row waits for its message before the beat hands it over again (a lost broker message).
CLAIM_LEASE = dt.timedelta(minutes=10)
# How long a call may be under way before another worker may take the slot (two reads of 30 s and a token refresh).
CALL_LEASE = dt.timedelta(minutes=5)
# Retries start a rate window apart, so that one publication is asked at most once a window (the count above).
BACKOFF_MIN_S = RATE_WINDOW.total_seconds()
BACKOFF_MAX_S = 6 * 3600.0
MAX_FAILURES = 8  # about a day of backoff for a platform that keeps failing
COLUMNS = ("impressions", "likes", "shares", "replies", "clicks", "video_views", "watch_time_s")
MILLISECONDS = {"watch_time_ms": "watch_time_s"}  # columns an adapter may report in ms: stored in seconds


def calls_per_minute() -> int:
    """Metric calls allowed per account per minute (the setting PLANNER_METRIC_CALLS_PER_MINUTE overrides)."""
    return getattr(settings, "PLANNER_METRIC_CALLS_PER_MINUTE", METRIC_CALLS_PER_ACCOUNT_PER_MINUTE)


def slot_at(published_at: dt.datetime, slot: int) -> dt.datetime | None:
    """When collection number `slot` is due for a post published then; None past the horizon."""
    if slot < len(SLOT_OFFSETS):
        offset = SLOT_OFFSETS[slot]
    else:
        offset = SLOT_OFFSETS[-1] + MONTHLY_INTERVAL * (slot - len(SLOT_OFFSETS) + 1)
    return published_at + offset if offset <= COLLECTION_HORIZON else None


def next_slot(published_at: dt.datetime, after: int, now: dt.datetime) -> tuple[int, dt.datetime] | None:
    """The first collection after slot `after` that is still ahead of `now`, and when; None if none is left."""
    slot = after + 1
    while (at := slot_at(published_at, slot)) is not None:
        if at > now:
            return slot, at
        slot += 1
    return None


def canonical(adapter: Adapter, counts: dict[str, int]) -> dict[str, int | None]:
    """The platform's counts under our columns, by its adapter's `metric_names`: None where it gives no such figure."""
    figures: dict[str, int | None] = dict.fromkeys(COLUMNS)
    for name, value in counts.items():
        column = adapter.metric_names.get(name)
        if column is None or isinstance(value, bool) or not isinstance(value, int):
            continue
        if column in MILLISECONDS:
            column, value = MILLISECONDS[column], value // 1000
        figures[column] = (figures[column] or 0) + max(value, 0)
    # The column is "impressions or views": where a platform counts only its videos' views (YouTube), they are it.
    if figures["impressions"] is None:
        figures["impressions"] = figures["video_views"]
    return figures


def start_collecting(publication_id: int, account_id: int, published_at: dt.datetime) -> None:
    """Schedule a just-published post's first collection; call it in the transaction that publishes it."""
    MetricSchedule.objects.get_or_create(
        publication_id=publication_id,
        defaults={"account_id": account_id, "due_at": slot_at(published_at, 0)},
    )


def resume_for_account(account_id: int, now: dt.datetime) -> int:
    """The account was connected again: its posts' collections waiting for it are due now. Returns how many."""
    return MetricSchedule.objects.filter(account_id=account_id, state=S.RECONNECT).update(
        state=S.COLLECTING, due_at=now, claimed_until=None, failures=0, last_error=""
    )


def stop_collecting(publication_id: int, reason: str) -> int:
    """The post is gone from its platform (retracted): nothing more to read. Returns how many schedules stopped."""
    return MetricSchedule.objects.filter(publication_id=publication_id, state__in=(S.COLLECTING, S.RECONNECT)).update(
        state=S.DONE, claimed_until=None, last_error=reason[:1000]
    )


def due_schedules(now: dt.datetime) -> QuerySet[MetricSchedule]:
    """Collections due by `now` and not handed to a worker yet, the oldest first."""
    return (
        MetricSchedule.objects.filter(state=S.COLLECTING, due_at__lte=now)
        .exclude(claimed_until__gt=now)
        .order_by("due_at")
    )


def due_publications(now: dt.datetime, limit: int) -> list[int]:
    """The ids of up to `limit` publications whose collection is due by `now`."""
    return list(due_schedules(now).values_list("pk", flat=True)[:limit])


def claim_due(now: dt.datetime, limit: int) -> list[int]:
    """Claim up to `limit` due collections for CLAIM_LEASE, in one short transaction; their publications' ids."""
    with transaction.atomic():
        ids = list(due_schedules(now).select_for_update(skip_locked=True).values_list("pk", flat=True)[:limit])
        MetricSchedule.objects.filter(pk__in=ids).update(claimed_until=now + CLAIM_LEASE)
    return ids


def collect(publication_id: int) -> str | None:
    """Read one due post's counts from its platform and store them; what happened, or None if it was not due."""
    now = timezone.now()
    started = _start_call(publication_id, now)
    if not isinstance(started, MetricSchedule):
        return started
    publication = Publication.objects.select_related("account").get(pk=publication_id)
    adapter = adapter_for(publication.account.platform)
    try:
        counts = adapter.fetch_metrics(publication)
    except PublishError as error:
        return _failed(started, now, error)
    except (ValueError, KeyError, TypeError) as error:
        # An answer not shaped as documented (not JSON, a field missing): as good as a refusal, for this slot.
        logger.warning("publication %s: unreadable metrics answer: %r", publication_id, error)
        return _failed(started, now, Permanent(f"the platform's answer could not be read: {error!r}"))
    return _stored(started, now, publication, counts, canonical(adapter, counts))


def _start_call(publication_id: int, now: dt.datetime) -> MetricSchedule | str | None:
    """Stamp the call if it is due and the account's rate allows: the schedule; else "deferred", "reconnect" or None."""
    account_id = MetricSchedule.objects.filter(pk=publication_id).values_list("account_id", flat=True).first()
    if account_id is None:
        return None
    with transaction.atomic():
        # The account row first (as reconnecting locks it): metric calls of one account are counted one at a time.
        account = SocialAccount.objects.select_for_update().get(pk=account_id)
        schedule = (
            MetricSchedule.objects.select_for_update()
            .filter(pk=publication_id, state=S.COLLECTING, due_at__lte=now)
            .first()
        )
        if schedule is None:
            return None  # collected already, or being collected: a duplicate message
        if not account.is_active:
            _save(schedule, state=S.RECONNECT, claimed_until=None, last_error="The account is disconnected.")
            return S.RECONNECT
        recent = MetricSchedule.objects.filter(account_id=account_id, called_at__gt=now - RATE_WINDOW)
        if recent.count() >= calls_per_minute():
            frees_at = recent.aggregate(first=Min("called_at"))["first"] + RATE_WINDOW
            _save(schedule, due_at=frees_at, claimed_until=None)
            return "deferred"
        _save(schedule, called_at=now, due_at=now + CALL_LEASE, claimed_until=None)
    return schedule


def _stored(
    started: MetricSchedule, now: dt.datetime, publication: Publication, raw: dict[str, int],
    figures: dict[str, int | None],
) -> str | None:  # fmt: skip
    with transaction.atomic():
        schedule = _still_ours(started)
        if schedule is None:
            return None
        try:
            with transaction.atomic():
                Metric.objects.filter(publication=publication, is_latest=True).update(is_latest=False)
                Metric.objects.create(
                    publication=publication, slot=schedule.slot, collected_at=now, raw=raw, is_latest=True, **figures
                )
        except IntegrityError:
            logger.info("publication %s: slot %s was already collected", publication.pk, schedule.slot)
        following = next_slot(publication.published_at or now, schedule.slot, timezone.now())
        if following is None:
            _save(schedule, state=S.DONE, failures=0, last_error="")
            return S.DONE
        _save(schedule, slot=following[0], due_at=following[1], failures=0, last_error="")
    return "collected"


def _failed(started: MetricSchedule, now: dt.datetime, error: PublishError) -> str | None:
    message = str(error)[:1000]
    if isinstance(error, AuthFailed):
        return _wait_for_account(started, message)
    with transaction.atomic():
        schedule = _still_ours(started)
        if schedule is None:
            return None
        failures = schedule.failures + 1
        if failures >= MAX_FAILURES:
            _save(
                schedule, state=S.GAVE_UP, failures=failures, last_error=f"Gave up after {failures} failures: {message}"
            )
            return S.GAVE_UP
        # A lost reply is as good as a transient error here: a read changes nothing on the platform.
        if isinstance(error, Transient | UnknownOutcome):
            wait_s = max(getattr(error, "retry_after_s", None) or 0.0, backoff_s(failures))
            _save(schedule, due_at=now + dt.timedelta(seconds=wait_s), failures=failures, last_error=message)
            return "retrying"
        # Refused for good (the post is gone, or the platform will not count it): this slot's figures cannot be had.
        published_at = schedule.publication.published_at or now
        following = next_slot(published_at, schedule.slot, now)
        if following is None:
            _save(schedule, state=S.DONE, failures=failures, last_error=message)
            return S.DONE
        _save(schedule, slot=following[0], due_at=following[1], failures=failures, last_error=message)
    return "skipped"


def _wait_for_account(started: MetricSchedule, message: str) -> str | None:
    """The platform refused the account's credentials: all its collections wait until it is connected again."""
    with transaction.atomic():
        # The account row first, as in _start_call and reconnecting (connecting.save_connection): no lock cycle.
        account = SocialAccount.objects.select_for_update().get(pk=started.account_id)
        schedule = _still_ours(started)
        if schedule is None:
            return None
        if account.connected_at is not None and account.connected_at > started.called_at:
            # Reconnected while the call was under way: the refusal was about the credentials it replaced.
            _save(schedule, due_at=timezone.now(), last_error="")
            return "retrying"
        # Its other posts' collections would only be refused too, one call each.
        waiting = MetricSchedule.objects.filter(account_id=account.pk, state=S.COLLECTING)
        waiting.update(state=S.RECONNECT, claimed_until=None, last_error=f"Reconnect the account: {message}")
    return S.RECONNECT


def backoff_s(failures: int) -> float:
    """Exponential backoff with jitter, never sooner than a rate window."""
    return random.uniform(BACKOFF_MIN_S, max(BACKOFF_MIN_S, min(BACKOFF_MAX_S, BACKOFF_MIN_S * 2**failures)))


def _still_ours(started: MetricSchedule) -> MetricSchedule | None:
    """The schedule, locked, if no other worker took the slot over since our call started (its lease ran out)."""
    return (
        # Only the schedule's row is locked, never the publication's.
        MetricSchedule.objects.select_for_update(of=("self",))
        .select_related("publication")
        .filter(pk=started.pk, state=S.COLLECTING, slot=started.slot, called_at=started.called_at)
        .first()
    )


def _save(schedule: MetricSchedule, **fields: object) -> None:
    for name, value in fields.items():
        setattr(schedule, name, value)
    schedule.save(update_fields=list(fields))
