"""Where the app may send a request that someone else's URL asked for: only to public addresses.

A URL given by a user (a link to read for a card, a webhook to call) must not reach loopback or a private
network, where our own services listen, unless its host is on an allow-list the caller was given (a test's
receiver, a known internal host).

Checking a name and then letting the HTTP client resolve it again is not enough: the name can point to a public
address for the check and to a private one a moment later (DNS rebinding). So a request is made in two steps:

    address = address_to_connect(url, allowed_hosts)          # resolved once, checked
    with httpx.Client(transport=pinned_transport(address, deadline_s=10)) as client:
        client.post(url, ...)                                 # connects to `address` only

The URL is left as it is, so the Host header, the TLS server name (SNI) and the certificate checked are the
name's, while the connection goes to the address that was checked. The transport also holds the request to a
total deadline: a receiver that answers a byte at a time cannot keep a worker past it.

- `resolve(host, port)`: the addresses a name has now;
- `is_public(address)`: whether an address is on the public internet;
- `address_to_connect(url, allowed_hosts, schemes)`: the one address to connect to, or `AddressRefused`;
- `pinned_transport(address, deadline_s)`: an httpx transport that connects only there, within the deadline;
- `check_address(url, allowed_hosts, schemes)`: the check alone (an allowed host is then not resolved).
"""

from __future__ import annotations

import ipaddress
import math
import socket
import time
from collections.abc import Collection, Iterable
from typing import Any
from urllib.parse import urlsplit

import httpcore
import httpx


class AddressRefused(ValueError):
    """The URL's scheme is not allowed, or its host cannot be resolved or resolves to a non-public address."""

    def __init__(self, message: str, code: str) -> None:
        super().__init__(message)
        self.code = code


def resolve(host: str, port: int) -> list[str]:
    """The addresses `host` resolves to now, in the resolver's order (an IP address: itself)."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError) as error:
        raise AddressRefused(f"{host} cannot be resolved: {error}", "unresolvable") from error
    return list(dict.fromkeys(str(info[4][0]) for info in infos))


def is_public(address: str) -> bool:
    """Whether `address` (IPv4 or IPv6, a zone index allowed) is a global one: not loopback, private, link-local,
    shared, reserved or documentation; an IPv4 address mapped into IPv6 is judged as itself."""
    ip = ipaddress.ip_address(address.split("%")[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return ip.is_global


def address_to_connect(
    url: str, allowed_hosts: Collection[str] = (), schemes: Collection[str] = ("http", "https")
) -> str:
    """The address to connect to for `url`: its host resolved once and, unless the host is in `allowed_hosts`,
    refused when any of its addresses is not public. A host in `allowed_hosts` may also be reached over http."""
    host, port = _host_and_port(url, allowed_hosts, schemes)
    found = resolve(host, port)
    if host not in allowed_hosts and (private := [a for a in found if not is_public(a)]):
        raise AddressRefused(f"{host} resolves to an address that is not public ({private[0]})", "not_public")
    return found[0]


def check_address(url: str, allowed_hosts: Collection[str] = (), schemes: Collection[str] = ("http", "https")) -> None:
    """Refuse a URL whose scheme is not in `schemes`, or whose host resolves to an address that is not public.

    A host in `allowed_hosts` is not resolved, and may also be reached over plain http. To then make the
    request, use `address_to_connect` and `pinned_transport`: a check alone can be fooled by DNS rebinding.
    """
    host, _ = _host_and_port(url, allowed_hosts, schemes)
    if host not in allowed_hosts:
        address_to_connect(url, allowed_hosts, schemes)


def pinned_transport(address: str, deadline_s: float | None = None, verify: Any = True) -> httpx.HTTPTransport:
    """An httpx transport whose every connection goes to `address` (whatever the URL's host resolves to), and
    whose requests fail with a timeout once `deadline_s` seconds have passed since the transport was made.

    One transport per request: the deadline starts now. A client given it uses no proxy from the environment
    (a proxy would connect wherever the name points to it). `verify` is httpx's (a test's own certificate
    authority); `SSL_CERT_FILE` is honoured as httpx honours it.
    """
    transport = httpx.HTTPTransport(verify=verify)
    backend = _PinnedBackend(address, None if deadline_s is None else time.monotonic() + deadline_s)
    # httpx takes no network backend: its pool is made again with ours, with the same TLS settings.
    transport._pool = httpcore.ConnectionPool(ssl_context=transport._pool._ssl_context, network_backend=backend)
    return transport


def _host_and_port(url: str, allowed_hosts: Collection[str], schemes: Collection[str]) -> tuple[str, int]:
    parts = urlsplit(url)
    allowed = {*schemes, *(("http", "https") if parts.hostname in allowed_hosts else ())}
    if not parts.hostname or parts.scheme not in allowed:
        raise AddressRefused(f"{url}: only {' and '.join(sorted(schemes))} addresses are allowed", "scheme_not_allowed")
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError as error:
        raise AddressRefused(f"{url}: {error}", "scheme_not_allowed") from error
    return parts.hostname, port


class _Deadline:
    def __init__(self, at: float | None) -> None:
        self.at = at

    def timeout(self, given: float | None, error: type[Exception]) -> float | None:
        """The timeout of the next socket operation: the one given, cut to what is left (none left: `error`)."""
        if self.at is None:
            return given
        left = self.at - time.monotonic()
        if left <= 0:
            raise error("The request's deadline has passed.")
        return min(given if given is not None else math.inf, left)


class _DeadlineStream(httpcore.NetworkStream):
    def __init__(self, stream: httpcore.NetworkStream, deadline: _Deadline) -> None:
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

    def start_tls(self, ssl_context: Any, server_hostname: str | None = None, timeout: float | None = None) -> Any:
        wrapped = self.stream.start_tls(
            ssl_context, server_hostname, self.deadline.timeout(timeout, httpcore.ConnectTimeout)
        )
        return _DeadlineStream(wrapped, self.deadline)

    def get_extra_info(self, info: str) -> Any:
        return self.stream.get_extra_info(info)


class _PinnedBackend(httpcore.NetworkBackend):
    def __init__(self, address: str, deadline_at: float | None) -> None:
        self.address, self.deadline = address, _Deadline(deadline_at)
        self.backend = httpcore.SyncBackend()

    def connect_tcp(
        self, host: str, port: int, timeout: float | None = None, local_address: str | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.NetworkStream:  # fmt: skip
        stream = self.backend.connect_tcp(
            self.address, port, self.deadline.timeout(timeout, httpcore.ConnectTimeout), local_address, socket_options
        )
        return _DeadlineStream(stream, self.deadline)

    def connect_unix_socket(self, path: str, timeout: float | None = None, socket_options: Any = None) -> Any:
        raise httpcore.ConnectError("Only the checked address is connected to.")

    def sleep(self, seconds: float) -> None:
        self.backend.sleep(seconds)
