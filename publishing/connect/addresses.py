"""The address of a server a person types (a Mastodon server, a Bluesky PDS): normalised and checked.

Only https, but for the sandbox on loopback while it is enabled (the demo and the tests): the planner
calls what is typed here, so it must not be pointed at plain-HTTP services.
"""

from __future__ import annotations

import ipaddress
from urllib.parse import urlsplit

from django.conf import settings

from publishing.connect.oauth import ConnectRefused


def server_url(typed: str, *, field: str, example: str) -> str:
    """The server's base URL from a name ("mastodon.social") or a full URL, ending with a slash."""
    text = typed.strip()
    if not text:
        raise ConnectRefused(f"Type the server of the account, e.g. {example}.", field=field)
    parts = urlsplit(text if "://" in text else f"https://{text}")
    if not parts.hostname or parts.scheme not in ("http", "https") or parts.query or parts.fragment:
        raise ConnectRefused(f"“{typed}” is not a server name such as {example}.", field=field)
    if parts.scheme == "http" and not (settings.PLANNER_SANDBOX_ENABLED and is_loopback(parts.hostname)):
        raise ConnectRefused("The server must be reached over https.", field=field)
    return f"{parts.scheme}://{parts.netloc}{parts.path.rstrip('/')}/"


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False
