"""Connecting a Mastodon account: our app registers itself on the person's server, then OAuth 2 with PKCE.

Every Mastodon server is its own OAuth provider: an app is registered once per server (and redirect
URI) with POST /api/v1/apps and remembered (OAuthApplication). https://docs.joinmastodon.org/client/token/
"""

from __future__ import annotations

from urllib.parse import urlsplit

import httpx
from django.db import IntegrityError

from planner.addresses import AddressRefused
from publishing.connect import addresses, oauth
from publishing.connect.oauth import ConnectRefused, Tokens
from publishing.models import OAuthApplication
from publishing.platforms import Platform

APP_NAME = "Campaign planner"
# What the adapter needs: statuses and media (write), instance limits, verify_credentials and statuses (read).
# https://docs.joinmastodon.org/api/oauth-scopes/
SCOPES = "read write"


def server_url(typed: str) -> str:
    """The server's API base URL from what a person typed ("mastodon.social", a full URL), ending with a slash."""
    return addresses.server_url(typed, field="server", example="mastodon.social")


def application(client: httpx.Client, server: str, redirect_uri: str) -> OAuthApplication:
    """Our app on this server, registered the first time (https://docs.joinmastodon.org/methods/apps/#create)."""
    known = {"platform": Platform.MASTODON, "server_url": server, "redirect_uri": redirect_uri, "scopes": SCOPES}
    if app := OAuthApplication.objects.filter(**known).first():
        return app
    body = {"client_name": APP_NAME, "redirect_uris": [redirect_uri], "scopes": SCOPES}
    data = _call(client, "POST", f"{server}api/v1/apps", json=body)
    if not isinstance(data.get("client_id"), str) or not isinstance(data.get("client_secret"), str):
        raise ConnectRefused("The server answered the app registration without a client id.", field="server")
    try:
        return OAuthApplication.objects.create(
            **known, client_id=data["client_id"], secrets={"client_secret": data["client_secret"]}
        )
    except IntegrityError:
        # Registered by another request meanwhile: that one is remembered; ours stays unused on the server.
        return OAuthApplication.objects.get(**known)


def authorize_url(app: OAuthApplication, state: str, verifier: str) -> str:
    # https://docs.joinmastodon.org/methods/oauth/#authorize (PKCE since 4.3, S256 only)
    return oauth.authorize_url(
        f"{app.server_url}oauth/authorize", client_id=app.client_id, redirect_uri=app.redirect_uri,
        scope=app.scopes, state=state, verifier=verifier,
    )  # fmt: skip


def exchange(client: httpx.Client, app: OAuthApplication, code: str, verifier: str) -> Tokens:
    """The tokens for an authorization code; the parameters as the JSON body Mastodon documents
    (https://docs.joinmastodon.org/methods/oauth/#token)."""
    form = {
        "grant_type": "authorization_code", "code": code, "redirect_uri": app.redirect_uri,
        "client_id": app.client_id, "client_secret": app.secrets.get("client_secret", ""), "code_verifier": verifier,
    }  # fmt: skip
    return oauth.exchange_code(client, f"{app.server_url}oauth/token", form, as_json=True)


def whoami(client: httpx.Client, server: str, access_token: str) -> tuple[str, str]:
    """The account's full handle (@user@server) and display name.

    https://docs.joinmastodon.org/methods/accounts/#verify_credentials; `acct` is the bare username for
    the server's own accounts (https://docs.joinmastodon.org/entities/Account/#acct).
    """
    data = _call(client, "GET", f"{server}api/v1/accounts/verify_credentials", token=access_token)
    username = data.get("acct") or data.get("username")
    if not isinstance(username, str) or not username:
        raise ConnectRefused("The server did not say which account was authorized.")
    handle = f"@{username}" if "@" in username else f"@{username}@{urlsplit(server).netloc}"
    return handle, str(data.get("display_name") or "")


def _call(client: httpx.Client, method: str, url: str, *, token: str = "", **kwargs: object) -> dict:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    try:
        response = client.request(method, url, headers=headers, **kwargs)
    except AddressRefused as refused:
        raise ConnectRefused(str(refused), field="server") from refused
    except httpx.HTTPError as error:
        raise ConnectRefused(
            f"The server could not be reached ({error.__class__.__name__}).", field="server"
        ) from error
    try:
        data = response.json()
    except ValueError:
        data = None
    if response.status_code >= 400 or not isinstance(data, dict):
        # https://docs.joinmastodon.org/entities/Error/: {"error": "…"}
        detail = data.get("error") if isinstance(data, dict) else response.text[:200]
        raise ConnectRefused(f"The server refused ({response.status_code}): {detail}", field="server")
    return data
