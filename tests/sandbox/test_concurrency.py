"""Two requests at the same moment: one post per idempotency key, one use of the last fault."""

from __future__ import annotations

import pytest

from publishing.sandbox.models import SandboxAccount, SandboxFault, SandboxPost
from tests.concurrency import race


@pytest.mark.parametrize("attempt", range(3))
def test_two_requests_with_the_same_key_at_once_create_one_post(transactional_db, sandbox_for, attempt):
    first, second = sandbox_for(), sandbox_for()

    outcomes = race(lambda: first.publish(key="key-1"), lambda: second.publish(key="key-1"))

    assert sorted(o.status_code for o in outcomes) == [200, 201], outcomes
    assert outcomes[0].json()["id"] == outcomes[1].json()["id"]
    assert SandboxPost.objects.count() == 1
    assert SandboxAccount.objects.count() == 1


def test_two_requests_at_once_take_the_last_use_of_a_fault_once(transactional_db, sandbox_for):
    sandbox_for().add_fault("server_error", remaining=1)
    first, second = sandbox_for(), sandbox_for()

    outcomes = race(lambda: first.publish(key="key-1"), lambda: second.publish(key="key-2"))

    assert sorted(o.status_code for o in outcomes) == [201, 500], outcomes
    assert SandboxFault.objects.get().remaining == 0
    assert SandboxPost.objects.count() == 1
