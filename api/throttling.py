"""Rate limiting per API token (or, for the browsable API, per signed-in user), counted in Django's cache."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from rest_framework.request import Request
from rest_framework.throttling import SimpleRateThrottle

if TYPE_CHECKING:  # rest_framework.views imports this module while it is being defined
    from rest_framework.views import APIView


class TokenRateThrottle(SimpleRateThrottle):
    """`PLANNER_API_RATE` requests per token: two tokens of one person are counted apart."""

    scope = "token"

    def get_rate(self) -> str | None:
        # Read on every request rather than from DRF's import-time THROTTLE_RATES, so a change takes effect.
        return settings.PLANNER_API_RATE or None

    def get_cache_key(self, request: Request, view: APIView) -> str | None:
        # request.auth is the ApiToken (see api/authentication.py); its prefix is unique and not secret.
        prefix = getattr(request.auth, "prefix", None)
        if prefix:
            ident = f"token:{prefix}"
        elif request.user and request.user.is_authenticated:
            ident = f"user:{request.user.pk}"
        else:
            return None  # anonymous requests are refused by the permission check anyway
        return self.cache_format % {"scope": self.scope, "ident": ident}
