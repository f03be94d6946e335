"""Audit fixtures: signed-in web clients and API clients for the personas of `tests/conftest.py`."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client
from rest_framework.test import APIClient

from api.tokens import issue_token
from audit.models import Event


@pytest.fixture
def web_as(world) -> Callable[[str], Client]:
    """`web_as("editor")`: a browser session of that persona."""

    def make(persona: str) -> Client:
        client = Client()
        client.force_login(getattr(world, persona))
        return client

    return make


@pytest.fixture
def api_as(world) -> Callable[[str], APIClient]:
    """`api_as("editor")`: an API client with a fresh token of that persona."""

    def make(persona: str) -> APIClient:
        _, secret = issue_token(getattr(world, persona), f"{persona}'s audit test token")
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Token {secret}")
        return client

    return make


def trail(action: str) -> list[tuple[str, str, str]]:
    """The events of one action as (actor, object type, object id), oldest first."""
    return list(
        Event.objects.filter(action=action).order_by("at", "pk").values_list("actor_name", "object_type", "object_id")
    )
