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
