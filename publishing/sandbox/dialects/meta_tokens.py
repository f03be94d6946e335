"""The sandbox's Meta token endpoints and the profiles they lead to (publishing/adapters/meta_connect.py calls them).

- GET /sandbox/instagram/access_token?grant_type=ig_exchange_token&client_secret=…&access_token=<short-lived>
  and /sandbox/threads/access_token?grant_type=th_exchange_token (docs/instagram-platform/reference/access_token,
  docs/threads/get-started/long-lived-tokens) → {"access_token", "token_type": "bearer", "expires_in"}: the
  account's token is replaced by one that lasts 60 days (the sandbox keeps one token per account).
- GET /sandbox/facebook/v<version>/oauth/access_token?grant_type=fb_exchange_token&client_id&client_secret&
  fb_exchange_token=<short-lived> (docs/facebook-login/guides/access-tokens/get-long-lived): the same, for the user.
- GET /me/accounts (Facebook, a user token) → {"data": [{"id", "name", "access_token", "category"}], "paging"}:
  the Pages named in settings.SANDBOX_FACEBOOK_PAGES (default one), each an account of its own whose token
  does not expire and is the same at every connection of the same user.
- GET /me (Instagram: id, user_id, username; Threads: id, username).
The token to exchange must be one the sandbox issued and still valid, else error 190 as Meta answers it; a
missing client_secret (or client_id) is error 101.
"""

from __future__ import annotations

import datetime as dt
import secrets
from typing import Any

from django.conf import settings
from django.db import transaction
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils import timezone
from django.utils.crypto import salted_hmac

from publishing.sandbox import services
from publishing.sandbox.dialects import graph
from publishing.sandbox.dialects.graph import user_id_for
from publishing.sandbox.models import FaultScope, RevokedToken, SandboxAccount

EXCHANGE_GRANTS = {"instagram": "ig_exchange_token", "threads": "th_exchange_token", "facebook": "fb_exchange_token"}
DEFAULT_PAGES = ("Sandbox Health Page",)
PAGE_SALT = "publishing.sandbox.facebook.page"
LONG_LIVED_TOKEN = dt.timedelta(days=60)


def exchange(request: HttpRequest, platform: str) -> HttpResponse:
    """The long-lived token for a short-lived one (Instagram and Threads: `access_token`; Facebook: `fb_exchange_token`)."""
    params = request.GET.dict()
    short = params.get("fb_exchange_token" if platform == "facebook" else "access_token", "").strip()
    try:
        if params.get("grant_type") != EXCHANGE_GRANTS[platform]:
            raise graph.GraphError(100, f"Param grant_type must be {EXCHANGE_GRANTS[platform]}")
        if platform == "facebook" and not params.get("client_id"):
            raise graph.GraphError(101, "Missing client_id parameter.")
        if not params.get("client_secret"):
            raise graph.GraphError(101, "Error validating client secret.")
        account = issued(platform, short)
        graph.inject(services.take_fault(account, FaultScope.TOKEN))
        fresh, now = secrets.token_urlsafe(32), timezone.now()
        lasts = LONG_LIVED_TOKEN
        with transaction.atomic():
            SandboxAccount.objects.filter(pk=account.pk).update(
                token=fresh, token_expires_at=now + lasts, refresh_token=""
            )
            RevokedToken.objects.create(account=account, kind=RevokedToken.Kind.ACCESS, token=short, revoked_at=now)
        return JsonResponse({"access_token": fresh, "token_type": "bearer", "expires_in": int(lasts.total_seconds())})
    except graph.GraphError as error:
        return graph.answer(error)
    except graph.GatewayTimeout:
        return HttpResponse("Gateway Timeout", status=504, content_type="text/plain")


def issued(platform: str, token: str) -> SandboxAccount:
    """The account of a token the sandbox issued and that is still valid; else Meta's error 190."""
    account = SandboxAccount.objects.filter(platform=platform, token=token).first() if token else None
    if account is None:
        raise graph.GraphError(190, "Invalid OAuth access token - Cannot parse access token")
    return graph.account_of(platform, token)  # 190/463 when it expired


def pages(account: SandboxAccount, params: dict[str, str]) -> dict[str, Any]:
    """The Pages a Facebook user manages, each with its Page token."""
    graph.inject(services.take_fault(account))
    found = []
    for name in getattr(settings, "SANDBOX_FACEBOOK_PAGES", DEFAULT_PAGES):
        token = "page-" + salted_hmac(PAGE_SALT, f"{account.pk}:{name}").hexdigest()
        page, _ = SandboxAccount.objects.get_or_create(platform="facebook", token=token)
        page_fields = {"id": user_id_for(page), "name": name, "access_token": token, "category": "Health"}
        found.append(graph.select_fields(page_fields, params))
    return {"data": found, "paging": {"cursors": {"before": "QVFIUmJ", "after": "QVFIUmJ"}}}


def profile(account: SandboxAccount, platform: str, params: dict[str, str]) -> dict[str, Any]:
    """GET /me: the user as Instagram (with Instagram Login) or Threads describes it."""
    graph.inject(services.take_fault(account))
    uid = user_id_for(account)
    values = {"id": uid, "username": f"sandbox_user_{account.pk}"}
    return graph.select_fields(values | ({"user_id": uid} if platform == "instagram" else {}), params)
