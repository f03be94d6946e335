"""The OAuth 2 authorization-code flow with PKCE, as every platform we connect through OAuth 2 runs it.

RFC 6749 §4.1 (authorization code), RFC 7636 (PKCE, S256 only), RFC 6749 §5 (the token answer).
"""

from __future__ import annotations

import base64
import hashlib
import secrets
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

import httpx

from planner.addresses import AddressRefused

# RFC 7636 §4.1: 43 to 128 characters of [A-Z a-z 0-9 - . _ ~]; 64 random bytes make 86.
VERIFIER_BYTES = 64
STATE_BYTES = 32


class ConnectRefused(Exception):
    """Connecting did not succeed: a message for the person, and the form field it is about (if any)."""

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message, self.field = message, field


@dataclass(frozen=True)
class Tokens:
    access_token: str
    refresh_token: str
    expires_in_s: int | None
    scope: str


def new_state() -> str:
    return secrets.token_urlsafe(STATE_BYTES)


def new_verifier() -> str:
    return secrets.token_urlsafe(VERIFIER_BYTES)


def challenge_of(verifier: str) -> str:
    """RFC 7636 §4.2: BASE64URL(SHA256(ASCII(code_verifier))), without padding."""
    return base64.urlsafe_b64encode(hashlib.sha256(verifier.encode("ascii")).digest()).decode().rstrip("=")


def authorize_url(endpoint: str, *, client_id: str, redirect_uri: str, scope: str, state: str, verifier: str,
                  extra: dict[str, str] | None = None) -> str:  # fmt: skip
    """Where to send the person to authorize the app (RFC 6749 §4.1.1 with RFC 7636 §4.3)."""
    query = {
        "response_type": "code", "client_id": client_id, "redirect_uri": redirect_uri, "scope": scope,
        "state": state, "code_challenge": challenge_of(verifier), "code_challenge_method": "S256", **(extra or {}),
    }  # fmt: skip
    separator = "&" if "?" in endpoint else "?"
    return f"{endpoint}{separator}{urlencode(query)}"


def exchange_code(client: httpx.Client, token_url: str, form: dict[str, str], *, as_json: bool = False,
                  basic_auth: tuple[str, str] | None = None) -> Tokens:  # fmt: skip
    """Trade an authorization code (with its verifier) for tokens (RFC 6749 §4.1.3), or say why not."""
    body: dict[str, Any] = {"json": form} if as_json else {"data": form}
    try:
        response = client.post(token_url, auth=basic_auth, headers={"Accept": "application/json"}, **body)
    except AddressRefused as refused:
        raise ConnectRefused(str(refused)) from refused
    except httpx.HTTPError as error:
        raise ConnectRefused(
            f"The platform's token endpoint could not be reached ({error.__class__.__name__})."
        ) from error
    data = _json(response)
    if response.status_code >= 400 or not isinstance(data.get("access_token"), str) or not data["access_token"]:
        # RFC 6749 §5.2: {"error", "error_description"}.
        reason = data.get("error_description") or data.get("error") or response.text[:200]
        raise ConnectRefused(f"The platform refused to issue tokens ({response.status_code}): {reason}")
    expires_in = data.get("expires_in")
    return Tokens(
        access_token=data["access_token"],
        refresh_token=data["refresh_token"] if isinstance(data.get("refresh_token"), str) else "",
        expires_in_s=int(expires_in) if isinstance(expires_in, int | float) and expires_in > 0 else None,
        scope=str(data.get("scope") or ""),
    )


def _json(response: httpx.Response) -> dict[str, Any]:
    try:
        data = response.json()
    except ValueError:
        return {}
    return data if isinstance(data, dict) else {}
