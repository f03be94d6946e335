"""The base of every platform adapter: HTTP with explicit timeouts and one error model.

Every reply is mapped to one outcome the engine knows what to do with:
- `Transient`: not accepted, safe to retry later (connection refused, 5xx, 429 with its Retry-After);
- `Permanent`: refused for good (content rejected; `AuthFailed` when the token is revoked or expired);
- `UnknownOutcome`: the request may have been accepted (the reply was lost or timed out after
  sending): never retried blindly, reconciled with `find_existing` first.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar

import httpx
from django.conf import settings

if TYPE_CHECKING:
    from publishing.models import Publication

RETRY_AFTER_MAX_S = 3600.0


class PublishError(Exception):
    def __init__(self, message: str, *, status: int | None = None) -> None:
        super().__init__(message)
        self.status = status


class Transient(PublishError):
    def __init__(self, message: str, *, status: int | None = None, retry_after_s: float | None = None) -> None:
        super().__init__(message, status=status)
        self.retry_after_s = retry_after_s


class Permanent(PublishError):
    pass


class AuthFailed(Permanent):
    pass


class UnknownOutcome(PublishError):
    pass


def platform_timeout() -> httpx.Timeout:
    """Connecting is quick on a healthy platform; a reply may take longer (media processing)."""
    return httpx.Timeout(settings.PLANNER_PLATFORM_READ_TIMEOUT_S, connect=settings.PLANNER_PLATFORM_CONNECT_TIMEOUT_S)


# Keep-alive connections for every thread of a worker: a new client per send costs an SSL context
# (~20 ms of CPU) and a TCP handshake. Sized above the publish pool's threads (64 in the benchmarks).
CLIENT_LIMITS = httpx.Limits(max_connections=256, max_keepalive_connections=128)
_clients: dict[int, httpx.Client] = {}


def shared_client() -> httpx.Client:
    """This process's HTTP client (thread-safe); a forked child makes its own."""
    pid = os.getpid()
    if pid not in _clients:
        _clients[pid] = httpx.Client(timeout=platform_timeout(), limits=CLIENT_LIMITS)
    return _clients[pid]


@dataclass(frozen=True)
class Published:
    remote_id: str
    url: str


class Adapter:
    """One platform: its rules, how to publish, and how to find a post it may already have made."""

    platform: ClassVar[str]
    # True when the platform itself refuses to make a second post for the same idempotency key (or
    # record key): a post it confirms it does not have may then be sent again without doubling.
    idempotent_create: ClassVar[bool] = False

    def __init__(self, client: httpx.Client | None = None) -> None:
        self.client = client or shared_client()

    def publish(self, publication: Publication) -> Published:
        raise NotImplementedError

    def find_existing(self, publication: Publication) -> Published | None:
        """The post this publication already made, if the platform has it (for unknown outcomes)."""
        raise NotImplementedError

    def request(self, method: str, url: str, *, token: str, **kwargs: Any) -> httpx.Response:
        """Send one request and return a successful reply, or raise the error it means."""
        headers = {"Authorization": f"Bearer {token}", **kwargs.pop("headers", {})}
        try:
            response = self.client.request(method, url, headers=headers, **kwargs)
        except (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout) as error:
            # Nothing reached the platform: safe to try again.
            raise Transient(f"could not connect: {error}") from error
        except httpx.TransportError as error:
            # Sent, but no usable reply (read timeout, connection dropped): it may have been accepted.
            raise UnknownOutcome(f"no reply after sending: {error!r}") from error
        return self.check(response)

    def check(self, response: httpx.Response) -> httpx.Response:
        status = response.status_code
        if status < 400:
            return response
        detail = response.text[:300]
        if status == 429:
            raise Transient(f"rate limited: {detail}", status=status, retry_after_s=retry_after(response))
        if status in (401, 403):
            raise AuthFailed(f"the platform refused the account's credentials ({status}): {detail}", status=status)
        if status in (408, 502, 503, 504) or status >= 500:
            # A gateway timeout may hide an accepted post; the other 5xx mean it was not taken.
            if status == 504:
                raise UnknownOutcome(f"gateway timeout: {detail}", status=status)
            raise Transient(f"platform error {status}: {detail}", status=status, retry_after_s=retry_after(response))
        raise Permanent(f"the platform refused the post ({status}): {detail}", status=status)


def retry_after(response: httpx.Response) -> float | None:
    """Seconds to wait, from Retry-After (seconds form) or x-rate-limit-reset (epoch seconds)."""
    value = response.headers.get("Retry-After")
    if value and value.strip().isdigit():
        return min(float(value), RETRY_AFTER_MAX_S)
    reset = response.headers.get("x-rate-limit-reset")
    if reset and reset.strip().isdigit():
        import time

        return min(max(float(reset) - time.time(), 0.0), RETRY_AFTER_MAX_S)
    return None
