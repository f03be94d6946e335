"""HTTP clients whose connections reach public addresses only (SSRF), checked on the address actually connected.

A check of the URL before the request (planner/addresses.py `check_address`) leaves a gap: the name is
resolved again when connecting, and may then point elsewhere (DNS rebinding). Here the resolution and the
check happen inside the connection itself: httpcore asks its network backend for a TCP connection to
(host, port); `GuardedBackend` resolves the host once, refuses if any of its addresses is not public, and
connects to exactly those addresses. TLS still verifies the certificate against the host name.

Settings: PLANNER_BLOCK_PRIVATE_ADDRESSES (default: on when DEBUG is off) and PLANNER_OUTBOUND_ALLOWED_HOSTS
("host" for any port, or "host:port"; the sandbox is "127.0.0.1:8000"), read at each new connection.
An outgoing proxy (HTTPS_PROXY) is guarded as any other host: it must be allowed, and then filters itself.
"""

from __future__ import annotations

import typing
from collections.abc import Callable, Collection

import httpcore
import httpx
from django.conf import settings

from planner.addresses import AddressRefused, is_public_address, resolve


def host_allowed(host: str, port: int, allowed: Collection[str]) -> bool:
    """Whether (host, port) is on an allow-list of "host" and "host:port" entries ("[::1]:8000" for IPv6)."""
    host = host.strip("[]").lower()
    for entry in allowed:
        entry = entry.strip().lower()
        if entry.startswith("["):
            name, _, rest = entry[1:].partition("]")
            entry_port = rest.removeprefix(":")
        elif entry.count(":") == 1:
            name, _, entry_port = entry.partition(":")
        else:
            name, entry_port = entry, ""
        if name == host and entry_port in ("", str(port)):
            return True
    return False


class Guard:
    """Whether to check a connection, and which (host, port) pairs skip the check; both read at each connection."""

    def __init__(self, enabled: Callable[[], bool], allowed: Callable[[], Collection[str]]) -> None:
        self.enabled, self.allowed = enabled, allowed

    def addresses_for(self, host: str, port: int) -> list[str] | None:
        """The addresses to connect to, all public; None: connect as usual. Raises AddressRefused."""
        if not self.enabled() or host_allowed(host, port, self.allowed()):
            return None
        addresses = resolve(host, port)
        if refused := [address for address in addresses if not is_public_address(address)]:
            raise AddressRefused(
                f"refused to connect to {host}:{port}: {refused[0]} is not a public address (loopback, private, "
                "link-local or reserved); PLANNER_OUTBOUND_ALLOWED_HOSTS lists the hosts that may be",
                "not_public",
            )
        return addresses


def settings_guard() -> Guard:
    """The guard of the platforms' API calls and of URL fetches: as the settings say."""
    return Guard(lambda: settings.PLANNER_BLOCK_PRIVATE_ADDRESSES, lambda: settings.PLANNER_OUTBOUND_ALLOWED_HOSTS)


class GuardedBackend(httpcore.SyncBackend):
    """httpcore's socket backend, connecting only to the addresses the guard gives."""

    def __init__(self, guard: Guard) -> None:
        self.guard = guard

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: typing.Iterable[typing.Any] | None = None,
    ) -> httpcore.NetworkStream:
        addresses = self.guard.addresses_for(host, port)
        if addresses is None:
            return super().connect_tcp(host, port, timeout, local_address, socket_options)
        for address in addresses[:-1]:
            try:
                return super().connect_tcp(address, port, timeout, local_address, socket_options)
            except (httpcore.ConnectError, httpcore.ConnectTimeout):
                continue
        return super().connect_tcp(addresses[-1], port, timeout, local_address, socket_options)


def guard_transport(transport: httpx.BaseTransport, guard: Guard) -> None:
    """Make an httpx transport connect through the guard (its connection pool's network backend)."""
    pool = getattr(transport, "_pool", None)
    if pool is None or not hasattr(pool, "_network_backend"):
        raise TypeError(f"{type(transport).__name__} has no httpcore pool to guard")
    pool._network_backend = GuardedBackend(guard)


def guarded_client(guard: Guard | None = None, client_class: type[httpx.Client] = httpx.Client, **kwargs: typing.Any):
    """An httpx client (of `client_class`) all of whose connections, to a proxy of the environment's included,
    go through the guard."""
    guard = guard or settings_guard()
    client = client_class(**kwargs)
    guard_transport(client._transport, guard)
    for mounted in client._mounts.values():
        if mounted is not None:
            guard_transport(mounted, guard)
    return client
