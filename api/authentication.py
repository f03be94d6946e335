"""`Authorization: Token <secret>`: the API's own tokens, hashed at rest."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import authentication, exceptions
from rest_framework.request import Request

from api import tokens

KEYWORD = "Token"


class TokenAuthentication(authentication.BaseAuthentication):
    """Authenticates a request carrying `Authorization: Token <secret>` of a live token of an active user."""

    def authenticate(self, request: Request) -> tuple[Any, Any] | None:
        parts = authentication.get_authorization_header(request).split()
        if not parts or parts[0].lower() != KEYWORD.lower().encode():
            return None
        if len(parts) != 2:
            raise exceptions.AuthenticationFailed(_("Give the token as “Authorization: Token <secret>”."))
        try:
            secret = parts[1].decode()
        except UnicodeDecodeError:
            raise exceptions.AuthenticationFailed(_("The token is not valid.")) from None
        token = tokens.token_for_secret(secret)
        if token is None or not token.user.is_active:
            raise exceptions.AuthenticationFailed(_("The token is not valid, or was revoked."))
        tokens.note_use(token)
        return token.user, token

    def authenticate_header(self, request: Request) -> str:
        # Makes DRF answer 401 (with WWW-Authenticate) rather than 403 when credentials are missing.
        return KEYWORD


class TokenAuthenticationScheme(OpenApiAuthenticationExtension):
    target_class = "api.authentication.TokenAuthentication"
    name = "tokenAuth"

    def get_security_definition(self, auto_schema: Any) -> dict[str, str]:
        return {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": "`Token <secret>`; make one with `manage.py create_api_token`.",
        }
