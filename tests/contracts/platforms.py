"""One platform dialect of the live sandbox, with the ministry's account on it and every call checked by a contract.

The fixture `platform_sandbox` opens it (tests/publishing and tests/contracts both use it): the account points to
`/sandbox/<platform>/`, its token endpoint there too, and the adapter's HTTP client is the contract's, whose
problems fail the test at its end. `fault`, `calls` and `publish` are what the adapter tests do with it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any, Protocol
from urllib.parse import urlsplit

import httpx
import pytest

from publishing.adapters.base import Adapter, Published
from publishing.models import Publication
from tests import builders, processes


class Contract(Protocol):
    problems: list[str]
    calls: list[tuple[str, str, int]]

    def client(self, **kwargs: Any) -> httpx.Client: ...


@pytest.fixture
def platform_sandbox(world, live_server, transactional_db) -> Iterator[Callable[..., Any]]:
    """Open the ministry's account on a platform of the live sandbox; its adapter's every call checked."""
    contracts: list[Contract] = []

    def open_platform(platform: str, adapter: type[Adapter], contract: Contract, *, handle: str,
                      credentials: dict[str, str]) -> Any:  # fmt: skip
        world.sandbox, world.contract = f"{live_server.url}/sandbox/{platform}/", contract
        world.token = credentials["access_token"]
        world.account = builders.make_account(
            world.ministry, platform=platform, handle=handle, api_base_url=world.sandbox,
            credentials={**credentials, "token_uri": f"{world.sandbox}oauth/token"},
        )  # fmt: skip
        world.adapter = adapter(contract.client(timeout=5.0))
        contracts.append(contract)
        return world

    yield open_platform
    processes.wait_for_other_sessions()
    for contract in contracts:
        assert contract.problems == [], "\n".join(contract.problems)


def fault(world: Any, kind: str, token: str | None = None, **fields: object) -> None:
    """Queue a sandbox fault for the account of `token` (the ministry's by default)."""
    response = httpx.post(
        world.sandbox + "faults", json={"kind": kind, **fields},
        headers={"Authorization": f"Bearer {token or world.token}"},
    )  # fmt: skip
    assert response.status_code == 201, response.text


def calls(world: Any) -> list[str]:
    """The adapter's calls so far, as "METHOD path status" with the path under the dialect's root."""
    root = urlsplit(world.sandbox).path
    return [f"{method} {path.removeprefix(root)} {status}" for method, path, status in world.contract.calls]


def publish(world: Any) -> Published:
    """Publish the world's publication, read afresh, with the world's adapter."""
    return world.adapter.publish(Publication.objects.get(pk=world.publication.pk))
