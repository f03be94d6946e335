"""Where the app may send a request that someone else's URL asked for: only to public addresses.

A URL given by a user (a link to read for a card, a webhook to call) must not reach loopback or a private
network, where our own services listen, unless its host is on an allow-list the caller was given (a test's
receiver, a known internal host).

- `is_public_address(ip)`: whether an address is on the public internet (the one predicate of the project);
- `resolve(host, port)`: the addresses a name has now;
- `check_address(url, allowed_hosts, schemes)`: refuse a URL early, with a clear message and a code (a form's
  or the API's field error, a webhook attempt not made).

A check before the request is not enough on its own: the name can point to a public address for the check and
to a private one a moment later (DNS rebinding). The outbound clients (planner/outbound.py) therefore resolve
the name once inside the connection, check those addresses, and connect to exactly them.
"""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Collection
from urllib.parse import urlsplit

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
# Shared address space of carrier-grade NAT (RFC 6598): not routed on the internet, often an operator's network.
CGNAT = ipaddress.ip_network("100.64.0.0/10")


class AddressRefused(ValueError):
    """The URL's scheme is not allowed, or its host cannot be resolved or resolves to a non-public address."""

    def __init__(self, message: str, code: str = "not_public") -> None:
        super().__init__(message)
        self.code = code


def is_public_address(ip: str | IPAddress) -> bool:
    """Whether `ip` is on the public internet: not private, loopback, link-local, CGNAT, multicast, reserved,
    documentation or unspecified, for IPv4 and IPv6 alike (a zone index allowed); an IPv4-mapped IPv6 address
    (::ffff:a.b.c.d) is judged as its IPv4."""
    if isinstance(ip, str):
        ip = ipaddress.ip_address(ip.split("%")[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    if isinstance(ip, ipaddress.IPv4Address) and ip in CGNAT:
        return False
    special = ip.is_private or ip.is_loopback or ip.is_link_local or ip.is_multicast
    return ip.is_global and not (special or ip.is_reserved or ip.is_unspecified)


def resolve(host: str, port: int) -> list[str]:
    """The addresses `host` resolves to for a TCP connection on `port`, in the resolver's order (an IP literal,
    bracketed or not, resolves to itself). Raises AddressRefused (code "unresolvable") if it does not resolve."""
    try:
        infos = socket.getaddrinfo(host.strip("[]"), port, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError) as error:
        raise AddressRefused(f"{host} cannot be resolved: {error}", "unresolvable") from error
    return list(dict.fromkeys(str(info[4][0]).split("%")[0] for info in infos))


def check_address(url: str, allowed_hosts: Collection[str] = (), schemes: Collection[str] = ("http", "https")) -> None:
    """Refuse a URL whose scheme is not in `schemes`, or whose host resolves to an address that is not public.

    A host in `allowed_hosts` is not resolved, and may also be reached over plain http. This is the early check;
    the request itself must go through a guarded client (planner/outbound.py), which checks again on connecting.
    """
    parts = urlsplit(url)
    allowed = {*schemes, *(("http", "https") if parts.hostname in allowed_hosts else ())}
    if not parts.hostname or parts.scheme not in allowed:
        raise AddressRefused(f"{url}: only {' and '.join(sorted(schemes))} addresses are allowed", "scheme_not_allowed")
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError as error:
        raise AddressRefused(f"{url}: {error}", "scheme_not_allowed") from error
    if parts.hostname in allowed_hosts:
        return
    if private := [address for address in resolve(parts.hostname, port) if not is_public_address(address)]:
        raise AddressRefused(f"{parts.hostname} resolves to an address that is not public ({private[0]})", "not_public")
