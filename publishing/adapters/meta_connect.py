"""Connecting a Meta account: the short-lived token of the OAuth code exchange traded for what lasts.

- Facebook (developers.facebook.com/docs/facebook-login/guides/access-tokens/get-long-lived): GET
  /oauth/access_token?grant_type=fb_exchange_token gives a 60-day user token; GET /me/accounts with it
  lists the person's Pages, each with a Page token that does not expire
  (developers.facebook.com/docs/pages-api/getting-started#get-page-access-token). The Page kept is the one
  whose name or id the person typed, else the only one.
- Instagram with Instagram Login (developers.facebook.com/docs/instagram-platform/reference/access_token):
  GET /access_token?grant_type=ig_exchange_token gives a 60-day token; GET /me?fields=user_id,username
  names the professional account (`user_id` is the id content publishing takes).
- Threads (developers.facebook.com/docs/threads/get-started/long-lived-tokens): GET
  /access_token?grant_type=th_exchange_token, then GET /me?fields=id,username.
Meta issues no refresh token: a long-lived token is refreshed with itself (graph_api.refresh_long_lived_token).
"""

from __future__ import annotations

import re
from typing import Any

import httpx

from publishing.adapters import graph_api
from publishing.adapters.base import Connection, Permanent, Transient

VERSION_SUFFIX = re.compile(r"/v\d+\.\d+/?$")
PAGES_LIMIT = 100  # one answer of /me/accounts; a person with more Pages types the one to connect by id
KEPT = ("client_id", "client_secret")  # the rest of the code exchange's credentials is replaced


def host(api_base_url: str) -> str:
    """The Graph host without a version (the adapters add theirs): https://graph.facebook.com/v21.0/ → …com"""
    return VERSION_SUFFIX.sub("", api_base_url.rstrip("/") + "/").rstrip("/")


def facebook(client: httpx.Client, connection: Connection, version: str) -> Connection:
    """The Page the person chose, with its own token (it does not expire) and id."""
    base, sent = host(connection.api_base_url), connection.credentials
    exchange = {
        "grant_type": "fb_exchange_token", "client_id": sent.get("client_id", ""),
        "client_secret": sent.get("client_secret", ""), "fb_exchange_token": sent.get("access_token", ""),
    }  # fmt: skip
    user_token, _ = graph_api.long_lived_token(_get(client, f"{base}/{version}/oauth/access_token", exchange))
    params = {"fields": "id,name,access_token", "limit": PAGES_LIMIT}
    pages = _get(client, f"{base}/{version}/me/accounts", params, token=user_token).json().get("data", [])
    page = chosen_page(pages, connection.handle)
    if not page.get("access_token"):
        raise Permanent(f"Facebook gave no token for the Page {page.get('name')!r}: is the app allowed to manage it?")
    credentials = _kept(sent) | {"access_token": page["access_token"], "page_id": str(page["id"])}
    return Connection(page["name"], f"{base}/", credentials, None, page["name"])


def chosen_page(pages: list[dict[str, Any]], typed: str) -> dict[str, Any]:
    """The Page whose name or id the person typed, else the only one; else a refusal naming them all."""
    wanted = typed.strip().lstrip("@").casefold()
    matching = [p for p in pages if wanted in (str(p.get("name", "")).casefold(), str(p.get("id", "")))]
    if len(matching) == 1:
        return matching[0]
    if len(pages) == 1:
        return pages[0]
    if not pages:
        raise Permanent("This Facebook login manages no Page the app may publish to: nothing was connected.")
    names = ", ".join(f"{p.get('name')} (id {p.get('id')})" for p in pages)
    raise Permanent(f"Type the name or id of the Page to connect; this login manages: {names}.")


def instagram(client: httpx.Client, connection: Connection, version: str) -> Connection:
    """The professional account with a 60-day token, named by its username."""
    return _profile(client, connection, version, "ig_exchange_token", "user_id")


def threads(client: httpx.Client, connection: Connection, version: str) -> Connection:
    """The Threads profile with a 60-day token, named by its username."""
    return _profile(client, connection, version, "th_exchange_token", "id")


def _profile(client: httpx.Client, connection: Connection, version: str, grant_type: str, id_field: str) -> Connection:
    base = host(connection.api_base_url)
    token, lasts = _exchange(client, f"{base}/access_token", grant_type, connection.credentials)
    me = _get(client, f"{base}/{version}/me", {"fields": f"{id_field},username"}, token=token).json()
    credentials = _kept(connection.credentials) | {"access_token": token, "user_id": str(me[id_field])}
    return Connection(f"@{me['username']}", f"{base}/", credentials, lasts, me["username"])


def _exchange(client: httpx.Client, url: str, grant_type: str, sent: dict[str, Any]) -> tuple[str, int]:
    params = {"grant_type": grant_type, "client_secret": sent.get("client_secret", ""),
              "access_token": sent.get("access_token", "")}  # fmt: skip
    token, lasts = graph_api.long_lived_token(_get(client, url, params))
    return token, int(lasts.total_seconds())


def _get(client: httpx.Client, url: str, params: dict[str, Any], *, token: str = "") -> httpx.Response:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    try:
        response = client.get(url, params=params, headers=headers)
    except httpx.TransportError as error:
        raise Transient(f"Meta could not be reached: {error!r}") from error
    if response.status_code >= 400:
        if (error := graph_api.error_of(response)) is not None:
            graph_api.raise_for("Meta", response, error)
        raise Transient(f"Meta answered {response.status_code}: {response.text[:300]}", status=response.status_code)
    return response


def _kept(credentials: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in credentials.items() if k in KEPT}
