"""Per-account posting limits shared through Redis: a burst is spread out, not refused by the platform."""

from __future__ import annotations

import uuid

import pytest
from django.conf import settings
from django.utils import timezone

from publishing import rate_limits, scheduling
from publishing.models import Publication
from publishing.sending import send
from tests import builders

pytestmark = pytest.mark.skipif(
    not settings.RATE_LIMIT_REDIS_URL, reason="rate limits live in Redis: run with CELERY_BROKER_URL=redis://…"
)


@pytest.fixture
def tight_limit(settings: object) -> str:
    platform = "mastodon"
    settings.PLANNER_RATE_LIMITS = {platform: {"per_minute": 6.0, "burst": 2.0}}
    return platform


def test_a_burst_beyond_the_bucket_must_wait_and_is_told_how_long(tight_limit):
    account = int(uuid.uuid4().int % 10**9)  # a fresh bucket

    waits = [rate_limits.acquire(tight_limit, account) for _ in range(3)]

    assert waits[:2] == [0.0, 0.0]
    assert 9.0 <= waits[2] <= 10.0  # one token every 10 s at 6 a minute


def test_accounts_have_separate_buckets(tight_limit):
    first, second = (int(uuid.uuid4().int % 10**9) for _ in range(2))
    for _ in range(2):
        rate_limits.acquire(tight_limit, first)

    assert rate_limits.acquire(tight_limit, second) == 0.0


def test_a_publication_over_the_limit_is_deferred_without_counting_an_attempt(world, tight_limit):
    for _ in range(2):
        rate_limits.acquire(tight_limit, world.account.pk)
    rate_limits.acquire(tight_limit, world.account.pk)  # whatever earlier runs left, the bucket is now empty
    publication = builders.make_publication(world.variant, world.account, state=Publication.State.QUEUED,
                                            scheduled_at=timezone.now())  # fmt: skip

    assert send(publication.pk) == Publication.State.RETRYING

    publication.refresh_from_db()
    assert publication.attempts == 0
    assert publication.next_attempt_at > timezone.now()
    assert publication.last_error == "Waiting for the account's posting rate."
    assert scheduling.claim_due(timezone.now(), 10) == ([], [])  # not due again before its time
