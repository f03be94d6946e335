"""A burst of 1,000 due publications through a real worker while the platform misbehaves.

From the sandbox's own record: every publication that should go out went out exactly once, and
nothing else did. One account is rate limited (429 with Retry-After), one answers 500 once, one has
its token revoked (it fails cleanly: one attempt each, no retry storm), one drops replies after
accepting posts (unknown outcomes, reconciled by idempotency key).
"""

from __future__ import annotations

import time

import httpx
import pytest
from django.db.models import Count

from publishing.dispatcher import dispatch_due
from publishing.models import Publication, SocialAccount
from publishing.sandbox.models import SandboxPost
from tests.faults.engine import BURST, SETTLE_WITHIN_S, burst

pytestmark = [pytest.mark.worker, pytest.mark.usefixtures("celery_worker_process")]
P = Publication.State
SETTLED = (P.PUBLISHED, P.FAILED, P.UNCONFIRMED, P.EXPIRED, P.CANCELLED)


@pytest.fixture(autouse=True)
def quick_platform_faults(settings: object) -> None:
    settings.SANDBOX_TIMEOUT_SLEEP_S = 0.3


def add_fault(base: str, token: str, kind: str, **fields: object) -> None:
    response = httpx.post(base + "faults", json={"kind": kind, **fields}, headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 201, response.text


def test_a_burst_with_faulty_accounts_posts_each_publication_exactly_once(world, live_server, transactional_db):
    base = f"{live_server.url}/sandbox/mastodon/"
    names = ["rate_limited", "flaky", "revoked", "drops_replies"]
    accounts = dict(zip(names, burst(world, base, accounts=4), strict=True))  # publication i on account i % 4
    token = {name: account.credentials["access_token"] for name, account in accounts.items()}
    add_fault(base, token["rate_limited"], "rate_limit", remaining=3, retry_after_s=1)
    add_fault(base, token["flaky"], "server_error", remaining=5)
    add_fault(base, token["revoked"], "unauthorized")
    add_fault(base, token["drops_replies"], "drop_reply", remaining=20)

    deadline = time.monotonic() + SETTLE_WITHIN_S
    while time.monotonic() < deadline and Publication.objects.exclude(state__in=SETTLED).exists():
        dispatch_due()
        time.sleep(0.2)

    states = dict(
        Publication.objects.values("account__handle").annotate(n=Count("pk")).values_list("account__handle", "n")
    )
    assert not Publication.objects.exclude(state__in=SETTLED).exists(), states
    for name in ("rate_limited", "flaky", "drops_replies"):
        account = accounts[name]
        assert Publication.objects.filter(account=account, state=P.PUBLISHED).count() == BURST // 4, name
    revoked = Publication.objects.filter(account=accounts["revoked"])
    assert set(revoked.values_list("state", flat=True)) == {P.FAILED}
    assert set(revoked.values_list("attempts", flat=True)) == {1}  # no retry storm
    # The platform's own record: one post per publication that went out, and nothing else.
    posts = SandboxPost.objects.filter(deleted_at__isnull=True)
    assert posts.count() == 3 * BURST // 4
    assert posts.values("idempotency_key").distinct().count() == posts.count()
    published = Publication.objects.filter(state=P.PUBLISHED)
    assert set(published.values_list("remote_id", flat=True)) == set(posts.values_list("remote_id", flat=True))
    assert not SocialAccount.objects.filter(pk=accounts["revoked"].pk, publications__state=P.PUBLISHED).exists()
