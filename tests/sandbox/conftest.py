"""A client that speaks the sandbox dialect as an adapter would: bearer token, JSON bodies."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from django.http.response import HttpResponseBase as Response
from django.test import Client

MINISTRY_TOKEN = "token-of-the-ministry"


class SandboxClient:
    """One account (a token) on one platform of the sandbox."""

    def __init__(self, platform: str = "mastodon", token: str = MINISTRY_TOKEN) -> None:
        self.client = Client()
        self.base = f"/sandbox/{platform}/"
        self.headers = {"Authorization": f"Bearer {token}"}

    def publish(self, text: str = "Get your flu jab this week.", key: str | None = None, **fields: Any) -> Response:
        headers = self.headers | ({"Idempotency-Key": key} if key else {})
        return self.client.post(
            self.base + "posts", json.dumps({"text": text, **fields}), content_type="application/json", headers=headers
        )

    def get(self, path: str, **params: str) -> Response:
        return self.client.get(self.base + path, params, headers=self.headers)

    def delete(self, path: str) -> Response:
        return self.client.delete(self.base + path, headers=self.headers)

    def add_fault(self, kind: str, **fields: Any) -> Response:
        response = self.client.post(
            self.base + "faults", json.dumps({"kind": kind, **fields}), content_type="application/json",
            headers=self.headers,
        )  # fmt: skip
        assert response.status_code == 201, response.content
        return response


@pytest.fixture
def sandbox_for(db: None) -> Callable[..., SandboxClient]:
    return SandboxClient


@pytest.fixture
def sandbox(sandbox_for: Callable[..., SandboxClient]) -> SandboxClient:
    """The ministry's Mastodon account on the sandbox."""
    return sandbox_for()


@pytest.fixture(autouse=True)
def short_timeouts(settings: Any) -> None:
    """The `timeout` and `drop_reply` faults hold a request for a fifth of a second, not 35 s."""
    settings.SANDBOX_TIMEOUT_SLEEP_S = 0.2
