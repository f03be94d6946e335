"""Where the app may send a request that someone else's URL asked for: only to public addresses.

A URL given by a user (a link to read for a card, a webhook to call) must not reach loopback or a private
network, where our own services listen, unless its host is on an allow-list the caller was given (a test's
receiver, a known internal host). The check resolves the host now: call it again before each request,
since what a name points to can change.
"""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Collection
from urllib.parse import urlsplit


class AddressRefused(ValueError):
    """The URL's scheme is not allowed, or its host cannot be resolved or resolves to a non-public address."""

    def __init__(self, message: str, code: str) -> None:
        super().__init__(message)
        self.code = code


def check_address(url: str, allowed_hosts: Collection[str] = (), schemes: Collection[str] = ("http", "https")) -> None:
    """Refuse a URL whose scheme is not in `schemes`, or whose host resolves to an address that is not public.

    A host in `allowed_hosts` is not resolved, and may also be reached over plain http.
    """
    parts = urlsplit(url)
    if not parts.hostname or parts.scheme not in {
        *schemes,
        *(("http", "https") if parts.hostname in allowed_hosts else ()),
    }:
        raise AddressRefused(f"{url}: only {' and '.join(sorted(schemes))} addresses are allowed", "scheme_not_allowed")
    if parts.hostname in allowed_hosts:
        return
    try:
        found = {info[4][0] for info in socket.getaddrinfo(parts.hostname, parts.port or 443, type=socket.SOCK_STREAM)}
    except (OSError, UnicodeError) as error:
        raise AddressRefused(f"{parts.hostname} cannot be resolved: {error}", "unresolvable") from error
    if private := sorted(a for a in found if not ipaddress.ip_address(a.split("%")[0]).is_global):
        raise AddressRefused(f"{parts.hostname} resolves to an address that is not public ({private[0]})", "not_public")
