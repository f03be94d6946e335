"""Each API token has its own request budget; beyond it, a 429 with Retry-After and the error body."""

from __future__ import annotations

import pytest
from django.core.cache import cache

RATE_PER_MINUTE = 3


@pytest.fixture
def tiny_rate(settings):
    settings.PLANNER_API_RATE = f"{RATE_PER_MINUTE}/min"
    cache.clear()
    yield
    cache.clear()


def test_a_token_over_its_rate_gets_429_with_retry_after_and_the_error_body(world, api_as, tiny_rate):
    client = api_as("editor")
    for _ in range(RATE_PER_MINUTE):
        assert client.get("/api/items/").status_code == 200

    response = client.get("/api/items/")

    assert response.status_code == 429
    assert 0 < int(response["Retry-After"]) <= 60
    [error] = response.json()["errors"]
    assert error["field"] is None and error["code"] == "throttled"
    assert "throttled" in error["message"].lower()


def test_another_token_of_the_same_person_is_counted_apart(world, api_as, tiny_rate):
    first, second = api_as("editor"), api_as("editor")
    for _ in range(RATE_PER_MINUTE + 1):
        first.get("/api/items/")

    assert first.get("/api/items/").status_code == 429
    assert second.get("/api/items/").status_code == 200


def test_a_signed_in_user_is_counted_by_user(world, tiny_rate, client):
    client.force_login(world.editor)
    for _ in range(RATE_PER_MINUTE):
        assert client.get("/api/items/").status_code == 200

    assert client.get("/api/items/").status_code == 429
