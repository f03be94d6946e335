"""HTTP clients whose connections reach public addresses only (SSRF), checked on the address actually connected.

A check of the URL before the request (planner/addresses.py `check_address`) leaves a gap: the name is
resolved again when connecting, and may then point elsewhere (DNS rebinding). Here the resolution and the
check happen inside the connection itself: httpcore asks its network backend for a TCP connection to
(host, port); `GuardedBackend` resolves the host once, refuses if any of its addresses is not public, and
connects to exactly those addresses (a host on the allow-list too, unchecked): the name is not looked up again
when the socket connects. TLS still verifies the certificate against the host name, sent as the server name.

A client can also be given a total deadline (`deadline_s`, counted from the client's making: one client per
request): every connect, TLS handshake, read and write then gets at most what is left of it, so a receiver that
answers a byte at a time, each within the read timeout, cannot hold a worker past it (webhooks do this).

Settings: PLANNER_BLOCK_PRIVATE_ADDRESSES (default: on when DEBUG is off) and PLANNER_OUTBOUND_ALLOWED_HOSTS
("host" for any port, or "host:port"; the sandbox is "127.0.0.1:8000"), read at each new connection.
An outgoing proxy (HTTPS_PROXY) is guarded as any other host: it must be allowed, and then filters itself.
"""

from __future__ import annotations

import math
import time
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
        """The addresses to connect to, all public unless the host is allowed; None: the guard is off, connect as
        usual. Raises AddressRefused."""
        if not self.enabled():
            return None
        addresses = resolve(host, port)
        if host_allowed(host, port, self.allowed()):
            return addresses
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


class Deadline:
    """A moment by which every socket operation of a request must be done (None: no deadline)."""

    def __init__(self, seconds: float | None) -> None:
        self.at = None if seconds is None else time.monotonic() + seconds

    def timeout(self, given: float | None, error: type[Exception]) -> float | None:
        """The timeout of the next socket operation: the one given, cut to what is left (none left: `error`)."""
        if self.at is None:
            return given
        left = self.at - time.monotonic()
        if left <= 0:
            raise error("The request's deadline has passed.")
        return min(given if given is not None else math.inf, left)


class DeadlineStream(httpcore.NetworkStream):
    """A connection whose every operation ends by the deadline."""

    def __init__(self, stream: httpcore.NetworkStream, deadline: Deadline) -> None:
        self.stream, self.deadline = stream, deadline

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return self.stream.read(max_bytes, self.deadline.timeout(timeout, httpcore.ReadTimeout))

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        # One send per call of the socket's: a slow reader cannot hold a long write past the deadline.
        view = memoryview(buffer)
        while view:
            chunk = view[:65536]
            self.stream.write(bytes(chunk), self.deadline.timeout(timeout, httpcore.WriteTimeout))
            view = view[len(chunk) :]

    def close(self) -> None:
        self.stream.close()

    def start_tls(
        self, ssl_context: typing.Any, server_hostname: str | None = None, timeout: float | None = None
    ) -> httpcore.NetworkStream:
        wrapped = self.stream.start_tls(
            ssl_context, server_hostname, self.deadline.timeout(timeout, httpcore.ConnectTimeout)
        )
        return DeadlineStream(wrapped, self.deadline)

    def get_extra_info(self, info: str) -> typing.Any:
        return self.stream.get_extra_info(info)


class GuardedBackend(httpcore.SyncBackend):
    """httpcore's socket backend, connecting only to the addresses the guard gives, within the deadline if any."""

    def __init__(self, guard: Guard, deadline: Deadline | None = None) -> None:
        self.guard, self.deadline = guard, deadline or Deadline(None)

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: typing.Iterable[typing.Any] | None = None,
    ) -> httpcore.NetworkStream:
        try:
            addresses = self.guard.addresses_for(host, port)
        except AddressRefused as refused:
            if refused.code != "unresolvable":
                raise
            # As a plain client would fail: a name that does not resolve (yet, again) is a connection error.
            raise httpcore.ConnectError(str(refused)) from refused
        *first, last = [host] if addresses is None else addresses
        for address in first:
            try:
                return self._connect(address, port, timeout, local_address, socket_options)
            except (httpcore.ConnectError, httpcore.ConnectTimeout):
                continue
        return self._connect(last, port, timeout, local_address, socket_options)

    def _connect(self, address: str, port: int, timeout: float | None, *args: typing.Any) -> httpcore.NetworkStream:
        stream = super().connect_tcp(address, port, self.deadline.timeout(timeout, httpcore.ConnectTimeout), *args)
        return stream if self.deadline.at is None else DeadlineStream(stream, self.deadline)

    def connect_unix_socket(
        self, path: str, timeout: float | None = None, socket_options: typing.Iterable[typing.Any] | None = None
    ) -> httpcore.NetworkStream:
        raise httpcore.ConnectError("A guarded client connects over TCP only.")


def guard_transport(transport: httpx.BaseTransport, guard: Guard, deadline: Deadline | None = None) -> None:
    """Make an httpx transport connect through the guard (its connection pool's network backend)."""
    pool = getattr(transport, "_pool", None)
    if pool is None or not hasattr(pool, "_network_backend"):
        raise TypeError(f"{type(transport).__name__} has no httpcore pool to guard")
    pool._network_backend = GuardedBackend(guard, deadline)


def guarded_client(
    guard: Guard | None = None,
    client_class: type[httpx.Client] = httpx.Client,
    deadline_s: float | None = None,
    **kwargs: typing.Any,
):
    """An httpx client (of `client_class`) all of whose connections, to a proxy of the environment's included,
    go through the guard; with `deadline_s`, all its requests end by that many seconds from now."""
    guard = guard or settings_guard()
    deadline = Deadline(deadline_s)
    client = client_class(**kwargs)
    guard_transport(client._transport, guard, deadline)
    for mounted in client._mounts.values():
        if mounted is not None:
            guard_transport(mounted, guard, deadline)
    return client
