"""Faults on demand: each kind answers as a platform in trouble would, for `remaining` requests."""

from __future__ import annotations

import time

import pytest

from publishing.sandbox.models import SandboxFault, SandboxPost


def remaining(kind: str) -> int | None:
    return SandboxFault.objects.get(kind=kind).remaining


@pytest.mark.parametrize(
    ("kind", "status", "error"),
    [
        ("rate_limit", 429, "rate_limited"),
        ("server_error", 500, "internal_error"),
        ("unauthorized", 401, "token revoked"),
        ("reject", 422, "content_rejected"),
    ],
)
def test_a_fault_answers_its_error_for_its_remaining_requests_then_stops(sandbox, kind, status, error):
    sandbox.add_fault(kind, remaining=2)

    first = sandbox.publish(key="key-1")
    assert remaining(kind) == 1
    second = sandbox.publish(key="key-1")
    assert remaining(kind) == 0
    third = sandbox.publish(key="key-1")

    assert [first.status_code, second.status_code, third.status_code] == [status, status, 201]
    assert first.json()["error"] == error
    assert SandboxPost.objects.count() == 1


def test_a_rate_limit_says_when_to_come_back(sandbox):
    sandbox.add_fault("rate_limit", remaining=1, retry_after_s=30)

    response = sandbox.publish()

    assert response.status_code == 429
    assert response.headers["Retry-After"] == "30"
    assert 29 <= int(response.headers["x-rate-limit-reset"]) - time.time() <= 31
    assert response.json() == {"error": "rate_limited", "retry_after": 30}


def test_a_fault_without_remaining_lasts_until_removed(sandbox):
    sandbox.add_fault("server_error")

    statuses = [sandbox.publish().status_code for _ in range(3)]
    assert remaining("server_error") is None
    cleared = sandbox.delete("faults")

    assert statuses == [500, 500, 500]
    assert cleared.status_code == 204
    assert not SandboxFault.objects.exists()
    assert sandbox.publish().status_code == 201


def test_latency_delays_the_answer_and_then_posts(sandbox):
    sandbox.add_fault("latency", remaining=1, latency_ms=150)

    started = time.monotonic()
    response = sandbox.publish()

    assert time.monotonic() - started >= 0.15
    assert response.status_code == 201
    assert remaining("latency") == 0


def test_a_timeout_holds_the_request_then_answers_504_without_storing(sandbox):
    sandbox.add_fault("timeout", remaining=1)

    started = time.monotonic()
    response = sandbox.publish(key="key-1")

    assert time.monotonic() - started >= 0.2  # SANDBOX_TIMEOUT_SLEEP_S in these tests
    assert response.status_code == 504
    assert remaining("timeout") == 0
    assert sandbox.get("posts", idempotency_key="key-1").json()["results"] == []
    assert sandbox.publish(key="key-1").status_code == 201


def test_a_dropped_reply_still_stores_the_post_for_the_client_to_find(sandbox):
    sandbox.add_fault("drop_reply", remaining=1)

    started = time.monotonic()
    response = sandbox.publish(key="key-1")

    assert time.monotonic() - started >= 0.2
    assert response.status_code == 504
    assert remaining("drop_reply") == 0
    found = sandbox.get("posts", idempotency_key="key-1").json()["results"]
    assert [p["id"] for p in found] == [SandboxPost.objects.get().remote_id]
    retry = sandbox.publish(key="key-1")
    assert (retry.status_code, retry.json()["id"]) == (200, found[0]["id"])
    assert SandboxPost.objects.count() == 1


def test_faults_are_taken_in_the_order_they_were_added(sandbox):
    sandbox.add_fault("rate_limit", remaining=1, retry_after_s=1)
    sandbox.add_fault("server_error", remaining=1)

    statuses = [sandbox.publish(key="key-1").status_code for _ in range(3)]

    assert statuses == [429, 500, 201]


def test_a_fault_for_creating_leaves_lookups_alone(sandbox):
    post_id = sandbox.publish(key="key-1").json()["id"]
    sandbox.add_fault("server_error", remaining=1)

    assert sandbox.get("posts", idempotency_key="key-1").status_code == 200
    assert sandbox.get(f"posts/{post_id}/metrics").status_code == 200
    assert remaining("server_error") == 1


def test_a_fault_for_all_endpoints_reaches_lookups_and_metrics(sandbox):
    post_id = sandbox.publish(key="key-1").json()["id"]
    sandbox.add_fault("rate_limit", remaining=2, applies_to="all")

    assert sandbox.get("posts", idempotency_key="key-1").status_code == 429
    assert sandbox.get(f"posts/{post_id}/metrics").status_code == 429
    assert sandbox.get(f"posts/{post_id}/metrics").status_code == 200


def test_faults_are_per_account(sandbox, sandbox_for):
    sandbox.add_fault("server_error")

    assert sandbox_for(token="token-of-the-clinic").publish().status_code == 201
    assert sandbox_for("x").publish().status_code == 201


def test_the_active_faults_are_listed(sandbox):
    sandbox.add_fault("rate_limit", remaining=1, retry_after_s=5)
    sandbox.add_fault("latency", latency_ms=10)
    sandbox.publish()

    listed = sandbox.get("faults").json()["results"]

    assert [(f["kind"], f["remaining"], f["latency_ms"]) for f in listed] == [("latency", None, 10)]


@pytest.mark.parametrize(
    "body",
    [
        {"kind": "meteor"},
        {"kind": "server_error", "remaining": 0},
        {"kind": "server_error", "remaining": "2"},
        {"kind": "latency", "latency_ms": -5},
        {"kind": "reject", "applies_to": "all"},
        {"kind": "reject", "applies_to": "token"},
        {"kind": "drop_reply", "applies_to": "media"},
        {"kind": "server_error", "applies_to": "everything"},
    ],
)
def test_a_malformed_fault_is_refused(sandbox, body):
    response = sandbox.client.post(
        sandbox.base + "faults", body, content_type="application/json", headers=sandbox.headers
    )

    assert response.status_code == 400
    assert not SandboxFault.objects.exists()


def test_the_faults_endpoint_needs_the_token_too(sandbox):
    response = sandbox.client.post(sandbox.base + "faults", {"kind": "server_error"}, content_type="application/json")

    assert response.status_code == 401
