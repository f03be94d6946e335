"""A person on the sandbox's consent page, over real HTTP: reads the page, then authorizes or denies."""

from __future__ import annotations

import html
import re
from urllib.parse import urlsplit

import httpx

HIDDEN = re.compile(r'<input type="hidden" name="([^"]+)" value="([^"]*)">')


def decide(authorize_url: str, *, authorize: bool = True, username: str = "") -> str:
    """Where the platform sends the person back (the callback URL with its code or error), as a path and query."""
    with httpx.Client(timeout=10.0) as browser:
        page = browser.get(authorize_url)
        assert page.status_code == 200, page.text[:500]
        fields = {html.unescape(k): html.unescape(v) for k, v in HIDDEN.findall(page.text)}
        fields |= {"username": username, "authorize" if authorize else "deny": "1"}
        answer = browser.post(authorize_url, data=fields)
    assert answer.status_code == 302, answer.text[:500]
    back = urlsplit(answer.headers["Location"])
    return f"{back.path}?{back.query}"


def sandbox_clients(live_server_url: str, *platforms: str, api_suffix: dict[str, str] | None = None) -> dict:
    """PLANNER_OAUTH_CLIENTS for our app on these platforms of the live sandbox: its consent page, token endpoint
    and API (under `api_suffix[platform]` where given, as the provider table has a version)."""
    clients = {}
    for platform in platforms:
        sandbox = f"{live_server_url}/sandbox/{platform}/"
        clients[platform] = {
            "client_id": "planner-demo", "client_secret": "demo-secret", "authorize_url": f"{sandbox}oauth/authorize",
            "token_url": f"{sandbox}oauth/token", "api_base_url": sandbox + (api_suffix or {}).get(platform, ""),
        }  # fmt: skip
    return clients
