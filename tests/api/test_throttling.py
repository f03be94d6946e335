"""Each API token has its own request budget; beyond it, a 429 with Retry-After and the error body."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from django.conf import settings
from django.core.cache import cache

from api.throttling import TokenRateThrottle
from api.tokens import issue_token
from tests.api.conftest import client_with_token

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


@pytest.mark.skipif(not settings.PLANNER_CACHE_URL, reason="the cache is per process unless PLANNER_CACHE_URL is set")
def test_the_count_is_shared_with_other_processes_through_the_cache_url(world, tiny_rate):
    token, secret = issue_token(world.editor, "shared count")
    client = client_with_token(secret)
    for _ in range(RATE_PER_MINUTE):
        client.get("/api/items/")
    key = TokenRateThrottle.cache_format % {"scope": TokenRateThrottle.scope, "ident": f"token:{token.prefix}"}

    # Another web process (on another machine, say) reads the same budget.
    seen = subprocess.run(
        [sys.executable, "-c", f"import django; django.setup(); from django.core.cache import cache; print(len(cache.get({key!r}, [])))"],
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "planner.settings"}, capture_output=True, text=True, check=True,
    )  # fmt: skip

    assert seen.stdout.strip() == str(RATE_PER_MINUTE)
