"""A client that speaks the sandbox dialect as an adapter would: bearer token, JSON bodies, uploads, refreshes."""

from __future__ import annotations

import io
import json
from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http.response import HttpResponseBase as Response
from django.test import Client
from PIL import Image

MINISTRY_TOKEN = "token-of-the-ministry"
FORM = "application/x-www-form-urlencoded"


def image_bytes(width: int = 1080, height: int = 1350, image_format: str = "PNG") -> bytes:
    """A small real image file of that size."""
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), (200, 30, 60)).save(buffer, image_format)
    return buffer.getvalue()


def animated_gif_bytes() -> bytes:
    frames = [Image.new("RGB", (40, 30), colour) for colour in ((255, 0, 0), (0, 255, 0), (0, 0, 255))]
    buffer = io.BytesIO()
    frames[0].save(buffer, "GIF", save_all=True, append_images=frames[1:], duration=100, loop=0)
    return buffer.getvalue()


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

    def upload(
        self, content: bytes | None = None, name: str = "card.png", description: str | None = None, **form: str
    ) -> Response:
        """POST media: the file as the `file` part (an image by default), the alt text as `description`."""
        data = dict(form) | ({"description": description} if description is not None else {})
        file = SimpleUploadedFile(name, image_bytes() if content is None else content, "application/octet-stream")
        return self.client.post(self.base + "media", data | {"file": file}, headers=self.headers)

    def refresh(self, refresh_token: str, **form: str) -> Response:
        """POST oauth/token with the refresh grant, form-encoded and without a bearer token."""
        data = {"grant_type": "refresh_token", "refresh_token": refresh_token} | form
        return self.client.post(self.base + "oauth/token", urlencode(data), content_type=FORM)

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
