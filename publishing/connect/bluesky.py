"""Connecting a Bluesky account: its handle and an app password, checked by opening a session on its PDS.

An app password, never the account's main password: it can be revoked on its own and cannot change the
account's settings. https://blueskyweb.xyz/blog/8-28-2023-app-passwords (format: four groups of four
base32 characters, packages/pds/src/account-manager/helpers/password.ts `createAppPassword`).
"""

from __future__ import annotations

import re
from typing import Any

import httpx

from planner.addresses import AddressRefused
from publishing.connect import addresses
from publishing.connect.oauth import ConnectRefused

APP_PASSWORD = re.compile(r"^[a-z2-7]{4}-[a-z2-7]{4}-[a-z2-7]{4}-[a-z2-7]{4}$")
# atproto.com/specs/handle#handle-identifier-syntax, roughly: labels of letters, digits and hyphens.
HANDLE = re.compile(r"^(?=.{3,253}$)([a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?\.)+[a-zA-Z][a-zA-Z0-9-]*$")
DEFAULT_PDS = "https://bsky.social/"


def check_app_password(password: str) -> str:
    """The app password as Bluesky shows it (lower case), or refused if it cannot be one."""
    candidate = password.strip().lower()
    if not APP_PASSWORD.match(candidate):
        raise ConnectRefused(
            "This is not an app password (four groups of four letters and digits, like abcd-efgh-ijkl-mnop). "
            "Create one under Settings → Privacy and security → App passwords; never use the main password.",
            field="app_password",
        )
    return candidate


def pds_url(typed: str) -> str:
    """The PDS hosting the account; bsky.social's when left empty."""
    return addresses.server_url(typed or DEFAULT_PDS, field="pds", example="bsky.social")


def check_handle(handle: str) -> str:
    candidate = handle.strip().removeprefix("@").lower()
    if not HANDLE.match(candidate):
        raise ConnectRefused(f"“{handle}” is not a Bluesky handle such as health.bsky.social.", field="handle")
    return candidate


def create_session(client: httpx.Client, pds: str, handle: str, app_password: str) -> dict[str, Any]:
    """The credentials the Bluesky adapter reads, from com.atproto.server.createSession
    (shared/specs/bluesky/com/atproto/server/createSession.json); refused with the field to correct."""
    url = f"{pds.rstrip('/')}/xrpc/com.atproto.server.createSession"
    try:
        response = client.post(url, json={"identifier": handle, "password": app_password})
    except AddressRefused as refused:
        raise ConnectRefused(str(refused), field="pds") from refused
    except httpx.HTTPError as error:
        raise ConnectRefused(
            f"The Bluesky server could not be reached ({error.__class__.__name__}).", field="pds"
        ) from error
    try:
        data = response.json()
    except ValueError:
        data = {}
    if response.status_code in (400, 401) and isinstance(data, dict) and data.get("error"):
        # AuthenticationRequired: "Invalid identifier or password" (atproto.com/specs/xrpc#error-responses).
        raise ConnectRefused(
            f"Bluesky refused this handle and app password: {data.get('message') or data['error']}.",
            field="app_password",
        )
    if response.status_code >= 400 or not isinstance(data, dict) or not data.get("accessJwt"):
        raise ConnectRefused(f"The Bluesky server answered {response.status_code}: {response.text[:200]}", field="pds")
    return {
        "identifier": handle, "app_password": app_password, "access_jwt": data["accessJwt"],
        "refresh_jwt": data.get("refreshJwt", ""), "did": data.get("did", ""), "handle": data.get("handle") or handle,
    }  # fmt: skip
